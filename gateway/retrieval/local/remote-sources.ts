/**
 * Live-site sources: a sitemap (nested sitemap indexes followed one level) or a list of URLs,
 * fetched with bounded concurrency, a per-request timeout and a body-size cap.
 */
import type { SourceKind, RawSource, SourceError } from './document.js';
import { kindFromName } from './document.js';
import type { RetrievalLogger } from './ports.js';

/** The largest page or PDF read from a live site. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** The most pages one site's sitemaps may contribute. */
export const MAX_REMOTE_PAGES = 10_000;

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

/** Collects the page URLs a sitemap lists, following a sitemap index one level down. */
export async function sitemapUrls(sitemap: string, deps: RemoteDeps, errors: SourceError[]): Promise<string[]> {
  const root = await fetchText(sitemap, deps, errors);
  if (root === undefined) return [];
  if (!/<sitemapindex[\s>]/i.test(root)) return locs(root).slice(0, MAX_REMOTE_PAGES);
  const nested = await mapLimit(locs(root), deps.settings.concurrency, (url) => fetchText(url, deps, errors));
  return nested.flatMap((xml) => (xml === undefined ? [] : locs(xml))).slice(0, MAX_REMOTE_PAGES);
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
    const name = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? new URL(url).hostname);
    return { key: url, kind, bytes: response.bytes, url, fallbackTitle: name, idBase: url };
  });
  return pages.filter((page): page is RawSource => page !== undefined);
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
    const url = match[1].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
    if (/^https?:\/\//i.test(url)) out.push(url);
  }
  return out;
}

async function fetchText(url: string, deps: RemoteDeps, errors: SourceError[]): Promise<string | undefined> {
  const body = await fetchBody(url, deps, errors);
  return body ? new TextDecoder().decode(body.bytes) : undefined;
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
async function readCapped(response: Response, controller: AbortController): Promise<Uint8Array | undefined> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
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
