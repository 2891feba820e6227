/**
 * Problems found in a configuration file, each pinned to a file, a line and a key path, and
 * the one error that lists all of them (STYLE.md §14: check once, at the boundary).
 */

/** How bad a problem is: errors refuse the file, warnings and notes only inform. */
export type ConfigSeverity = 'error' | 'warning' | 'info';

/** One problem in a configuration file. */
export interface ConfigIssue {
  severity: ConfigSeverity;
  /** The file as it was named to the loader. */
  file: string;
  /** 1-based line; 0 when the problem has no position (e.g. the file cannot be read). */
  line: number;
  /** 1-based column, where known. */
  column?: number;
  /** Dotted key path such as `sites.docs.limits.queue_seconds` ("" for the whole file). */
  path: string;
  message: string;
}

/** Formats an issue as `file:line  path  severity: message`, the shape `voice-rag check` prints. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}` : issue.file;
  return `${where}  ${issue.path || '(file)'}  ${issue.severity}: ${issue.message}`;
}

/** Thrown by the loader when a configuration is refused; `issues` holds every error found. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  /** Warnings found alongside the errors, for reporting. */
  readonly warnings: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], warnings: readonly ConfigIssue[] = []) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`invalid configuration (${count}):\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
    this.warnings = warnings;
  }
}

/** Joins a key path the way issues print it: dotted, list items by index (`sites.docs.origins.0`). */
export function joinPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment)).join('.');
}
