import { describe, expect, it } from 'vitest';
import { localIndexSchema } from '../../../../gateway/config/schema.js';
import { createLocalRetriever } from '../../../../gateway/retrieval/local/local-retriever.js';
import type { LocalRetrieverDeps } from '../../../../gateway/retrieval/local/local-retriever.js';
import corpus from '../../../fixtures/retrieval/corpus.json' with { type: 'json' };
import { retrieverCases } from '../retriever.cases.js';
import { makePdf, memoryCache, memoryFiles, recordingLogger } from './memory-files.js';
import type { MemoryFiles } from './memory-files.js';

const corpusFiles = Object.fromEntries(
  corpus.map((doc) => [`${new URL(doc.url).pathname.slice(1)}.md`, `---\ntitle: ${doc.title}\n---\n\n${doc.content}\n`]),
);

function setup(files: MemoryFiles, extra: Record<string, unknown> = {}, deps: Partial<LocalRetrieverDeps> = {}) {
  const config = localIndexSchema.parse({ kind: 'local', sources: ['./**/*.*'], url_base: 'https://shop.example.com/', url_extension: '', ...extra });
  const logger = recordingLogger();
  return {
    logger,
    make: () => createLocalRetriever(config, { configDir: '/site', files, fetch: globalThis.fetch, logger, debounceMs: 5, ...deps }),
  };
}

retrieverCases('local', async () => {
  const retriever = await setup(memoryFiles(corpusFiles)).make();
  return { retriever, close: () => retriever.close() };
});

describe('local retriever', () => {
  it('indexes Markdown, HTML, text and PDF sources and cites sections by anchor', async () => {
    const files = memoryFiles({
      'guide/sync.md': '---\ntitle: Sync\n---\n\nIntro.\n\n## Working offline\n\nEdits made offline are kept for 90 days.\n',
      'pages/returns.html': '<html><head><title>Returns</title></head><body><main><h2 id="window">Return window</h2><p>Thirty days to return a kayak.</p></main></body></html>',
      'notes/hours.txt': 'Opening hours\nThe shop opens at nine on weekdays.',
      'manuals/pump.pdf': makePdf('Inflate the paddleboard to fifteen psi.', 'Pump manual'),
    });
    const retriever = await setup(files).make();
    const [sync] = await retriever.search('offline edits');
    expect(sync).toMatchObject({ title: 'Sync — Working offline', url: 'https://shop.example.com/guide/sync#working-offline' });
    const [html] = await retriever.search('return a kayak');
    expect(html).toMatchObject({ title: 'Returns — Return window', url: 'https://shop.example.com/pages/returns#window' });
    const [text] = await retriever.search('weekdays');
    expect(text).toMatchObject({ title: 'Opening hours', url: 'https://shop.example.com/notes/hours' });
    const [pdf] = await retriever.search('paddleboard psi');
    expect(pdf).toMatchObject({ title: 'Pump manual', url: 'https://shop.example.com/manuals/pump' });
    expect(pdf.content).toContain('Inflate the paddleboard');
    expect(retriever.stats()).toMatchObject({ documents: 4, errors: [] });
    await retriever.close();
  });

  it('gives chunk ids as <doc-slug>-<n>, stable across builds', async () => {
    const files = memoryFiles({ 'a/b.md': '## One\n\nFirst.\n\n## Two\n\nSecond.' });
    const first = await setup(files).make();
    const ids = (await first.search('first second')).map((p) => p.id).sort();
    expect(ids).toEqual(['a-b-0', 'a-b-1']);
    const second = await setup(files).make();
    expect((await second.search('first second')).map((p) => p.id).sort()).toEqual(ids);
  });

  it('logs and skips a broken PDF and an unreadable file, and indexes the rest', async () => {
    const files = memoryFiles({
      'good.md': '# Good\n\nThe good file talks about lanterns.',
      'broken.pdf': new TextEncoder().encode('%PDF-1.4 this is not really a pdf'),
      'locked.md': Object.assign(new Error("EACCES: permission denied, open 'locked.md'"), { code: 'EACCES' }),
    });
    const { make, logger } = setup(files);
    const retriever = await make();
    expect((await retriever.search('lanterns'))[0].title).toBe('Good');
    const skipped = retriever.stats().errors.map((e) => e.source).sort();
    expect(skipped).toEqual(['broken.pdf', 'locked.md']);
    const warned = logger.lines.filter((l) => l.level === 'warn').map((l) => JSON.stringify(l.object));
    expect(warned.some((l) => l.includes('broken.pdf'))).toBe(true);
    expect(warned.some((l) => l.includes('locked.md') && l.includes('EACCES'))).toBe(true);
  });

  it('loads the index from the cache when no source changed, and rebuilds when one did', async () => {
    const files = memoryFiles({ 'a.md': '# A\n\nApples are red.' });
    const cache = memoryCache();
    const first = await setup(files, {}, { cache }).make();
    expect(first.stats().fromCache).toBe(false);
    expect(cache.writes).toBe(1);
    const second = await setup(files, {}, { cache }).make();
    expect(second.stats().fromCache).toBe(true);
    expect(await second.search('apples')).toEqual(await first.search('apples'));
    files.files.set('a.md', '# A\n\nApples are green.');
    const third = await setup(files, {}, { cache }).make();
    expect(third.stats().fromCache).toBe(false);
    expect((await third.search('apples'))[0].content).toContain('green');
  });

  it('rebuilds when the chunk settings change even if the sources did not', async () => {
    const files = memoryFiles({ 'a.md': '# A\n\nApples are red.' });
    const cache = memoryCache();
    await setup(files, {}, { cache }).make();
    const other = await setup(files, { chunk: { size: 400, overlap: 50 } }, { cache }).make();
    expect(other.stats().fromCache).toBe(false);
  });

  it('ignores a corrupt cache and builds anew', async () => {
    const files = memoryFiles({ 'a.md': '# A\n\nApples are red.' });
    const cache = memoryCache();
    await setup(files, {}, { cache }).make();
    for (const name of cache.entries.keys()) cache.entries.set(name, '{"format": 3, "key": "x", "chunks": [');
    const { make, logger } = setup(files, {}, { cache });
    const retriever = await make();
    expect(retriever.stats().fromCache).toBe(false);
    expect((await retriever.search('apples')).length).toBe(1);
    expect(logger.lines.some((l) => l.level === 'warn' && String(l.message).includes('cache'))).toBe(true);
  });

  it('rebuilds after a source changes, once per burst of changes', async () => {
    const files = memoryFiles({ 'a.md': '# A\n\nApples are red.' });
    let rebuilt!: () => void;
    const done = new Promise<void>((resolve) => (rebuilt = resolve));
    const retriever = await setup(files, {}, { onRebuilt: () => rebuilt() }).make();
    expect(files.watching).toBe(1);
    const globsBefore = files.globCalls;
    files.files.set('b.md', '# B\n\nBananas are yellow.');
    files.touch('b.md');
    files.touch('b.md');
    files.touch('a.md');
    await done;
    expect(files.globCalls - globsBefore).toBe(1);
    expect((await retriever.search('bananas'))[0].title).toBe('B');
    await retriever.close();
    expect(files.watching).toBe(0);
  });

  it('ignores changes to files it does not index', async () => {
    const files = memoryFiles({ 'a.md': '# A\n\nApples.' });
    const retriever = await setup(files).make();
    const before = files.globCalls;
    files.touch('a.md.swp');
    files.touch('image.png');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(files.globCalls).toBe(before);
    await retriever.close();
  });

  it('keeps answering from the old index while a rebuild is running, then swaps', async () => {
    const files = memoryFiles({ 'a.md': '# A\n\nApples are red.' });
    const retriever = await setup(files, {}, { watch: false }).make();
    let release!: () => void;
    files.gate = new Promise<void>((resolve) => (release = resolve));
    files.files.set('a.md', '# A\n\nApples are green.');
    const rebuilding = retriever.rebuild();
    expect((await retriever.search('apples'))[0].content).toContain('red');
    release();
    files.gate = undefined;
    await rebuilding;
    expect((await retriever.search('apples'))[0].content).toContain('green');
  });

  it('keeps the previous index when a rebuild finds the sources unchanged', async () => {
    const files = memoryFiles({ 'a.md': '# A\n\nApples.' });
    const retriever = await setup(files, {}, { watch: false }).make();
    const before = retriever.stats();
    await retriever.rebuild();
    expect(retriever.stats()).toBe(before);
  });

  it('resolves ids to passages with their section URL', async () => {
    const files = memoryFiles({ 'a.md': '# A\n\nIntro.\n\n## Cherries\n\nCherries are dark red.' });
    const retriever = await setup(files).make();
    const [hit] = await retriever.search('cherries');
    expect(await retriever.resolve([hit.id])).toEqual([{ ...hit, score: 1 }]);
    expect(hit.url).toBe('https://shop.example.com/a#cherries');
    await retriever.close();
  });
});
