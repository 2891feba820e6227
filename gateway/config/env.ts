/**
 * `${NAME}` and `${NAME:-default}` substitution, done on the parsed YAML document and only in
 * string scalar values, so a variable's value can never add keys, lists or documents.
 */
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Scalar } from 'yaml';
import { joinPath } from './issues.js';
import type { ConfigIssue } from './issues.js';
import type { Locator } from './positions.js';

/** The environment, as `process.env` has it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Keys whose values are secrets, for clearer warnings when their variable is unset. */
const SECRET_KEYS = new Set(['api_key', 'secret', 'status_token', 'public_key', 'password']);

const REFERENCE = /\$\$\{|\$\{([^}]*)(\}?)/g;
const NAME_AND_DEFAULT = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;
const WHOLE_REFERENCE = /^\$\{[^}]*\}$/;
// YAML 1.2 core schema forms of numbers and booleans: what a plain scalar would have typed as.
const INTEGER = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const BOOLEAN = /^(?:true|True|TRUE|false|False|FALSE)$/;

/** True when a key path names a secret (api keys, JWT secrets, the status token, the Redis URLs). */
export function isSecretPath(path: readonly PropertyKey[]): boolean {
  const last = path[path.length - 1];
  if (typeof last === 'string' && SECRET_KEYS.has(last)) return true;
  return path[0] === 'store' && (path[1] === 'url' || path[1] === 'cluster');
}

/** What substitution found: problems, and the key paths whose values came from variables. */
export interface SubstitutionResult {
  issues: ConfigIssue[];
  /** Joined key paths of values that held a reference; their text is never echoed in messages. */
  substituted: Set<string>;
}

/** Replaces variables in every string value of `doc` in place. */
export function substituteEnv(doc: Document, env: Env, file: string, locate: Locator): SubstitutionResult {
  const issues: ConfigIssue[] = [];
  const substituted = new Set<string>();
  const substitutedNodes = new Set<unknown>();
  // `markOnly`: under an alias, whose anchor (earlier in the file) is already substituted, only
  // the paths are recorded, so an error at the alias never echoes the variable's value either.
  const walk = (node: unknown, path: PropertyKey[], markOnly = false, depth = 0): void => {
    if (isAlias(node)) {
      if (depth < 20) walk(node.resolve(doc), path, true, depth + 1);
    } else if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        walk(pair.value, [...path, String(key)], markOnly, depth);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, [...path, index], markOnly, depth));
    } else if (markOnly) {
      if (substitutedNodes.has(node)) substituted.add(joinPath(path));
    } else if (isScalar(node) && typeof node.value === 'string') {
      substituteScalar(node as Scalar<string>, path);
    }
  };
  const substituteScalar = (scalar: Scalar<string>, path: PropertyKey[]): void => {
    const source = scalar.value;
    if (!source.includes('${')) return;
    substituted.add(joinPath(path));
    substitutedNodes.add(scalar);
    const report = (severity: ConfigIssue['severity'], message: string): void => {
      const { line, column } = locate(path);
      issues.push({ severity, file, line, column, path: joinPath(path), message });
    };
    const replaced = source.replace(REFERENCE, (match, inner: string | undefined, close: string | undefined) => {
      if (match === '$${') return '${';
      const parsed = close ? NAME_AND_DEFAULT.exec(inner ?? '') : null;
      if (!parsed) {
        report('error', `malformed variable reference "${match}": write \${NAME} or \${NAME:-default} ($\${ for a literal \${)`);
        return match;
      }
      const [, name = '', fallback] = parsed;
      const value = env[name];
      if (fallback !== undefined) return value === undefined || value === '' ? fallback : value;
      if (value === undefined) {
        const secret = isSecretPath(path) ? ` (${joinPath(path)} is a secret: set it in the environment)` : '';
        report('warning', `environment variable ${name} is not set; the value is empty${secret}`);
        return '';
      }
      return value;
    });
    scalar.value = replaced;
    // A plain `port: ${PORT:-8787}` reads as YAML would read `port: 8787`; never as a map or list.
    if (scalar.type === 'PLAIN' && WHOLE_REFERENCE.test(source)) {
      if (INTEGER.test(replaced) || FLOAT.test(replaced)) (scalar as Scalar<unknown>).value = Number(replaced);
      else if (BOOLEAN.test(replaced)) (scalar as Scalar<unknown>).value = replaced.toLowerCase() === 'true';
    }
  };
  walk(doc.contents, []);
  return { issues, substituted };
}
