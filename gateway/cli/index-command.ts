/**
 * `voice-rag index [--site ID] [--push [--dry-run]]`: builds each local site's index (writing
 * the cache that `serve` then loads), or with --push chunks an azure-search site's `ingest`
 * sources and writes them into its Azure AI Search index. Shows progress while it works and
 * ends each site with a summary, including every skipped document and why.
 */
import { loadConfig } from '../node/config-file.js';
import { localIndexSchema, type AzureSearchConfig, type GatewayConfig, type LocalIndexConfig } from '../config/schema.js';
import { createDefaultCredential } from '../node/entra-credential.js';
import { nodeRetrievalPorts } from '../node/retrieval-ports.js';
import { pushToAzureSearch, type PushPlan } from '../retrieval/azure-push.js';
import { embedderFromConfig } from '../retrieval/embeddings/from-config.js';
import { buildLocalIndex, type BuildProgress, type BuiltIndex } from '../retrieval/local/build.js';
import type { RetrievalLogger } from '../retrieval/local/ports.js';
import { createProgress, type Progress } from './progress.js';

/** Entra ID for sites and engines without api_key, loaded on first use. */
const credential = createDefaultCredential();

/** Options of `voice-rag index`. */
export interface IndexCommandOptions {
  configPath: string;
  /** Build only this site (default: every site with a local index). */
  site?: string;
  /** Push azure-search sites' `ingest` sources into their index instead of building local indexes. */
  push?: boolean;
  /** With push: print what would change and change nothing. */
  dryRun?: boolean;
  /** Where summary lines go (default: stdout). */
  out?: (line: string) => void;
  /** Where progress goes (default: stderr, a bar when it is a terminal). */
  progress?: Progress;
}

const quiet: RetrievalLogger = { debug() {}, info() {}, warn() {}, error() {} };
const PHASE_LABEL: Record<BuildProgress['phase'], string> = { chunk: 'files read and chunked', embed: 'chunks embedded' };

/** Runs the command; resolves to the exit code (1 when a site could not be built or pushed). */
export async function indexCommand(options: IndexCommandOptions): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const progress = options.progress ?? createProgress({ tty: process.stderr.isTTY === true, write: (text) => process.stderr.write(text) });
  if (options.dryRun && !options.push) {
    out('error: --dry-run goes with --push (a local build changes nothing but its cache)');
    return 1;
  }
  let loaded;
  try {
    loaded = await loadConfig(options.configPath);
  } catch (error) {
    out(`error: ${message(error)}`);
    return 1;
  }
  const sites = Object.entries(loaded.config.sites).filter(([id]) => !options.site || id === options.site);
  if (sites.length === 0) {
    out(`error: no site "${options.site}" in ${loaded.file}`);
    return 1;
  }
  const ports = nodeRetrievalPorts(loaded.dir);
  // A dry run embeds nothing: it would spend on the embeddings service to change nothing.
  const build = (config: LocalIndexConfig, embed = true) =>
    buildLocalIndex(config, {
      configDir: loaded.dir,
      files: ports.files,
      fetch: globalThis.fetch,
      logger: quiet,
      cache: ports.openCache(config.cache_dir),
      ...(config.embeddings && embed ? { embedder: embedderFromConfig(config.embeddings, loaded.config.engines, { credential }) } : {}),
      onProgress: (step) =>
        progress.update(PHASE_LABEL[step.phase], step.done, step.total, step.phase === 'chunk' ? `${step.chunks} chunks` : undefined),
    });
  let failed = 0;
  for (const [id, site] of sites) {
    const retrieval = site.retrieval;
    try {
      if (options.push) {
        if (retrieval.kind !== 'azure-search' || !retrieval.ingest) {
          out(`${id}: skipped (--push needs a site of kind azure-search with ingest sources)`);
          continue;
        }
        const built = await build(localIndexSchema.parse({ kind: 'local', ...retrieval.ingest }), !options.dryRun);
        progress.end();
        const plan = await push(retrieval, built, loaded.config.engines, options.dryRun === true, progress);
        progress.end();
        if (built.stats.documents === 0) failed++;
        report(out, id, built, plan, options.dryRun === true);
        continue;
      }
      if (retrieval.kind !== 'local') {
        out(`${id}: skipped (azure-search: the index lives in Azure AI Search${retrieval.ingest ? '; fill it with --push' : ''})`);
        continue;
      }
      const built = await build(retrieval);
      progress.end();
      if (built.stats.documents === 0) failed++;
      report(out, id, built);
    } catch (error) {
      progress.end();
      failed++;
      out(`${id}: FAILED: ${message(error)}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

async function push(config: AzureSearchConfig, built: BuiltIndex, engines: GatewayConfig['engines'], dryRun: boolean, progress: Progress): Promise<PushPlan> {
  if (built.stats.documents === 0) throw new Error('nothing to push: no source could be read (the index is left as it is)');
  if (config.vector_field && !built.vectors && !dryRun) throw new Error(`vector_field is set but the chunks could not be embedded: ${built.stats.embeddings?.error ?? 'no ingest.embeddings'}`);
  return pushToAzureSearch(config, built.index.chunks(), built.vectors, {
    engines,
    credential,
    dryRun,
    onProgress: (step) => progress.update(step.phase === 'upload' ? 'documents uploaded' : 'documents deleted', step.done, step.total),
  });
}

function report(out: (line: string) => void, id: string, built: BuiltIndex, plan?: PushPlan, dryRun = false): void {
  const { stats } = built;
  const ok = stats.documents > 0;
  const vectors = stats.embeddings
    ? stats.embeddings.error
      ? `, NOT embedded (${stats.embeddings.error})`
      : `, ${stats.embeddings.embedded} embedded, ${stats.embeddings.fromCache} vectors from cache`
    : '';
  out(
    `${id}: ${ok ? '' : 'FAILED: '}${stats.documents} files, ${stats.chunks} chunks, ${stats.characters} characters${vectors}, ` +
      `${stats.ms} ms${stats.fromCache ? ' (from cache)' : ''}`,
  );
  if (plan) {
    const ids = plan.delete.length ? `: ${plan.delete.slice(0, 10).join(', ')}${plan.delete.length > 10 ? ', …' : ''}` : '';
    const counts = `${plan.upload.length} (${plan.upload.length - plan.changed} new, ${plan.changed} changed)`;
    out(
      dryRun
        ? `  dry run: the index would be ${plan.index === 'create' ? 'created' : 'updated'}; would upload ${counts}, leave ${plan.unchanged} unchanged, delete ${plan.delete.length}${ids}`
        : `  index ${plan.index === 'create' ? 'created' : 'updated'}; uploaded ${counts}, ${plan.unchanged} unchanged, deleted ${plan.delete.length}${ids}`,
    );
  }
  for (const error of stats.errors) out(`  skipped ${error.source}: ${error.message}`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
