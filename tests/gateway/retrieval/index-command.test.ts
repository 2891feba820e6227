import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexCommand } from '../../../gateway/cli/index-command.js';

const site = (sources: string) => `
    origins: [http://localhost:8787]
    engine: local
    retrieval:
      kind: local
      sources: [${sources}]
      cache_dir: .cache/test-index`;

describe('voice-rag index', () => {
  let dir: string;
  let configPath: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'voice-rag-index-'));
    mkdirSync(join(dir, 'kb'));
    writeFileSync(join(dir, 'kb', 'a.md'), '---\ntitle: A\n---\n\n## One\n\nAlpha text.\n\n## Two\n\nMore alpha text.\n');
    writeFileSync(join(dir, 'kb', 'b.md'), '# B\n\nBeta text.\n');
    writeFileSync(join(dir, 'kb', 'broken.pdf'), 'not a pdf');
    configPath = join(dir, 'voice-rag.config.yaml');
    writeFileSync(
      configPath,
      `engines:\n  local:\n    kind: offline\nsites:\n  docs:${site('./kb/**/*.md, ./kb/**/*.pdf')}\n  empty:${site('./nothing/**/*.md')}\n` +
        `  cloud:\n    origins: [http://localhost:8787]\n    engine: local\n    retrieval:\n      kind: azure-search\n      endpoint: https://x.search.windows.net\n      index: kb\n      api_key: k\n`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds a site, prints files, chunks, characters and time, and lists what it skipped', async () => {
    const lines: string[] = [];
    const code = await indexCommand({ configPath, site: 'docs', out: (line) => lines.push(line) });
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^docs: 2 files, 3 chunks, \d+ characters, \d+ ms$/);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^ {2}skipped kb\/broken\.pdf: .+/)]);
    expect(readdirSync(join(dir, '.cache', 'test-index')).some((name) => name.endsWith('.json'))).toBe(true);
  });

  it('loads the cache it wrote on the next run', async () => {
    const lines: string[] = [];
    await indexCommand({ configPath, site: 'docs', out: (line) => lines.push(line) });
    expect(lines[0]).toMatch(/\(from cache\)$/);
  });

  it('exits 1 when a site has nothing to index, and skips azure-search sites', async () => {
    const lines: string[] = [];
    const code = await indexCommand({ configPath, out: (line) => lines.push(line) });
    expect(code).toBe(1);
    expect(lines).toContain('cloud: skipped (azure-search: the index lives in Azure AI Search)');
    expect(lines.find((line) => line.startsWith('empty:'))).toMatch(/^empty: FAILED: 0 files/);
    expect(lines).toContain('  skipped ./nothing/**/*.md: no files matched');
  });

  it('exits 1 for an unknown site or a missing config file', async () => {
    const lines: string[] = [];
    expect(await indexCommand({ configPath, site: 'nope', out: (line) => lines.push(line) })).toBe(1);
    expect(await indexCommand({ configPath: join(dir, 'missing.yaml'), out: (line) => lines.push(line) })).toBe(1);
    expect(lines).toHaveLength(2);
    expect(existsSync(join(dir, 'missing.yaml'))).toBe(false);
  });
});
