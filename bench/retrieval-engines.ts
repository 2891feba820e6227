/**
 * Compares the local index's ranking engines in one run: the hand-written BM25F index
 * (gateway/retrieval/local/bm25.ts), MiniSearch and Orama, all fed the same chunks of the
 * synthetic corpus (bench/corpus.ts) and the same tokenizer. Reports build
 * time, heap, cache size and load time, search latency (wall and CPU) and recall@5 on the demo
 * question set. Searches are interleaved query by query, so machine load hits every engine alike.
 *
 *   npx tsx bench/retrieval-engines.ts [--sections 10000] [--rounds 5] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { localIndexSchema } from '../gateway/config/schema.js';
import { createFsSources } from '../gateway/node/fs-sources.js';
import { buildSyntheticCorpus, syntheticFiles } from './corpus.js';
import type { Chunk } from '../gateway/retrieval/local/document.js';
import { buildLocalIndex } from '../gateway/retrieval/local/build.js';
import type { SourceFiles } from '../gateway/retrieval/local/ports.js';
import questions from '../tests/fixtures/retrieval/questions.json' with { type: 'json' };
import { engines } from './retrieval-engine-adapters.js';
import type { EngineIndex } from './retrieval-engine-adapters.js';
import { Samples } from './stats.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

/** Heap plus off-heap buffers (typed arrays), after a full collection. */
function memory(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** Chunks exactly as the gateway makes them (parse, chunk at 800/100). */
async function chunksOf(files: SourceFiles, configDir: string, settings: Record<string, unknown>): Promise<Chunk[]> {
  const config = localIndexSchema.parse({ kind: 'local', chunk: { size: 800, overlap: 100 }, ...settings });
  const built = await buildLocalIndex(config, { configDir, files, fetch, logger: quiet });
  return [...built.index.chunks()];
}

/** The demo doc a chunk URL points at (as tests/gateway/retrieval/quality.test.ts reads it). */
function docOf(url: string | undefined): string {
  const path = decodeURI((url ?? '').replace(/#.*$/, '').replace(/^\//, ''));
  return path === '' || path.endsWith('/') ? `${path}index.md` : path;
}

interface Question {
  question: string;
  doc: string;
  heading?: string;
}

function quality(index: EngineIndex, chunks: readonly Chunk[]) {
  const byId = new Map(chunks.map((chunk) => [chunk.id, chunk]));
  let at5 = 0;
  let at1 = 0;
  let section = 0;
  const all = questions as Question[];
  for (const q of all) {
    const top = index.search(q.question, 5).map((id) => byId.get(id)!);
    if (top.some((chunk) => docOf(chunk.url) === q.doc)) at5++;
    if (top[0] && docOf(top[0].url) === q.doc) at1++;
    if (q.heading && top[0] && docOf(top[0].url) === q.doc && top[0].title.endsWith(`— ${q.heading}`)) section++;
  }
  const withHeading = all.filter((q) => q.heading).length;
  return { recallAt5: at5 / all.length, recallAt1: at1 / all.length, sectionAt1: section / withHeading };
}

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(0));

async function main(): Promise<void> {
  const sections = Number(option('sections', '10000'));
  const rounds = Number(option('rounds', '5'));
  const top = 5;
  const load0 = loadavg()[0];
  const corpus = buildSyntheticCorpus(sections);
  const chunks = await chunksOf(syntheticFiles(corpus), '/', { sources: ['**/*.md'] });
  const demoDir = fileURLToPath(new URL('../demo/site/', import.meta.url));
  const demoChunks = await chunksOf(createFsSources(), demoDir, { sources: ['./**/*.md'], url_base: '/', url_extension: '.md' });
  const characters = chunks.reduce((sum, chunk) => sum + chunk.content.length + chunk.title.length, 0);
  console.log(`${chunks.length} chunks (${(characters / 1e6).toFixed(1)} M characters), ${corpus.queries.length} queries × ${rounds} rounds, top ${top}, load average ${load0.toFixed(1)}`);

  const built: Array<{ index: EngineIndex; buildMs: number; heapBytes: number; cacheBytes: number; loadMs: number; roundTrip: boolean }> = [];
  for (const engine of engines) {
    const before = memory();
    const started = performance.now();
    const index = await engine.build(chunks);
    const buildMs = performance.now() - started;
    const heapBytes = memory() - before;
    const text = JSON.stringify(index.toJSON());
    const loadStarted = performance.now();
    const loaded = engine.load(JSON.parse(text), chunks);
    const loadMs = performance.now() - loadStarted;
    const roundTrip = corpus.queries.slice(0, 20).every((q) => loaded.search(q, top).join() === index.search(q, top).join());
    built.push({ index, buildMs, heapBytes, cacheBytes: text.length, loadMs, roundTrip });
  }

  // Warm-up round (JIT, caches), not recorded.
  for (const query of corpus.queries) for (const { index } of built) index.search(query, top);
  const wall = engines.map(() => new Samples());
  const cpu = engines.map(() => new Samples());
  const overlap = engines.map(() => 0);
  let n = 0;
  for (let round = 0; round < rounds; round++) {
    for (const query of corpus.queries) {
      const reference = built[0].index.search(query, top);
      for (let k = 0; k < engines.length; k++) {
        const e = (k + n) % engines.length;
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const ids = built[e].index.search(query, top);
        const t1 = performance.now();
        const used = process.cpuUsage(cpu0);
        wall[e].add(t1 - t0);
        cpu[e].add((used.user + used.system) / 1000);
        if (round === 0) overlap[e] += ids.filter((id) => reference.includes(id)).length / Math.max(1, reference.length);
      }
      n++;
    }
  }

  const report = [];
  for (const [e, engine] of engines.entries()) {
    const w = wall[e].summary();
    const c = cpu[e].summary();
    const q = quality(await engine.build(demoChunks), demoChunks);
    report.push({
      engine: engine.name,
      settings: engine.settings,
      buildMs: built[e].buildMs,
      heapMB: built[e].heapBytes / 2 ** 20,
      cacheMB: built[e].cacheBytes / 2 ** 20,
      loadMs: built[e].loadMs,
      cacheRoundTrip: built[e].roundTrip,
      wall: w,
      cpu: c,
      top5OverlapWithBm25: overlap[e] / corpus.queries.length,
      ...q,
    });
  }
  const load1 = loadavg()[0];
  console.log(`\n| engine | search p50 wall | p99 wall | p50 CPU | p99 CPU | build | heap (index) | cache JSON | load cache | recall@5 | recall@1 | section@1 | top-5 overlap with bm25.ts |`);
  console.log(`| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
  for (const r of report) {
    console.log(
      `| ${r.engine} | ${ms(r.wall.p50)} ms | ${ms(r.wall.p99)} ms | ${ms(r.cpu.p50)} ms | ${ms(r.cpu.p99)} ms | ${ms(r.buildMs)} ms | ${r.heapMB.toFixed(1)} MB | ` +
        `${r.cacheMB.toFixed(1)} MB | ${ms(r.loadMs)} ms${r.cacheRoundTrip ? '' : ' (differs!)'} | ${r.recallAt5.toFixed(2)} | ${r.recallAt1.toFixed(2)} | ${r.sectionAt1.toFixed(2)} | ${r.top5OverlapWithBm25.toFixed(2)} |`,
    );
  }
  console.log(`\n${wall[0].count} searches per engine; load average ${load0.toFixed(1)} → ${load1.toFixed(1)}; CPU time has ~1 µs resolution and includes GC threads.`);
  for (const r of report) console.log(`${r.engine}: ${r.settings}`);
  const jsonPath = option('json', '');
  if (jsonPath) writeFileSync(jsonPath, JSON.stringify({ chunks: chunks.length, rounds, loadavg: [load0, load1], report }, null, 2));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
