import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexCommand } from '../../../gateway/cli/index-command.js';
import { createProgress, type Progress } from '../../../gateway/cli/progress.js';
import { azureSearchSchema } from '../../../gateway/config/schema.js';
import { pushToAzureSearch, VECTOR_PROFILE, VECTORIZER } from '../../../gateway/retrieval/azure-push.js';
import { createAzureSearchRetriever } from '../../../gateway/retrieval/azure-search.js';
import type { Chunk } from '../../../gateway/retrieval/local/document.js';
import { startFakeEmbeddings, type FakeEmbeddings } from './fake-embeddings.js';
import { startFakeSearch, type FakeSearchService } from './fake-azure-search.js';

const silentProgress = { update() {}, end() {} };
const changing = (service: FakeSearchService) => service.requests.filter((r) => r.method === 'PUT' || r.path.includes('/docs/search.index'));

describe('voice-rag index --push into Azure AI Search (REST double, real SearchIndexClient and SearchClient)', () => {
  let dir: string;
  let configPath: string;
  let search: FakeSearchService;
  let embeddings: FakeEmbeddings;
  const run = async (flags: { dryRun?: boolean; push?: boolean } = { push: true }, progress: Progress = silentProgress) => {
    const lines: string[] = [];
    const code = await indexCommand({ configPath, site: 'cloud', ...flags, out: (line) => lines.push(line), progress });
    return { code, lines };
  };

  beforeAll(async () => {
    search = await startFakeSearch('kb', [], 'chunk_id');
    embeddings = await startFakeEmbeddings((text) => [1 + (text.length % 5), 1, 0]);
    dir = mkdtempSync(join(tmpdir(), 'voice-rag-push-'));
    mkdirSync(join(dir, 'kb'));
    writeFileSync(join(dir, 'kb', 'surf.md'), '# Surfing\n\n## Lessons\n\nBoards and instructors at the beach.\n\n## Prices\n\nA lesson costs 40 euros.\n');
    writeFileSync(join(dir, 'kb', 'tides.md'), '# Tides\n\nHigh water twice a day.\n');
    configPath = join(dir, 'voice-rag.config.yaml');
    writeFileSync(
      configPath,
      `engines:
  aoai: { kind: azure-openai, endpoint: "${embeddings.url}", deployment: gpt-realtime, api_key: aoai-key }
sites:
  cloud:
    origins: [http://localhost:8787]
    engine: aoai
    retrieval:
      kind: azure-search
      endpoint: "${search.endpoint}"
      index: kb
      api_key: search-key
      vector_field: text_vector
      semantic_configuration: default
      fields: { id: chunk_id, content: chunk, title: title, url: url, section: section }
      ingest:
        sources: [./kb/**/*.md]
        url_base: /docs/
        cache_dir: .cache/push
        embeddings: { engine: aoai, dimensions: 3 }
  local:
    origins: [http://localhost:8787]
    engine: aoai
    retrieval: { kind: local, sources: [./kb/**/*.md] }
`,
    );
  });
  afterAll(async () => {
    await search.close();
    await embeddings.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--dry-run on a new service says what it would create, changes nothing and embeds nothing', async () => {
    const { code, lines } = await run({ push: true, dryRun: true });
    expect(embeddings.requests).toEqual([]);
    expect(code).toBe(0);
    expect(lines[1]).toBe('  dry run: the index would be created; would upload 3 (3 new, 0 changed), leave 0 unchanged, delete 0');
    expect(changing(search)).toEqual([]);
    expect(search.definition).toBeUndefined();
  });

  it('creates the index with the mapped fields, a vector field with an Azure OpenAI vectorizer and a semantic configuration, and uploads every chunk', async () => {
    const shown: string[] = [];
    const { code, lines } = await run({ push: true }, createProgress({ tty: false, write: (text) => shown.push(text.trim()) }));
    expect(shown).toEqual(['chunks embedded: 0/3 (0 %)', 'chunks embedded: 3/3 (100 %)', 'documents uploaded: 3/3 (100 %)']);
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^cloud: 2 files, 3 chunks, \d+ characters, 3 embedded, 0 vectors from cache, \d+ ms( \(from cache\))?$/);
    expect(lines[1]).toBe('  index created; uploaded 3 (3 new, 0 changed), 0 unchanged, deleted 0');
    const definition = search.definition as { fields: Array<Record<string, unknown>>; vectorSearch: Record<string, any>; semantic: Record<string, any> };
    expect(definition.fields.map((field) => [field.name, field.type, field.key ?? false])).toEqual([
      ['chunk_id', 'Edm.String', true],
      ['chunk', 'Edm.String', false],
      ['title', 'Edm.String', false],
      ['url', 'Edm.String', false],
      ['section', 'Edm.String', false],
      ['text_vector', 'Collection(Edm.Single)', false],
    ]);
    expect(definition.fields[5]).toMatchObject({ dimensions: 3, vectorSearchProfile: VECTOR_PROFILE });
    expect(definition.vectorSearch.vectorizers).toEqual([
      { name: VECTORIZER, kind: 'azureOpenAI', azureOpenAIParameters: { resourceUri: embeddings.url, deploymentId: 'text-embedding-3-small', modelName: 'text-embedding-3-small', apiKey: 'aoai-key' } },
    ]);
    expect(definition.semantic).toMatchObject({ defaultConfiguration: 'default', configurations: [{ name: 'default', prioritizedFields: { titleField: { fieldName: 'title' }, prioritizedContentFields: [{ fieldName: 'chunk' }] } }] });
    expect(search.docs.map((doc) => [doc.chunk_id, doc.title, doc.url, doc.section])).toEqual([
      ['surf-0', 'Surfing — Lessons', '/docs/surf.html#lessons', 'Lessons'],
      ['surf-1', 'Surfing — Prices', '/docs/surf.html#prices', 'Prices'],
      ['tides-0', 'Tides', '/docs/tides.html#tides', null],
    ]);
    expect((search.docs[0].text_vector as number[]).length).toBe(3);
    // The site's own retriever reads what was pushed, through its field mapping.
    const retriever = await createAzureSearchRetriever(azureSearchSchema.parse({ kind: 'azure-search', endpoint: search.endpoint, index: 'kb', api_key: 'k', fields: { id: 'chunk_id', content: 'chunk', title: 'title', url: 'url' } }));
    expect((await retriever.search('euros'))[0]).toMatchObject({ id: 'surf-1', url: '/docs/surf.html#prices' });
  });

  it('updates changed chunks, prunes chunks whose source is gone, and a dry run before it changes nothing', async () => {
    writeFileSync(join(dir, 'kb', 'surf.md'), '# Surfing\n\n## Lessons\n\nBoards and instructors at the beach.\n\n## Prices\n\nA lesson costs 45 euros.\n');
    unlinkSync(join(dir, 'kb', 'tides.md'));
    const before = structuredClone(search.docs);
    const requests = changing(search).length;
    const dry = await run({ push: true, dryRun: true });
    expect(dry.lines[1]).toBe('  dry run: the index would be updated; would upload 1 (0 new, 1 changed), leave 1 unchanged, delete 1: tides-0');
    expect(search.docs).toEqual(before);
    expect(changing(search)).toHaveLength(requests);
    const { lines } = await run();
    expect(dry.lines[0]).not.toMatch(/embedded/);
    expect(lines[0]).toMatch(/1 embedded, 1 vectors from cache/);
    expect(lines[1]).toBe('  index updated; uploaded 1 (0 new, 1 changed), 1 unchanged, deleted 1: tides-0');
    expect(search.docs.map((doc) => doc.chunk_id)).toEqual(['surf-0', 'surf-1']);
    expect(search.docs[1].chunk).toBe('A lesson costs 45 euros.');
  });

  it('uploads in batches', async () => {
    const fresh = await startFakeSearch('big', [], 'id');
    try {
      const chunks: Chunk[] = Array.from({ length: 5 }, (_, n) => ({ id: `c-${n}`, title: `T${n}`, content: `text ${n}`, doc: 'x.md' }));
      const seen: number[] = [];
      const plan = await pushToAzureSearch(azureSearchSchema.parse({ kind: 'azure-search', endpoint: fresh.endpoint, index: 'big', api_key: 'k' }), chunks, undefined, {
        batchSize: 2,
        onProgress: (step) => seen.push(step.done),
      });
      expect(plan.upload).toHaveLength(5);
      expect(fresh.requests.filter((r) => r.path.includes('/docs/search.index')).map((r) => (r.body.value as unknown[]).length)).toEqual([2, 2, 1]);
      expect(seen).toEqual([2, 4, 5]);
    } finally {
      await fresh.close();
    }
  });

  it('--push skips sites that have nothing to push, and --dry-run needs --push', async () => {
    const lines: string[] = [];
    expect(await indexCommand({ configPath, site: 'local', push: true, out: (line) => lines.push(line), progress: silentProgress })).toBe(0);
    expect(lines).toEqual(['local: skipped (--push needs a site of kind azure-search with ingest sources)']);
    expect((await run({ dryRun: true })).code).toBe(1);
  });
});
