// Page-aware retrieval (issue 19, item 4): the same ambiguous question asked from two pages gets a
// different, correct top passage from each, on the local index over the demo site and on Azure AI
// Search (the real client against the REST double, whose tag scoring profile does the boost).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azureSearchSchema, localIndexSchema } from '../../../gateway/config/schema.js';
import { createFsSources } from '../../../gateway/node/fs-sources.js';
import { createAzureSearchRetriever, pageScoring } from '../../../gateway/retrieval/azure-search.js';
import { createLocalRetriever, type LocalRetriever } from '../../../gateway/retrieval/local/local-retriever.js';
import { boostByPage, pageKey } from '../../../gateway/retrieval/page-boost.js';
import type { Passage } from '../../../gateway/retrieval/types.js';
import { startFakeSearch, type FakeSearchService } from './fake-azure-search.js';

const QUESTION = 'how do I turn this on?';
const ORIGIN = 'http://127.0.0.1:8787';
const MOBILE = { url: `${ORIGIN}/demo/mobile-apps.html#app-lock`, section: 'App lock' };
const PLUGINS = { url: `${ORIGIN}/demo/plugins.html#installing-plugins`, section: 'Installing plugins' };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('page boost on the local index (demo site)', () => {
  let retriever: LocalRetriever;
  beforeAll(async () => {
    const demoDir = fileURLToPath(new URL('../../../demo/', import.meta.url));
    const config = localIndexSchema.parse({ kind: 'local', sources: ['./site/**/*.md'], url_base: '/demo/', url_extension: '.html' });
    retriever = await createLocalRetriever(config, { configDir: demoDir, files: createFsSources(), fetch, logger: quiet, watch: false });
  });
  afterAll(() => retriever?.close?.());

  it('answers "how do I turn this on?" with the section in view of each page', async () => {
    const fromMobile = (await retriever.search(QUESTION, { page: MOBILE }))[0]!;
    const fromPlugins = (await retriever.search(QUESTION, { page: PLUGINS }))[0]!;
    expect(fromMobile.url).toBe('/demo/mobile-apps.html#app-lock');
    expect(fromMobile.content).toMatch(/Turn on Settings → App lock/);
    expect(fromPlugins.url).toBe('/demo/plugins.html#installing-plugins');
    expect(fromPlugins.content).toMatch(/turn on Developer mode/);
  });

  it('changes the ranking only because of the page: without it, neither page wins both times', async () => {
    const plain = (await retriever.search(QUESTION))[0]!;
    // One list cannot have both pages' sections on top: at least one of the two is the boost's doing.
    expect([MOBILE, PLUGINS].filter((page) => plain.url === new URL(page.url).pathname + new URL(page.url).hash).length).toBeLessThan(2);
    const boosted = await retriever.search(QUESTION, { page: MOBILE, top: 3 });
    expect(boosted).toHaveLength(3);
  });

  it('prefers the page, then its section, and keeps the retriever order on ties', () => {
    const passage = (id: string, url: string, score: number): Passage => ({ id, title: id, url, content: '', score });
    const list = [
      passage('elsewhere', '/demo/sync.html#conflicts', 5),
      passage('page', '/demo/mobile-apps.html#quick-capture', 2.4),
      passage('section', '/demo/mobile-apps.html#app-lock', 1.2),
      passage('other-origin', 'https://evil.example/demo/mobile-apps.html#app-lock', 4.9),
    ];
    const ranked = boostByPage(list, MOBILE, 4).map((p) => p.id);
    // 2.4 × 2 = 4.8 < 5; 1.2 × 4 = 4.8 ties and keeps its place: the page helps but does not beat a much better match.
    expect(ranked).toEqual(['elsewhere', 'other-origin', 'page', 'section']);
    expect(boostByPage(list, { url: `${ORIGIN}/demo/mobile-apps.html`, section: 'App lock' }, 2).map((p) => p.id)).toEqual(['elsewhere', 'other-origin']);
    expect(boostByPage([passage('a', '/demo/mobile-apps.html#app-lock', 2), passage('b', '/x', 5.9)], MOBILE, 1)[0]!.id).toBe('a');
    expect(pageKey('/demo/index.html', ORIGIN)).toBe(pageKey(`${ORIGIN}/demo/`, ORIGIN));
    expect(pageKey('http://[bad', ORIGIN)).toBeUndefined();
  });
});

describe('page boost on Azure AI Search (scoring profile)', () => {
  let service: FakeSearchService;
  const docs = [
    { id: 'mobile-lock', title: 'Mobile apps — App lock', content: 'Turn on App lock to require Face ID when you open the app.', url: '/demo/mobile-apps.html#app-lock' },
    { id: 'plugins-dev', title: 'Plugins — Installing plugins', content: 'To install from a file, turn on Developer mode.', url: '/demo/plugins.html#installing-plugins' },
    { id: 'sync-offline', title: 'Sync — Working offline', content: 'Turn on Keep all attachments offline to turn on offline mode.', url: '/demo/sync.html#working-offline' },
  ];
  beforeAll(async () => {
    service = await startFakeSearch('kb', docs);
    service.definition = {
      name: 'kb',
      scoringProfiles: [{ name: 'page-boost', functions: [{ type: 'tag', fieldName: 'url', boost: 5, tag: { tagsParameter: 'page' } }] }],
    };
  });
  afterAll(() => service.close());

  const make = () =>
    createAzureSearchRetriever(
      azureSearchSchema.parse({ kind: 'azure-search', endpoint: service.endpoint, index: 'kb', api_key: 'k', fields: { id: 'id', content: 'content', title: 'title', url: 'url' } }),
      { clientOptions: { retryOptions: { maxRetries: 0 } } },
    );
  const scoring = { profile: 'page-boost', parameter: 'page' };

  it('sends the profile and the page as tags, and each page gets its own top passage', async () => {
    const retriever = await make();
    // Without the page one passage wins for everyone (the double counts matching words).
    expect((await retriever.search(QUESTION))[0]!.id).toBe('plugins-dev');
    expect(service.requests.at(-1)!.body.scoringProfile).toBeUndefined();
    const fromMobile = await retriever.search(QUESTION, { page: { ...MOBILE, scoring } });
    const body = service.requests.at(-1)!.body;
    expect(body.scoringProfile).toBe('page-boost');
    expect(body.scoringParameters).toEqual([`page-${ORIGIN}/demo/mobile-apps.html,/demo/mobile-apps.html,${MOBILE.url},/demo/mobile-apps.html#app-lock,App lock`]);
    const fromPlugins = await retriever.search(QUESTION, { page: { ...PLUGINS, scoring } });
    expect(fromMobile[0]!.id).toBe('mobile-lock');
    expect(fromPlugins[0]!.id).toBe('plugins-dev');
  });

  it('quotes a tag holding a comma or a quote, and leaves out the profile without scoring', async () => {
    expect(pageScoring({ url: `${ORIGIN}/a`, section: "Plans, prices and 'extras'", scoring }).scoringParameters).toEqual([
      `page-${ORIGIN}/a,/a,'Plans, prices and ''extras'''`,
    ]);
    const retriever = await make();
    await retriever.search(QUESTION, { page: MOBILE });
    expect(service.requests.at(-1)!.body.scoringProfile).toBeUndefined();
  });
});
