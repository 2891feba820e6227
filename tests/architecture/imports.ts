/**
 * Reads a TypeScript source the way the import-boundary test needs: comments and string
 * contents blanked, then every module specifier (static, re-export, dynamic, require) listed.
 */
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The source with comments removed and the text inside string and template literals replaced
 * by spaces (quotes kept), so neither a commented-out import nor the word "Buffer" in a message
 * counts. `keepStrings` leaves string contents in place, for reading specifiers.
 */
export function stripComments(source: string, keepStrings = true): string {
  let out = '';
  let index = 0;
  const blank = (text: string): string => text.replace(/[^\n]/g, ' ');
  while (index < source.length) {
    const char = source[index]!;
    const next = source[index + 1];
    if (char === '/' && next === '/') {
      while (index < source.length && source[index] !== '\n') index += 1;
      continue;
    }
    if (char === '/' && next === '*') {
      const end = source.indexOf('*/', index + 2);
      const stop = end === -1 ? source.length : end + 2;
      // Newlines stay, so line numbers still match the file.
      out += blank(source.slice(index, stop));
      index = stop;
      continue;
    }
    if (char === '"' || char === "'" || char === '`' || (char === '/' && startsRegex(out))) {
      // A regular expression literal is skipped like a string: a quote inside it opens nothing.
      let end = index + 1;
      let inClass = false;
      while (end < source.length && (source[end] !== char || inClass)) {
        if (source[end] === '\\') end += 1;
        else if (char === '/' && source[end] === '[') inClass = true;
        else if (char === '/' && source[end] === ']') inClass = false;
        else if (char === '/' && source[end] === '\n') break;
        end += 1;
      }
      const body = source.slice(index + 1, end);
      out += char + (keepStrings && char !== '/' ? body : blank(body)) + char;
      index = end + 1;
      continue;
    }
    out += char;
    index += 1;
  }
  return out;
}

/** True when a `/` after `code` starts a regular expression rather than a division. */
function startsRegex(code: string): boolean {
  const before = code.trimEnd();
  if (before === '') return true;
  if (/[(,=:[!&|?{};+\-*%<>~^]$/.test(before)) return true;
  return /\b(?:return|typeof|case|do|else|in|of|void|yield|await)$/.test(before);
}

const SPECIFIER_PATTERNS = [
  // import x from 'a'; import { x } from 'a'; import type X from 'a'; export { x } from 'a'; export * from 'a'
  /\b(?:import|export)\s+(?:type\s+)?[\w*${}\s,]*?\bfrom\s*(['"])([^'"]+)\1/dg,
  // import 'a' (side effect)
  /\bimport\s*(['"])([^'"]+)\1/dg,
  // import('a'), require('a')
  /\b(?:import|require)\s*\(\s*(['"`])([^'"`]+)\1\s*\)/dg,
];

/** Every module specifier the source imports or re-exports, in order of appearance. */
export function specifiersOf(source: string): string[] {
  // Statements are found where strings are blank (an import inside a message is no import);
  // blanking keeps every offset, so the specifier is read at the same place with strings kept.
  const code = stripComments(source, false);
  const text = stripComments(source);
  const found: Array<{ at: number; specifier: string }> = [];
  for (const pattern of SPECIFIER_PATTERNS) {
    for (const match of code.matchAll(pattern)) {
      const [start, end] = match.indices![2]!;
      found.push({ at: match.index, specifier: text.slice(start, end) });
    }
  }
  return found.sort((a, b) => a.at - b.at).map((entry) => entry.specifier);
}

const NODE_BUILTINS = new Set(builtinModules);

/** True for the modules the core must not use: Node built-ins, ws, Hono. */
export function isRuntimeModule(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true;
  const [head] = specifier.split('/');
  if (NODE_BUILTINS.has(head!) || NODE_BUILTINS.has(specifier)) return true;
  if (specifier === 'ws' || specifier.startsWith('ws/')) return true;
  if (specifier === 'hono' || specifier.startsWith('hono/')) return true;
  return specifier.startsWith('@hono/');
}

/** True when the code (comments and strings aside) names the `Buffer` global. */
export function usesBuffer(source: string): boolean {
  return /(?<![.\w$])Buffer\b/.test(stripComments(source, false));
}

/** The gateway's adapter folders: the core may not import from them. */
export const ADAPTER_FOLDERS = ['node', 'server', 'cli'] as const;

/** One reason a file breaks the boundary. */
export interface Violation {
  file: string;
  problem: string;
}

/** What is wrong with one core file: runtime imports, imports of adapter folders, `Buffer`. */
export function violationsOf(file: string, source: string, gatewayDir: string): Violation[] {
  const problems: Violation[] = [];
  for (const specifier of specifiersOf(source)) {
    if (isRuntimeModule(specifier)) problems.push({ file, problem: `imports ${specifier}` });
    if (!specifier.startsWith('.')) continue;
    const [top] = relative(gatewayDir, resolve(dirname(file), specifier)).split(sep);
    if ((ADAPTER_FOLDERS as readonly string[]).includes(top!)) problems.push({ file, problem: `imports the adapter ${specifier}` });
  }
  // A computed specifier could name anything, so the core may not use one.
  if (/(?<![.\w$])import\s*\(\s*(?!['"`\s])/.test(stripComments(source, false))) problems.push({ file, problem: 'imports a computed specifier' });
  if (usesBuffer(source)) problems.push({ file, problem: 'uses the Buffer global' });
  return problems;
}

/** Every .ts file under `dir`, recursively. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Violations of every file in the given folders of `gatewayDir`. */
export function scanFolders(gatewayDir: string, folders: readonly string[]): Violation[] {
  return folders.flatMap((folder) =>
    sourceFiles(join(gatewayDir, folder)).flatMap((file) => violationsOf(file, readFileSync(file, 'utf8'), gatewayDir)),
  );
}
