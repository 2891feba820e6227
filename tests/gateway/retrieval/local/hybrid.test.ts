import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engineSchema, localIndexSchema } from '../../../../gateway/config/schema.js';
import { createRetriever } from '../../../../gateway/retrieval/index.js';
import { RRF_K } from '../../../../gateway/retrieval/fuse.js';
import { embeddingText } from '../../../../gateway/retrieval/local/hybrid.js';
import { startFakeEmbeddings, type FakeEmbeddings } from '../fake-embeddings.js';
import { memoryCache, memoryFiles, recordingLogger } from './memory-files.js';

const PAGES = {
  'kb/surf.md': '# Surfing lessons\n\nBook a board and an instructor at the beach school.\n',
  'kb/tides.md': '# Tide tables\n\nHigh water twice a day; the beach school closes at high water.\n',
  'kb/crypto.md': '# Encryption\n\nVaults are encrypted with a key only you hold.\n',
};
// The fixed table: each page a direction; "ride the waves" points at surfing, "scrambled" at encryption.
const AXES: Record<string, number[]> = {
  'Surfing lessons': [1, 0, 0],
  'Tide tables': [0, 1, 0],
  Encryption: [0, 0, 1],
  'ride the waves': [1, 0.05, 0],
  'scrambled notes': [0, 0, 1],
  'beach school': [0, 0.2, 1],
};
const vectorOf = (text: string) => AXES[text.split('\n')[0]];

describe('local index with a vector leg (embeddings REST double, real client)', () => {
  let fake: FakeEmbeddings;
  beforeAll(async () => (fake = await startFakeEmbeddings(vectorOf)));
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.delayMs = 0;
    fake.failTimes = 0;
  });

  const setup = (extra: Record<string, unknown> = {}) => {
    const config = localIndexSchema.parse({
      kind: 'local',
      sources: ['./kb/**/*.md'],
      embeddings: { engine: 'aoai', deployment: 'text-embedding-3-small', dimensions: 3, batch_size: 2, timeout_ms: 200, ...extra },
    });
    const engines = { aoai: engineSchema.parse({ kind: 'azure-openai', endpoint: fake.url, deployment: 'gpt-realtime', api_key: 'test-key' }) };
    return { config, engines };
  };

  it('embeds chunks in batches with the API key, and finds by meaning what BM25 cannot', async () => {
    const { config, engines } = setup();
    const logger = recordingLogger();
    const retriever = await createRetriever(config, { configDir: '/site', logger, files: memoryFiles(PAGES), engines, watch: false });
    expect(fake.requests.map((r) => r.body.input?.length)).toEqual([2, 1]);
    expect(fake.requests[0]).toMatchObject({ path: '/openai/v1/embeddings', headers: { 'api-key': 'test-key' }, body: { model: 'text-embedding-3-small', dimensions: 3 } });
    expect(fake.requests[0].body.input?.[0]).toBe(embeddingText({ title: 'Encryption', content: 'Vaults are encrypted with a key only you hold.' }));
    const hits = await retriever.search('ride the waves');
    expect(hits[0].id).toBe('surf-0');
    expect(fake.requests.at(-1)?.body.input).toEqual(['ride the waves']);
  });

  it('fuses BM25 and cosine by reciprocal rank, exactly', async () => {
    const { config, engines } = setup();
    const retriever = await createRetriever(config, { configDir: '/site', logger: recordingLogger(), files: memoryFiles(PAGES), engines, watch: false });
    // BM25: surf then tides (both say "beach school"); vectors: crypto, then tides, then surf.
    const hits = await retriever.search('beach school');
    const rrf = (...ranks: number[]) => ranks.reduce((sum, rank) => sum + 1 / (RRF_K + rank), 0);
    // surf: 1/61 + 1/63 = 0.032266 just beats tides: 2/62 = 0.032258.
    expect(hits.map((hit) => hit.id)).toEqual(['surf-0', 'tides-0', 'crypto-0']);
    expect(hits.map((hit) => hit.score)).toEqual([rrf(1, 3), rrf(2, 2), rrf(1)]);
  });

  it('caches vectors by content hash and model: a rebuild embeds only the changed chunk', async () => {
    const { config, engines } = setup();
    const cache = memoryCache();
    const files = memoryFiles(PAGES);
    const first = await createRetriever(config, { configDir: '/site', logger: recordingLogger(), files, engines, watch: false, openCache: () => cache });
    await first.close?.();
    expect(fake.requests).toHaveLength(2);
    files.files.set('kb/tides.md', '# Tide tables\n\nLow water at noon.\n');
    fake.requests.length = 0;
    await createRetriever(config, { configDir: '/site', logger: recordingLogger(), files, engines, watch: false, openCache: () => cache });
    expect(fake.requests.map((r) => r.body.input)).toEqual([['Tide tables\nLow water at noon.']]);
    fake.requests.length = 0;
    await createRetriever(setup({ dimensions: 2 }).config, { configDir: '/site', logger: recordingLogger(), files, engines, watch: false, openCache: () => cache });
    expect(fake.requests.map((r) => r.body.dimensions)).toEqual([2, 2]);
  });

  it('retries a throttled batch with backoff', async () => {
    const { config, engines } = setup();
    fake.failStatus = 429;
    fake.failTimes = 1;
    const retriever = await createRetriever(config, { configDir: '/site', logger: recordingLogger(), files: memoryFiles(PAGES), engines, watch: false });
    expect(fake.requests.map((r) => r.body.input?.length)).toEqual([2, 2, 1]);
    expect((await retriever.search('ride the waves'))[0].id).toBe('surf-0');
  });

  it('answers lexically within the budget when the query embedding times out or fails, and logs it once', async () => {
    const { config, engines } = setup();
    const logger = recordingLogger();
    const retriever = await createRetriever(config, { configDir: '/site', logger, files: memoryFiles(PAGES), engines, watch: false });
    const lexical = (await retriever.search('beach school')).map((hit) => hit.id);
    fake.delayMs = 5_000;
    const started = performance.now();
    expect((await retriever.search('beach school')).map((hit) => hit.id)).toEqual(['surf-0', 'tides-0']);
    expect(performance.now() - started).toBeLessThan(2_000);
    fake.delayMs = 0;
    fake.failTimes = 5;
    expect(await retriever.search('ride the waves')).toEqual([]);
    expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(1);
    expect(lexical).not.toEqual(['surf-0', 'tides-0']);
  });

  it('builds a lexical index when the chunks cannot be embedded, and says so', async () => {
    const { config, engines } = setup();
    fake.failStatus = 401;
    fake.failTimes = 1;
    const logger = recordingLogger();
    const retriever = await createRetriever(config, { configDir: '/site', logger, files: memoryFiles(PAGES), engines, watch: false });
    expect(fake.requests).toHaveLength(1);
    expect(logger.lines.some((line) => line.level === 'error' && /BM25 only/.test(line.message ?? ''))).toBe(true);
    expect((await retriever.search('beach school')).map((hit) => hit.id)).toEqual(['surf-0', 'tides-0']);
  });

  it('refuses an embeddings engine that cannot embed', async () => {
    const config = localIndexSchema.parse({ kind: 'local', sources: ['./kb/*.md'], embeddings: { engine: 'local' } });
    const engines = { local: engineSchema.parse({ kind: 'offline' }) };
    await expect(createRetriever(config, { configDir: '/site', logger: recordingLogger(), files: memoryFiles(PAGES), engines })).rejects.toThrow(/azure-openai or openai/);
  });
});
