/** `voice-rag check`: validates the configuration and prints its errors and warnings by line. */
import { ConfigError, formatIssue } from '../config/issues.js';
import type { ConfigIssue } from '../config/issues.js';
import { loadConfig } from '../node/config-file.js';
import type { CliIo } from './main.js';

/** Prints every issue of `configPath`; resolves to 0 when it is valid, 1 when not. */
export async function check(configPath: string, io: CliIo): Promise<number> {
  const print = (issues: readonly ConfigIssue[]): void => {
    for (const issue of issues) io.stdout(`${formatIssue(issue)}\n`);
  };
  try {
    const loaded = await loadConfig(configPath, io.env);
    print(loaded.warnings);
    const warnings = loaded.warnings.filter((issue) => issue.severity === 'warning').length;
    io.stdout(`${configPath}: valid (${plural(warnings, 'warning')})\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    print([...error.issues, ...error.warnings].sort((a, b) => a.line - b.line));
    io.stdout(`${configPath}: invalid (${plural(error.issues.length, 'error')}, ${plural(error.warnings.filter((issue) => issue.severity === 'warning').length, 'warning')})\n`);
    return 1;
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
