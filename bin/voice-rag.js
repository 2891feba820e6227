#!/usr/bin/env node
// The `voice-rag` command: runs the compiled gateway CLI (`npm run build` makes it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/gateway/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  console.error('voice-rag: the gateway is not built yet; run `npm run build` in the package first.');
  process.exit(1);
}
await import(compiled.href);
