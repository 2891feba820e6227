// retrieval/ is core: it may not import Node, ws or Hono nor use the Buffer global; the composition roots pass the machine in.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../../gateway/retrieval/', import.meta.url));
const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
const FORBIDDEN = [
  { name: 'node:* import', pattern: /from\s+['"]node:|import\(\s*['"]node:/ },
  { name: 'ws import', pattern: /from\s+['"]ws['"]/ },
  { name: 'Hono import', pattern: /from\s+['"](hono|@hono\/[^'"]+)['"]/ },
  { name: 'import of an adapter folder', pattern: /['"](\.\.\/)+(node|server|cli)\// },
  { name: 'Buffer global', pattern: /\bBuffer\.|\bnew Buffer\b|:\s*Buffer\b/ },
];

describe('gateway/retrieval is runtime-free', () => {
  it('has source files to check', () => expect(files.length).toBeGreaterThan(10));
  it.each(files)('%s imports no Node, ws or Hono and uses no Buffer', (file) => {
    const text = readFileSync(`${dir}${file}`, 'utf8');
    const found = FORBIDDEN.filter(({ pattern }) => pattern.test(text)).map(({ name }) => name);
    expect(found).toEqual([]);
  });
});
