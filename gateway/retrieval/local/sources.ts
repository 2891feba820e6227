/** Gathers a site's sources as raw bytes: file globs through the SourceFiles port, live sites through fetch. */
import type { LocalIndexConfig } from '../../config/schema.js';
import type { RawSource, SourceError } from './document.js';
import { kindFromName } from './document.js';
import { pageUrl, relativeTo, staticBase } from './page-url.js';
import type { RetrievalLogger, SourceFiles } from './ports.js';
import { fetchPages, mapLimit, sitemapUrls } from './remote-sources.js';

/** What loading a site's sources needs. */
export interface SourceDeps {
  configDir: string;
  files: SourceFiles;
  fetch: typeof fetch;
  logger: RetrievalLogger;
}

/** The sources read, the ones that failed, and the folders to watch for changes. */
export interface LoadedSources {
  sources: RawSource[];
  errors: SourceError[];
  /** Static bases of the file globs, relative to the config folder. */
  watchDirs: string[];
}

/** Reads every source of a site; a bad file or URL is logged, recorded and skipped. */
export async function loadSources(config: LocalIndexConfig, deps: SourceDeps): Promise<LoadedSources> {
  const errors: SourceError[] = [];
  const byKey = new Map<string, RawSource>();
  const watchDirs = new Set<string>();
  const remote = { fetch: deps.fetch, logger: deps.logger, settings: config.fetch };
  for (const source of config.sources) {
    if (typeof source === 'string') {
      const base = staticBase(source);
      watchDirs.add(base);
      const files = await globFiles(source, deps, errors);
      const root = config.root ?? base;
      const read = await mapLimit(files, 16, (path) => readFile(path, root, config, deps, errors));
      for (const raw of read) if (raw) byKey.set(raw.key, raw);
    } else {
      const urls = 'sitemap' in source ? await sitemapUrls(source.sitemap, remote, errors) : source.urls;
      for (const raw of await fetchPages(urls, remote, errors)) byKey.set(raw.key, raw);
    }
  }
  const sources = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { sources, errors, watchDirs: [...watchDirs] };
}

async function globFiles(pattern: string, deps: SourceDeps, errors: SourceError[]): Promise<string[]> {
  try {
    const paths = await deps.files.glob(pattern, deps.configDir);
    if (paths.length === 0) {
      errors.push({ source: pattern, message: 'no files matched' });
      deps.logger.warn({ pattern, dir: deps.configDir }, 'retrieval: a source glob matched no files');
    }
    return paths.filter((path) => kindFromName(path) !== undefined);
  } catch (error) {
    const message = errorMessage(error);
    errors.push({ source: pattern, message });
    deps.logger.warn({ pattern, reason: message }, 'retrieval: a source glob could not be listed');
    return [];
  }
}

async function readFile(path: string, root: string, config: LocalIndexConfig, deps: SourceDeps, errors: SourceError[]): Promise<RawSource | undefined> {
  const kind = kindFromName(path);
  if (!kind) return undefined;
  try {
    const bytes = await deps.files.read(path, deps.configDir);
    const rel = relativeTo(path, root);
    const url = pageUrl(rel, config.url_base, config.url_extension);
    const name = path.slice(path.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
    return { key: path, kind, bytes, ...(url !== undefined ? { url } : {}), fallbackTitle: name, idBase: rel };
  } catch (error) {
    const message = errorMessage(error);
    errors.push({ source: path, message });
    deps.logger.warn({ path, reason: message }, 'retrieval: skipped a file that could not be read');
    return undefined;
  }
}

/** A one-line reason for logs and the index command. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0];
  return String(error);
}
