#!/usr/bin/env node
// Prints raw and gzip bytes of the files in dist/widget/: what every page loads first (voice-rag.js
// and the two worklets, budget 20 KB gzip) and the lazy chunks loaded only for the features a site
// uses (voice-rag-<feature>.js, budget 8 KB gzip together). Exit code 1 when either is over its
// budget; `--json` prints one JSON object.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const FIRST = ['voice-rag.js', 'voice-rag-capture.js', 'voice-rag-playback.js'];
const BUDGET_GZIP = 20 * 1024;
const LAZY_BUDGET_GZIP = 8 * 1024;
const dir = new URL('../../dist/widget/', import.meta.url);
const LAZY = readdirSync(dir).filter((name) => /^voice-rag-.+\.js$/.test(name) && !FIRST.includes(name)).sort();

const measure = (name) => {
  const bytes = readFileSync(new URL(name, dir));
  return { file: name, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const sum = (rows) => ({ bytes: rows.reduce((a, r) => a + r.bytes, 0), gzip: rows.reduce((a, r) => a + r.gzip, 0) });
const rows = FIRST.map(measure);
const lazy = LAZY.map(measure);
const total = sum(rows);
const lazyTotal = sum(lazy);

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ files: rows, total, budgetGzip: BUDGET_GZIP, lazy, lazyTotal, lazyBudgetGzip: LAZY_BUDGET_GZIP }));
} else {
  const line = (label, r) => `${label.padEnd(26)} ${String(r.bytes).padStart(7)} B  gzip ${String(r.gzip).padStart(6)} B`;
  for (const r of rows) console.log(line(r.file, r));
  console.log(`${line('first load', total)}  (budget ${BUDGET_GZIP} B)`);
  for (const r of lazy) console.log(line(r.file, r));
  console.log(`${line('lazy chunks', lazyTotal)}  (budget ${LAZY_BUDGET_GZIP} B)`);
}
process.exit(total.gzip > BUDGET_GZIP || lazyTotal.gzip > LAZY_BUDGET_GZIP ? 1 : 0);
