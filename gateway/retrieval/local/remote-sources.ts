/**
 * Live-site sources: a sitemap (plain or gzip; nested sitemap indexes followed one level) or a list of URLs,
 * fetched with bounded concurrency, a per-request timeout and a body-size cap.
 */
import type { SourceKind, RawSource, SourceError } from './document.js';
import { kindFromName } from './document.js';
import type { RetrievalLogger } from './ports.js';

/** The largest page or PDF read from a live site. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** The most pages one site's sitemaps may contribute. */
export const MAX_REMOTE_PAGES = 10_000;
/** The most nested sitemaps read from one sitemap index (each may hold 50 000 URLs). */
export const MAX_NESTED_SITEMAPS = 200;

/** Fetch bounds from the site's `fetch` settings. */
export interface FetchSettings {
  concurrency: number;
  timeout_ms: number;
}

/** Dependencies of the remote loaders. */
export interface RemoteDeps {
  fetch: typeof fetch;
  logger: RetrievalLogger;
  settings: FetchSettings;
}

/**
 * Collects the page URLs a sitemap lists, following a sitemap index one level down. Only URLs
 * on the sitemap's own origin are kept (as the sitemap protocol requires): a sitemap someone
 * else can edit must not make the gateway fetch, and then speak, internal addresses.
 */
export async function sitemapUrls(sitemap: string, deps: RemoteDeps, errors: SourceError[]): Promise<string[]> {
  const root = await fetchText(sitemap, deps, errors);
  if (root === undefined) return [];
  const own = (xml: string) => sameOrigin(sitemap, locs(xml), deps, errors);
  if (!/<sitemapindex[\s>]/i.test(root)) return own(root).slice(0, MAX_REMOTE_PAGES);
  const nested = await mapLimit(own(root).slice(0, MAX_NESTED_SITEMAPS), deps.settings.concurrency, (url) => fetchText(url, deps, errors));
  return nested.flatMap((xml) => (xml === undefined ? [] : own(xml))).slice(0, MAX_REMOTE_PAGES);
}

function sameOrigin(sitemap: string, urls: string[], deps: RemoteDeps, errors: SourceError[]): string[] {
  const origin = new URL(sitemap).origin;
  const kept = urls.filter((url) => URL.canParse(url) && new URL(url).origin === origin);
  if (kept.length < urls.length) fail(errors, deps, sitemap, `${urls.length - kept.length} URLs not on ${origin} skipped (list them under urls: to index them)`);
  return kept;
}

/** Fetches pages and returns those with an indexable content type as raw sources. */
export async function fetchPages(urls: readonly string[], deps: RemoteDeps, errors: SourceError[]): Promise<RawSource[]> {
  const unique = [...new Set(urls)];
  const pages = await mapLimit(unique, deps.settings.concurrency, async (url): Promise<RawSource | undefined> => {
    const response = await fetchBody(url, deps, errors);
    if (!response) return undefined;
    const kind = kindFromType(response.type) ?? kindFromName(new URL(url).pathname);
    if (!kind) {
      fail(errors, deps, url, `unsupported content type ${response.type || '(none)'}`);
      return undefined;
    }
    const name = safeDecode(new URL(url).pathname.split('/').filter(Boolean).pop() ?? new URL(url).hostname);
    return { key: url, kind, bytes: response.bytes, url, fallbackTitle: name, idBase: url };
  });
  return pages.filter((page): page is RawSource => page !== undefined);
}

/** A malformed escape (`%E0%A4`) is the page's problem, not a reason to fail the whole build. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function kindFromType(type: string): SourceKind | undefined {
  const mime = type.split(';')[0].trim().toLowerCase();
  if (mime === 'text/html' || mime === 'application/xhtml+xml') return 'html';
  if (mime === 'application/pdf') return 'pdf';
  if (mime === 'text/markdown' || mime === 'text/x-markdown') return 'markdown';
  if (mime === 'text/plain') return 'text';
  return undefined;
}

function locs(xml: string): string[] {
  const out: string[] = [];
  for (const match of xml.matchAll(/<loc>\s*(?:<!\[CDATA\[)?\s*([^<\]]+?)\s*(?:\]\]>)?\s*<\/loc>/gi)) {
    const url = decodeEntities(match[1]);
    if (/^https?:\/\//i.test(url)) out.push(url);
  }
  return out;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML entities in one pass, so `&amp;lt;` stays the text `&lt;` instead of becoming `<`. */
function decodeEntities(text: string): string {
  return text.replace(/&(?:(amp|lt|gt|quot|apos)|#(\d{1,7})|#x([0-9a-f]{1,6}));/gi, (entity, name?: string, dec?: string, hex?: string) => {
    if (name) return ENTITIES[name.toLowerCase()] ?? entity;
    const code = dec ? Number(dec) : Number.parseInt(hex!, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}

/** The sitemap protocol's own bound on an uncompressed sitemap; also caps a gzip bomb. */
export const MAX_SITEMAP_BYTES = 50 * 1024 * 1024;

async function fetchText(url: string, deps: RemoteDeps, errors: SourceError[]): Promise<string | undefined> {
  const body = await fetchBody(url, deps, errors);
  if (!body) return undefined;
  // sitemap.xml.gz is served as a gzip file, not with Content-Encoding, so fetch leaves it packed.
  if (body.bytes[0] !== 0x1f || body.bytes[1] !== 0x8b) return new TextDecoder().decode(body.bytes);
  try {
    const stream = new Blob([body.bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    const unpacked = await readCapped(new Response(stream), new AbortController(), MAX_SITEMAP_BYTES);
    if (unpacked) return new TextDecoder().decode(unpacked);
    fail(errors, deps, url, `larger than ${MAX_SITEMAP_BYTES} bytes unpacked`);
  } catch (error) {
    fail(errors, deps, url, `not a valid gzip file (${String((error as Error)?.message ?? error)})`);
  }
  return undefined;
}

/** GETs a URL within the timeout and size cap; failures are logged and recorded, never thrown. */
async function fetchBody(url: string, deps: RemoteDeps, errors: SourceError[]): Promise<{ bytes: Uint8Array; type: string } | undefined> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${deps.settings.timeout_ms} ms`)), deps.settings.timeout_ms);
  try {
    const response = await deps.fetch(url, { signal: controller.signal, redirect: 'follow', headers: { accept: 'text/html,application/pdf,text/plain,application/xml;q=0.9,*/*;q=0.5' } });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      fail(errors, deps, url, `HTTP ${response.status}`);
      return undefined;
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > MAX_BODY_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      fail(errors, deps, url, `larger than ${MAX_BODY_BYTES} bytes`);
      return undefined;
    }
    const bytes = await readCapped(response, controller);
    if (!bytes) {
      fail(errors, deps, url, `larger than ${MAX_BODY_BYTES} bytes`);
      return undefined;
    }
    return { bytes, type: response.headers.get('content-type') ?? '' };
  } catch (error) {
    fail(errors, deps, url, controller.signal.aborted ? String((controller.signal.reason as Error)?.message ?? 'aborted') : String((error as Error)?.message ?? error));
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a body, counting bytes as they arrive: Content-Length may be absent or wrong. */
async function readCapped(response: Response, controller: AbortController, maxBytes = MAX_BODY_BYTES): Promise<Uint8Array | undefined> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      controller.abort();
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

function fail(errors: SourceError[], deps: RemoteDeps, url: string, message: string): void {
  errors.push({ source: url, message });
  deps.logger.warn({ url, reason: message }, 'retrieval: skipped a source that could not be fetched');
}

/** Maps with at most `limit` calls in flight, keeping the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
