#!/usr/bin/env node
// Prints raw and gzip bytes of every file a page loads from dist/widget/ and their total.
// Exit code 1 when the gzip total is over the budget (20 KB); `--json` prints one JSON object.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const FILES = ['voice-rag.js', 'voice-rag-capture.js', 'voice-rag-playback.js'];
const BUDGET_GZIP = 20 * 1024;
const dir = new URL('../../dist/widget/', import.meta.url);

const rows = FILES.map((name) => {
  const bytes = readFileSync(new URL(name, dir));
  return { file: name, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
});
const total = { bytes: rows.reduce((a, r) => a + r.bytes, 0), gzip: rows.reduce((a, r) => a + r.gzip, 0) };

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ files: rows, total, budgetGzip: BUDGET_GZIP }));
} else {
  for (const r of rows) console.log(`${r.file.padEnd(24)} ${String(r.bytes).padStart(7)} B  gzip ${String(r.gzip).padStart(6)} B`);
  console.log(`${'total'.padEnd(24)} ${String(total.bytes).padStart(7)} B  gzip ${String(total.gzip).padStart(6)} B  (budget ${BUDGET_GZIP} B)`);
}
process.exit(total.gzip > BUDGET_GZIP ? 1 : 0);
