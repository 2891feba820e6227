/**
 * Text to validated configuration, without touching the file system: YAML (or JSON) parsed
 * with positions, variables substituted in string values, zod validation, cross-field
 * checks, warnings, and a deep freeze.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { configWarnings } from './warnings.js';
import { crossCheck } from './cross-check.js';
import { substituteEnv } from './env.js';
import type { Env } from './env.js';
import { deepFreeze } from './freeze.js';
import { joinPath } from './issues.js';
import type { ConfigIssue } from './issues.js';
import { createLocator } from './positions.js';
import type { Locator } from './positions.js';
import { configSchema } from './schema.js';
import type { GatewayConfig } from './schema.js';

/** Options of parseConfig: the file name shown in issues, the environment, and the syntax. */
export interface ParseOptions {
  file: string;
  env?: Env;
  /** Default: `json` for names ending in .json, otherwise `yaml` (YAML also reads JSON). */
  format?: 'yaml' | 'json';
}

/** The outcome of parseConfig: a frozen config and its warnings, or every error found. */
export type ParseResult =
  | { ok: true; config: GatewayConfig; warnings: ConfigIssue[]; errors: [] }
  | { ok: false; errors: ConfigIssue[]; warnings: ConfigIssue[] };

/** Parses, substitutes, validates and freezes configuration text; never throws on bad input. */
export function parseConfig(text: string, options: ParseOptions): ParseResult {
  const { file } = options;
  const format = options.format ?? (file.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    ...(format === 'json' ? { schema: 'json' as const } : {}),
  });
  const syntax: ConfigIssue[] = [...doc.errors].map((error) => {
    const position = error.linePos?.[0];
    const issue: ConfigIssue = { severity: 'error', file, line: position?.line ?? 0, path: '', message: syntaxMessage(error.message) };
    if (position) issue.column = position.col;
    return issue;
  });
  if (syntax.length > 0) return { ok: false, errors: syntax, warnings: [] };

  const yamlWarnings = [...doc.warnings].map((warning): ConfigIssue => {
    const position = warning.linePos?.[0];
    return { severity: 'warning', file, line: position?.line ?? 0, column: position?.col, path: '', message: syntaxMessage(warning.message) };
  });
  const locate = createLocator(doc, lineCounter);
  const { issues: envIssues, substituted } = substituteEnv(doc, options.env ?? {}, file, locate);
  const warnings = [...yamlWarnings, ...envIssues.filter((issue) => issue.severity !== 'error')];
  const errors = envIssues.filter((issue) => issue.severity === 'error');

  const data: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const result = configSchema.safeParse(data);
  if (!result.success) errors.push(...result.error.issues.flatMap((issue) => zodIssues(issue, file, locate, substituted.has(joinPath(issue.path)) ? SECRET_SAFE : data)));
  for (const problem of crossCheck(data)) errors.push(at(file, locate, problem.path, problem.message));

  if (errors.length > 0 || !result.success) return { ok: false, errors: sortIssues(errors), warnings: sortIssues(warnings) };
  const config = deepFreeze(result.data);
  warnings.push(...configWarnings(config, { file, locate }));
  return { ok: true, config, warnings: sortIssues(warnings), errors: [] };
}

function at(file: string, locate: Locator, path: readonly PropertyKey[], message: string): ConfigIssue {
  const { line, column } = locate(path);
  return { severity: 'error', file, line, column, path: joinPath(path), message };
}

function zodIssues(issue: z.core.$ZodIssue, file: string, locate: Locator, data: unknown): ConfigIssue[] {
  const path = issue.path;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => at(file, locate, [...path, key], `unknown key "${key}"`));
    case 'invalid_union':
      if ('discriminator' in issue && 'options' in issue) {
        const options = (issue.options as unknown[]).map((option) => `"${String(option)}"`).join(', ');
        return [at(file, locate, path, `must be one of ${options}`)];
      }
      return [at(file, locate, path, issue.message)];
    case 'too_small':
      if (issue.origin === 'string' && issue.minimum === 1) return [at(file, locate, path, 'must not be empty')];
      return [at(file, locate, path, issue.message)];
    case 'invalid_type':
      if (issue.message.endsWith('received undefined')) return [at(file, locate, path, `is required (${article(issue.expected)})`)];
      return [at(file, locate, path, `must be ${article(issue.expected)}, not ${describe(valueAt(data, path))}`)];
    default:
      return [at(file, locate, path, issue.message)];
  }
}

// Values that came from the environment may be secrets: messages describe their type only.
const SECRET_SAFE = Symbol('from the environment');

const TYPE_NAMES: Record<string, string> = { record: 'map', object: 'map', array: 'list' };

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  if (data === SECRET_SAFE) return SECRET_SAFE;
  let value = data;
  for (const segment of path) value = (value as Record<PropertyKey, unknown> | undefined)?.[segment];
  return value;
}

function article(type: string): string {
  const expected = TYPE_NAMES[type] ?? type;
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describe(value: unknown): string {
  if (value === SECRET_SAFE) return 'the value of its environment variable';
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function syntaxMessage(message: string): string {
  // yaml appends " at line N, column M:" and a code excerpt; the issue carries the position already.
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
}
