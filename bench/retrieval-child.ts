/**
 * Part 4, run in its own process (so its memory figure is its own): builds the gateway's local
 * index over the synthetic corpus through `createRetriever`, then times searches. Prints one
 * line `RESULT <json>`. Usage: node --expose-gc --import tsx bench/retrieval-child.ts <json args>
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { localIndexSchema } from '../gateway/config/schema.js';
import { nodeRetrievalPorts } from '../gateway/node/retrieval-ports.js';
import type { Retriever } from '../gateway/retrieval/types.js';
import { measureParaphraseRecall } from './retrieval-quality.js';
import { measureVectorLeg, VECTOR_SIZES } from './retrieval-vectors.js';
import { Samples } from './stats.js';

interface Args {
  configDir: string;
  sources: string;
  cacheDir: string;
  queries: string[];
  rounds: number;
  /** Quick runs measure the vector leg at 10 000 chunks only. */
  quick?: boolean;
}

type CreateRetriever = (config: unknown, deps: { configDir: string; logger: unknown; watch?: boolean } & ReturnType<typeof nodeRetrievalPorts>) => Retriever | Promise<Retriever>;

const root = new URL('..', import.meta.url).pathname;

/** Finds the module under gateway/retrieval/ that exports `createRetriever`. */
async function findFactory(): Promise<{ create: CreateRetriever; module: string }> {
  const dir = join(root, 'gateway/retrieval');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .sort((a, b) => a.split('/').length - b.split('/').length);
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    if (!/export\s+(async\s+)?(function|const)\s+createRetriever\b/.test(text)) continue;
    const module = (await import(join(dir, file))) as { createRetriever?: CreateRetriever };
    if (module.createRetriever) return { create: module.createRetriever, module: `gateway/retrieval/${file}` };
  }
  throw new Error('no module under gateway/retrieval exports createRetriever yet');
}

function memory(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external + usage.arrayBuffers;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as Args;
  const { create, module } = await findFactory();
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const config = localIndexSchema.parse({ kind: 'local', sources: [args.sources], cache_dir: args.cacheDir });
  const before = memory();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  // No file watcher: the index is what is measured, and 1 000 watched files would skew it.
  const retriever = await create(config, { configDir: args.configDir, logger, watch: false, ...nodeRetrievalPorts(args.configDir) });
  const created = performance.now();
  // An index may build lazily: the build ends when the first search answers.
  const first = await retriever.search(args.queries[0]);
  const built = performance.now();
  const after = memory();
  const rssAfter = process.memoryUsage().rss;
  const latencies = new Samples();
  let hits = 0;
  for (let round = 0; round < args.rounds; round++) {
    for (const query of args.queries) {
      const t0 = performance.now();
      const passages = await retriever.search(query);
      latencies.add(performance.now() - t0);
      if (passages.length > 0) hits++;
    }
  }
  await retriever.close?.();
  // Second build from the on-disk cache the first one wrote (when the index keeps one).
  const warmStart = performance.now();
  const again = await create(config, { configDir: args.configDir, logger, watch: false, ...nodeRetrievalPorts(args.configDir) });
  await again.search(args.queries[0]);
  const warmBuildMs = performance.now() - warmStart;
  await again.close?.();
  const stats = retriever as unknown as { size?: number; chunkCount?: number; stats?: () => unknown };
  const result = {
    module,
    createMs: created - started,
    buildMs: built - started,
    warmBuildMs,
    heapBytes: after - before,
    rssBytes: rssAfter - rssBefore,
    firstResultCount: first.length,
    searches: latencies.count,
    hitRate: latencies.count ? hits / latencies.count : 0,
    searchMs: latencies.summary(),
    chunks: stats.chunkCount ?? stats.size ?? (typeof stats.stats === 'function' ? stats.stats() : undefined),
  };
  // The vector leg and the paraphrase set, after the index above is closed and collected.
  const sizes = args.quick ? VECTOR_SIZES.filter(([chunks]) => chunks <= 10_000) : VECTOR_SIZES;
  const vectorLeg = sizes.map(([chunks, dimensions]) => measureVectorLeg(chunks, dimensions));
  const paraphrase = await measureParaphraseRecall();
  process.stdout.write(`RESULT ${JSON.stringify({ ...result, vectorLeg, paraphrase })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stdout.write(`RESULT ${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`);
    process.exit(1);
  },
);
