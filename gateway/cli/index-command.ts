/**
 * `voice-rag index`: builds each local site's index (writing the cache that `serve` then
 * loads) and prints what went in and what was skipped.
 */
import { loadConfig } from '../node/config-file.js';
import type { LocalIndexConfig } from '../config/schema.js';
import { nodeRetrievalPorts } from '../node/retrieval-ports.js';
import { buildLocalIndex } from '../retrieval/local/build.js';
import type { RetrievalLogger } from '../retrieval/local/ports.js';

/** Options of `voice-rag index`. */
export interface IndexCommandOptions {
  configPath: string;
  /** Build only this site (default: every site with a local index). */
  site?: string;
  /** Where lines go (default: stdout). */
  out?: (line: string) => void;
}

const quiet: RetrievalLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Builds the local indexes of a config; resolves to the exit code (1 when a site could not be built at all). */
export async function indexCommand(options: IndexCommandOptions): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  let loaded;
  try {
    loaded = await loadConfig(options.configPath);
  } catch (error) {
    out(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const sites = Object.entries(loaded.config.sites).filter(([id]) => !options.site || id === options.site);
  if (sites.length === 0) {
    out(`error: no site "${options.site}" in ${loaded.file}`);
    return 1;
  }
  const ports = nodeRetrievalPorts(loaded.dir);
  let failed = 0;
  for (const [id, site] of sites) {
    if (site.retrieval.kind !== 'local') {
      out(`${id}: skipped (azure-search: the index lives in Azure AI Search)`);
      continue;
    }
    const config: LocalIndexConfig = site.retrieval;
    try {
      const built = await buildLocalIndex(config, {
        configDir: loaded.dir,
        files: ports.files,
        fetch: globalThis.fetch,
        logger: quiet,
        cache: ports.openCache(config.cache_dir),
      });
      const { stats } = built;
      const ok = stats.documents > 0;
      if (!ok) failed++;
      out(
        `${id}: ${ok ? '' : 'FAILED: '}${stats.documents} files, ${stats.chunks} chunks, ${stats.characters} characters, ` +
          `${stats.ms} ms${stats.fromCache ? ' (from cache)' : ''}`,
      );
      for (const error of stats.errors) out(`  skipped ${error.source}: ${error.message}`);
    } catch (error) {
      failed++;
      out(`${id}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failed > 0 ? 1 : 0;
}
