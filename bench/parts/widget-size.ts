/**
 * Part 5: widget size. Gzipped bytes of everything a page loads for the widget: the entry
 * module in dist/widget and every file it reaches through static imports, dynamic imports
 * and `new URL(…, import.meta.url)` (worklets), followed transitively.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../gateway-process.js';

/** Sizes of what the page loads. */
export interface WidgetSizeResult {
  entry: string;
  files: { file: string; bytes: number; gzipBytes: number }[];
  totalBytes: number;
  totalGzipBytes: number;
  rebuilt: boolean;
}

const DIST = join(ROOT, 'dist/widget');
const ENTRY_NAMES = ['voice-rag.js', 'index.js'];
const REFERENCE = /(?:from\s*|import\s*\(\s*|import\s*|new\s+URL\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;

function newest(dir: string): number {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) time = Math.max(time, newest(path));
    else time = Math.max(time, statSync(path).mtimeMs);
  }
  return time;
}

/** Builds the widget when dist/widget is missing or older than widget/ sources. */
function ensureWidgetBuild(): boolean {
  const entry = ENTRY_NAMES.map((name) => join(DIST, name)).find((path) => existsSync(path));
  const sources = join(ROOT, 'widget');
  if (entry && (!existsSync(sources) || statSync(entry).mtimeMs >= newest(sources))) return false;
  spawnSync(join(ROOT, 'node_modules/.bin/vite'), ['build'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return true;
}

/** Measures the widget's load closure. */
export function measureWidgetSize(options: { build: boolean }): WidgetSizeResult {
  const rebuilt = options.build ? ensureWidgetBuild() : false;
  const entry = ENTRY_NAMES.map((name) => join(DIST, name)).find((path) => existsSync(path));
  if (!entry) throw new Error('dist/widget/voice-rag.js not found (the widget build has not produced it)');
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    if (!file.endsWith('.js') && !file.endsWith('.mjs')) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(REFERENCE)) queue.push(join(dirname(file), match[1]));
  }
  const files = [...seen].sort().map((file) => {
    const content = readFileSync(file);
    return { file: relative(ROOT, file), bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
  });
  return {
    entry: relative(ROOT, entry),
    files,
    totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    totalGzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0),
    rebuilt,
  };
}
