import { describe, expect, it } from 'vitest';
import { localIndexSchema } from '../../../../gateway/config/schema.js';
import { createLocalRetriever } from '../../../../gateway/retrieval/local/local-retriever.js';
import type { SourceError } from '../../../../gateway/retrieval/local/document.js';
import { fetchPages, MAX_BODY_BYTES, sitemapUrls } from '../../../../gateway/retrieval/local/remote-sources.js';
import { makePdf, memoryFiles, recordingLogger } from './memory-files.js';

type Route = (signal: AbortSignal) => Promise<Response> | Response;

/** A fetch over a routing table; unknown URLs fail like an unreachable host. */
function fakeFetch(routes: Record<string, Route>) {
  const stats = { inFlight: 0, maxInFlight: 0, calls: [] as string[] };
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    stats.calls.push(url);
    const route = routes[url];
    if (!route) throw new TypeError('fetch failed (ENOTFOUND)');
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      return await route(init?.signal ?? new AbortController().signal);
    } finally {
      stats.inFlight--;
    }
  }) as typeof fetch;
  return { fetch: fetchImpl, stats };
}

const html = (body: string) => () => new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } });
const xml = (body: string) => () => new Response(body, { headers: { 'content-type': 'application/xml' } });
const urlset = (urls: string[]) => `<?xml version="1.0"?><urlset>${urls.map((u) => `<url><loc>${u}</loc></url>`).join('')}</urlset>`;
const settings = { concurrency: 2, timeout_ms: 200 };

describe('remote sources', () => {
  it('collects page URLs from a sitemap index one level down', async () => {
    const { fetch } = fakeFetch({
      'https://s.example/sitemap.xml': xml('<sitemapindex><sitemap><loc>https://s.example/a.xml</loc></sitemap><sitemap><loc>https://s.example/b.xml</loc></sitemap></sitemapindex>'),
      'https://s.example/a.xml': xml(urlset(['https://s.example/one', 'https://s.example/two?x=1&amp;y=2'])),
      'https://s.example/b.xml': xml(urlset(['https://s.example/three'])),
    });
    const errors: SourceError[] = [];
    const urls = await sitemapUrls('https://s.example/sitemap.xml', { fetch, logger: recordingLogger(), settings }, errors);
    expect(urls).toEqual(['https://s.example/one', 'https://s.example/two?x=1&y=2', 'https://s.example/three']);
    expect(errors).toEqual([]);
  });

  it("keeps only URLs on the sitemap's own origin, in the index and in its sitemaps", async () => {
    const { fetch, stats } = fakeFetch({
      'https://s.example/sitemap.xml': xml('<sitemapindex><sitemap><loc>https://s.example/a.xml</loc></sitemap><sitemap><loc>http://169.254.169.254/latest.xml</loc></sitemap></sitemapindex>'),
      'https://s.example/a.xml': xml(urlset(['https://s.example/one', 'http://10.0.0.7/admin', 'https://s.example:8443/other'])),
    });
    const errors: SourceError[] = [];
    const urls = await sitemapUrls('https://s.example/sitemap.xml', { fetch, logger: recordingLogger(), settings }, errors);
    expect(urls).toEqual(['https://s.example/one']);
    expect(stats.calls).not.toContain('http://169.254.169.254/latest.xml');
    expect(errors.map((e) => e.message)).toEqual([
      '1 URLs not on https://s.example skipped (list them under urls: to index them)',
      '2 URLs not on https://s.example skipped (list them under urls: to index them)',
    ]);
  });

  it('reads a gzip sitemap (sitemap.xml.gz)', async () => {
    const packed = new Uint8Array(await new Response(new Blob([urlset(['https://s.example/one'])]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
    const { fetch } = fakeFetch({ 'https://s.example/sitemap.xml.gz': () => new Response(packed, { headers: { 'content-type': 'application/x-gzip' } }) });
    const errors: SourceError[] = [];
    const urls = await sitemapUrls('https://s.example/sitemap.xml.gz', { fetch, logger: recordingLogger(), settings }, errors);
    expect(urls).toEqual(['https://s.example/one']);
    expect(errors).toEqual([]);
  });

  it('decodes the XML entities of a <loc> once, numeric ones included', async () => {
    const { fetch } = fakeFetch({ 'https://s.example/sitemap.xml': xml(urlset(['https://s.example/a?q=x&amp;lt;y&#38;z=1'])) });
    const urls = await sitemapUrls('https://s.example/sitemap.xml', { fetch, logger: recordingLogger(), settings }, []);
    expect(urls).toEqual(['https://s.example/a?q=x&lt;y&z=1']);
  });

  it('keeps the other pages when a page URL has a malformed escape', async () => {
    const { fetch } = fakeFetch({
      'https://s.example/bad%E0%A4': html('<p>bad</p>'),
      'https://s.example/good': html('<p>good</p>'),
    });
    const pages = await fetchPages(['https://s.example/bad%E0%A4', 'https://s.example/good'], { fetch, logger: recordingLogger(), settings }, []);
    expect(pages.map((page) => [page.key, page.fallbackTitle])).toEqual([
      ['https://s.example/bad%E0%A4', 'bad%E0%A4'],
      ['https://s.example/good', 'good'],
    ]);
  });

  it('fetches pages with bounded concurrency and dispatches on content type', async () => {
    const slow = (body: string) => async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return html(body)();
    };
    const routes: Record<string, Route> = {
      'https://s.example/pdf-without-extension': () => new Response(makePdf('hello', 'T'), { headers: { 'content-type': 'application/pdf' } }),
      'https://s.example/notes.txt': () => new Response('plain', { headers: { 'content-type': 'text/plain' } }),
      'https://s.example/image': () => new Response('x', { headers: { 'content-type': 'image/png' } }),
    };
    for (let i = 0; i < 6; i++) routes[`https://s.example/p${i}`] = slow(`<p>${i}</p>`);
    const { fetch, stats } = fakeFetch(routes);
    const errors: SourceError[] = [];
    const pages = await fetchPages(Object.keys(routes), { fetch, logger: recordingLogger(), settings }, errors);
    expect(stats.maxInFlight).toBeLessThanOrEqual(2);
    expect(Object.fromEntries(pages.map((p) => [p.key, p.kind]))).toMatchObject({
      'https://s.example/pdf-without-extension': 'pdf',
      'https://s.example/notes.txt': 'text',
      'https://s.example/p0': 'html',
    });
    expect(errors).toEqual([{ source: 'https://s.example/image', message: 'unsupported content type image/png' }]);
  });

  it('gives up on a page after timeout_ms', async () => {
    const { fetch } = fakeFetch({
      'https://s.example/hang': (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    });
    const errors: SourceError[] = [];
    const started = Date.now();
    expect(await fetchPages(['https://s.example/hang'], { fetch, logger: recordingLogger(), settings }, errors)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(errors[0].message).toMatch(/timed out after 200 ms/);
  });

  it('refuses bodies over the size cap, declared or streamed', async () => {
    const big = new Uint8Array(MAX_BODY_BYTES + 1);
    const { fetch } = fakeFetch({
      'https://s.example/declared': () => new Response('x', { headers: { 'content-type': 'text/html', 'content-length': String(MAX_BODY_BYTES + 1) } }),
      'https://s.example/streamed': () => new Response(new Blob([big]).stream(), { headers: { 'content-type': 'text/html' } }),
    });
    const errors: SourceError[] = [];
    expect(await fetchPages(['https://s.example/declared', 'https://s.example/streamed'], { fetch, logger: recordingLogger(), settings }, errors)).toEqual([]);
    expect(errors.map((e) => e.message)).toEqual([`larger than ${MAX_BODY_BYTES} bytes`, `larger than ${MAX_BODY_BYTES} bytes`]);
  });

  it('indexes a live site, logging an unreachable sitemap and a failing page and keeping the rest', async () => {
    const { fetch } = fakeFetch({
      'https://s.example/sitemap.xml': xml(urlset(['https://s.example/ok', 'https://s.example/gone'])),
      'https://s.example/ok': html('<title>Kayaks</title><main><h2>Sizes</h2><p>Kayaks come in three sizes.</p></main>'),
      'https://s.example/gone': () => new Response('no', { status: 404 }),
    });
    const logger = recordingLogger();
    const config = localIndexSchema.parse({
      kind: 'local',
      sources: [{ sitemap: 'https://s.example/sitemap.xml' }, { sitemap: 'https://down.example/sitemap.xml' }, { urls: ['https://s.example/ok'] }],
      fetch: settings,
    });
    const retriever = await createLocalRetriever(config, { configDir: '/x', files: memoryFiles({}), fetch, logger, watch: false });
    const [hit] = await retriever.search('kayak sizes');
    expect(hit).toMatchObject({ title: 'Kayaks — Sizes', url: 'https://s.example/ok#sizes' });
    expect(retriever.stats().errors).toHaveLength(2);
    expect(retriever.stats().errors).toEqual(
      expect.arrayContaining([
        { source: 'https://down.example/sitemap.xml', message: expect.stringContaining('fetch failed') },
        { source: 'https://s.example/gone', message: 'HTTP 404' },
      ]),
    );
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => (l.object as { url?: string }).url)).toEqual(
      expect.arrayContaining(['https://down.example/sitemap.xml', 'https://s.example/gone']),
    );
  });
});
