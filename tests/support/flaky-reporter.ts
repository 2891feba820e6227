/**
 * Names every test that failed and then passed on its retry (tests/run.mjs runs Vitest with
 * `--retry=1`), so a flaky test is reported rather than hidden: a JSON array of
 * "file > test" names, written to the file VITEST_FLAKY_FILE names.
 */
import { writeFileSync } from 'node:fs';
import type { Reporter, TestCase } from 'vitest/node';

export default class FlakyReporter implements Reporter {
  private readonly flaky: string[] = [];

  onTestCaseResult(test: TestCase): void {
    if (test.diagnostic()?.flaky) this.flaky.push(`${test.module.relativeModuleId} > ${test.fullName}`);
  }

  onTestRunEnd(): void {
    const file = process.env.VITEST_FLAKY_FILE;
    if (file) writeFileSync(file, JSON.stringify(this.flaky));
  }
}
