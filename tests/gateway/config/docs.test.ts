import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../../gateway/config/index.js';

// Every key a site owner can write, collected from the generated JSON Schema.
function keysOf(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) keysOf(item, found);
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && typeof value === 'object' && value !== null) for (const name of Object.keys(value)) found.add(name);
      keysOf(value, found);
    }
  }
  return found;
}

describe('docs/CONFIG.md', () => {
  it('documents every configuration key', async () => {
    const docs = await readFile(new URL('../../../docs/CONFIG.md', import.meta.url), 'utf8');
    // A key counts as documented when a code span names it, alone or within a dotted path.
    const missing = [...keysOf(configJsonSchema())].filter((key) => !new RegExp(`\`([\\w*]+\\.)*${key}[.\`]`).test(docs));
    expect(missing).toEqual([]);
  });
});
