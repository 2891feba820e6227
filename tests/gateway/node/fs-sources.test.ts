import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsCache } from '../../../gateway/node/fs-cache.js';
import { createFsSources } from '../../../gateway/node/fs-sources.js';

describe('Node file sources', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'voice-rag-fs-'));
    mkdirSync(join(dir, 'site', 'ja'), { recursive: true });
    mkdirSync(join(dir, 'site', 'node_modules'), { recursive: true });
    writeFileSync(join(dir, 'site', 'a.md'), '# A');
    writeFileSync(join(dir, 'site', 'ja', 'b.md'), '# B');
    writeFileSync(join(dir, 'site', 'node_modules', 'c.md'), '# C');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('globs relative to the config folder with POSIX paths, skipping node_modules', async () => {
    const files = createFsSources();
    expect(await files.glob('./site/**/*.md', dir)).toEqual(['site/a.md', 'site/ja/b.md']);
    expect(await files.glob('../*.md', join(dir, 'site', 'ja'))).toEqual(['../a.md']);
    expect(new TextDecoder().decode(await files.read('site/ja/b.md', dir))).toBe('# B');
  });

  it('reports a changed file under a watched folder, and not one under an ignored folder', async () => {
    const files = createFsSources();
    const seen: string[] = [];
    let changed!: () => void;
    const got = new Promise<void>((resolve) => (changed = resolve));
    mkdirSync(join(dir, 'site', '.cache'), { recursive: true });
    const stop = await files.watch(['site'], dir, (path) => {
      seen.push(path);
      if (path === 'site/ja/b.md') changed();
    }, ['site/.cache']);
    try {
      writeFileSync(join(dir, 'site', '.cache', 'x.json'), '{}');
      writeFileSync(join(dir, 'site', 'ja', 'b.md'), '# B changed');
      await got;
      expect(seen).toContain('site/ja/b.md');
      expect(seen.some((path) => path.includes('.cache'))).toBe(false);
    } finally {
      await stop();
    }
  });

  it('survives two writes of the same entry at once, keeping one of them whole', async () => {
    const cache = createFsCache('.cache/race', dir);
    await Promise.all([cache.write('x.json', '"first"'), cache.write('x.json', '"second"')]);
    expect(['"first"', '"second"']).toContain(await cache.read('x.json'));
  });

  it('caches text in files it creates on first write, and answers undefined for a missing entry', async () => {
    const cache = createFsCache('.cache/idx', dir);
    expect(await cache.read('x.json')).toBeUndefined();
    await cache.write('x.json', '{"a":1}');
    expect(await cache.read('x.json')).toBe('{"a":1}');
  });
});
