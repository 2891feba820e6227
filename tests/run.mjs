#!/usr/bin/env node
// Runs every suite (typecheck, build, node tests, browser tests, end-to-end) and ends with one
// plain "N passed, M failed" line, which CI reads. Exit code is non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const totals = { passed: 0, failed: 0, skipped: 0 };
let ok = true;

function run(label, command, args, env = {}) {
  console.log(`\n▶ ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) ok = false;
  return result.status === 0;
}

function addVitest(file) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.skipped += report.numPendingTests + report.numTodoTests;
    // A file that failed to load has no tests but fails the suite.
    for (const suite of report.testResults ?? []) if (suite.status === 'failed' && !suite.assertionResults?.length) totals.failed++;
  } catch {
    totals.failed++;
  }
}

const only = process.argv.slice(2);
const want = (stage) => only.length === 0 || only.includes(stage);

if (want('typecheck') && !run('typecheck', 'npx', ['tsc', '-p', '.'])) totals.failed++;
if (want('build') && !run('build', 'npm', ['run', '--silent', 'build'])) totals.failed++;

for (const project of ['node', 'e2e']) {
  if (!want(project)) continue;
  const out = `.vitest-${project}.json`;
  rmSync(out, { force: true });
  run(`vitest ${project}`, 'npx', ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  addVitest(out);
}

if (want('browser')) {
  const out = '.wtr-counts.json';
  rmSync(out, { force: true });
  run('browser (web-test-runner)', 'npx', ['web-test-runner'], { CI: 'true', WTR_COUNTS_FILE: out });
  try {
    const counts = JSON.parse(readFileSync(out, 'utf8'));
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    totals.skipped += counts.skipped;
  } catch {
    totals.failed++;
  }
}

if (totals.failed > 0) ok = false;
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok ? 0 : 1);
