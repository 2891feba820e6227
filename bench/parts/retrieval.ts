/**
 * Part 4: the local index on its own (build time, memory, search latency), run in a child
 * process pinned to the gateway's core, so neither the measuring process nor its heap skew it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../gateway-process.js';
import type { ModeRecall } from '../retrieval-quality.js';
import type { VectorLegResult } from '../retrieval-vectors.js';
import type { Summary } from '../stats.js';

/** What the child measured. */
export interface RetrievalResult {
  module: string;
  sections: number;
  corpusBytes: number;
  createMs: number;
  buildMs: number;
  warmBuildMs: number;
  heapBytes: number;
  rssBytes: number;
  searches: number;
  hitRate: number;
  searchMs: Summary;
  chunks?: unknown;
  /** Exact cosine search alone, per size (docs/RETRIEVAL.md). */
  vectorLeg?: VectorLegResult[];
  /** Recall@5 per mode on the paraphrase set. */
  paraphrase?: ModeRecall[];
}

/** Runs the retrieval child over the corpus in `configDir` and returns its figures. */
export async function measureRetrieval(options: {
  configDir: string;
  sources: string;
  cacheDir: string;
  queries: string[];
  rounds: number;
  cpu: number;
  timeoutMs: number;
  sections: number;
  corpusBytes: number;
}): Promise<RetrievalResult> {
  const args = JSON.stringify({
    configDir: options.configDir,
    sources: options.sources,
    cacheDir: options.cacheDir,
    queries: options.queries,
    rounds: options.rounds,
    quick: options.timeoutMs <= 30_000,
  });
  const child = spawn(
    'taskset',
    ['-c', String(options.cpu), process.execPath, '--expose-gc', '--import', 'tsx', join(ROOT, 'bench/retrieval-child.ts'), args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  // The vector leg (up to 100 000 × 512) and the paraphrase set need their own time on a shared machine.
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs + (options.timeoutMs <= 30_000 ? 60_000 : 240_000));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`retrieval child ended (${code ?? 'killed'}) without a result: ${stderr.slice(-400)}`);
  const parsed = JSON.parse(line.slice(7)) as RetrievalResult & { error?: string };
  if (parsed.error) throw new Error(parsed.error);
  return { ...parsed, sections: options.sections, corpusBytes: options.corpusBytes };
}
