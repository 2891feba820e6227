/**
 * docs/ARCHITECTURE.md matches the tree: every file it names exists, and every folder of the
 * gateway and the widget has its line in the folder table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const map = readFileSync(new URL('docs/ARCHITECTURE.md', root), 'utf8');

function filesUnder(folder: string): string[] {
  return readdirSync(new URL(folder, root), { recursive: true, encoding: 'utf8' }).map((file) => `${folder}${file.split('\\').join('/')}`);
}

const tracked = [...filesUnder('gateway/'), ...filesUnder('widget/'), ...filesUnder('tests/')];

describe('docs/ARCHITECTURE.md', () => {
  it('names only files that exist', () => {
    const named = [...map.matchAll(/`([\w./-]+\.ts)`/g)].map((match) => match[1]!);
    expect(named.length).toBeGreaterThan(30);
    // Short forms (`realtime/client.ts` after a `gateway/…` in the same row) match by their end.
    const missing = named.filter((name) => !tracked.some((file) => file === name || file.endsWith(`/${name}`)));
    expect(missing).toEqual([]);
  });

  it('has a line for every folder of the gateway', () => {
    const folders = readdirSync(new URL('gateway/', root), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(folders.length).toBeGreaterThan(10);
    expect(folders.filter((folder) => !map.includes(`| \`gateway/${folder}/`))).toEqual([]);
  });
});
