import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRandom, writeCorpus } from '../../bench/corpus.js';

describe('synthetic corpus', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const temp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-corpus-'));
    dirs.push(dir);
    return dir;
  };

  it('is the same for the same seed', () => {
    const a = createRandom(3);
    const b = createRandom(3);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('writes ten headed sections per file and queries made of corpus words', () => {
    const dir = temp();
    const corpus = writeCorpus(dir, 95, 20);
    expect(corpus.files).toBe(10);
    const page = readFileSync(join(dir, 'part-0', 'page-0.md'), 'utf8');
    expect(page.match(/^## /gm)).toHaveLength(10);
    expect(readdirSync(join(dir, 'part-0'))).toHaveLength(10);
    const last = readFileSync(join(dir, 'part-0', 'page-9.md'), 'utf8');
    expect(last.match(/^## /gm)).toHaveLength(5);
    expect(corpus.queries.length).toBeGreaterThan(0);
    const text = readdirSync(join(dir, 'part-0')).map((f) => readFileSync(join(dir, 'part-0', f), 'utf8')).join(' ').toLowerCase();
    const words = new Set(text.split(/[\s.#]+/));
    for (const query of corpus.queries) for (const word of query.split(' ')) expect(words.has(word)).toBe(true);
  });
});
