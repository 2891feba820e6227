import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrievalSchema } from '../../../gateway/config/schema.js';
import { nodeRetrievalPorts } from '../../../gateway/node/retrieval-ports.js';
import { createRetriever } from '../../../gateway/retrieval/index.js';
import type { BuildStats } from '../../../gateway/retrieval/index.js';
import corpus from '../../fixtures/retrieval/corpus.json' with { type: 'json' };
import { startFakeSearch } from './fake-azure-search.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('createRetriever', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'voice-rag-factory-'));
    mkdirSync(join(dir, 'site'));
    writeFileSync(join(dir, 'site', 'index.md'), '---\ntitle: Home\n---\n\n## Welcome\n\nThe lighthouse keeper writes here.\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the Azure AI Search retriever for kind azure-search', async () => {
    const service = await startFakeSearch('kb', corpus);
    try {
      const config = retrievalSchema.parse({ kind: 'azure-search', endpoint: service.endpoint, index: 'kb', api_key: 'k', fields: { url: 'url' } });
      const retriever = await createRetriever(config, { configDir: dir, logger: quiet });
      expect((await retriever.search('gift cards'))[0].id).toBe('giftcards-0');
      expect(service.requests).toHaveLength(1);
    } finally {
      await service.close();
    }
  });

  it('takes a pino logger', async () => {
    const config = retrievalSchema.parse({ kind: 'local', sources: ['./site/**/*.md'], cache_dir: '.cache/pino' });
    const retriever = await createRetriever(config, { configDir: dir, logger: pino({ level: 'silent' }), watch: false, ...nodeRetrievalPorts(dir) });
    expect(await retriever.search('lighthouse')).toHaveLength(1);
  });

  it('refuses a local index without a file port, so retrieval/ never reaches for node:fs itself', async () => {
    const config = retrievalSchema.parse({ kind: 'local', sources: ['./site/**/*.md'] });
    await expect(createRetriever(config, { configDir: dir, logger: quiet })).rejects.toThrow(/SourceFiles port/);
  });

  it('builds the local index from files, caches it in cache_dir and rebuilds when a file changes', async () => {
    const config = retrievalSchema.parse({ kind: 'local', sources: ['./site/**/*.md'], url_base: '/docs/', cache_dir: '.cache/idx' });
    let rebuilt!: (stats: BuildStats) => void;
    const done = new Promise<BuildStats>((resolve) => (rebuilt = resolve));
    const retriever = await createRetriever(config, { configDir: dir, logger: quiet, onRebuilt: (stats) => rebuilt(stats), ...nodeRetrievalPorts(dir) });
    try {
      const [hit] = await retriever.search('lighthouse keeper');
      expect(hit).toMatchObject({ title: 'Home — Welcome', url: '/docs/#welcome' });
      expect(readdirSync(join(dir, '.cache', 'idx'))).toHaveLength(1);
      writeFileSync(join(dir, 'site', 'tides.md'), '# Tides\n\nHigh tide comes twice a day.\n');
      const stats = await done;
      expect(stats.documents).toBe(2);
      expect((await retriever.search('high tide'))[0].url).toBe('/docs/tides.html#tides');
    } finally {
      await retriever.close?.();
    }
  });
});
