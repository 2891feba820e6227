/**
 * Gives back the memory V8 keeps after a burst once the gateway is idle. Start-up (module loading,
 * index builds) and any load grow the young generation to its maximum (2 × 16 MB on 64-bit Node),
 * and V8 shrinks it only in a full collection that sees a low allocation rate, which an idle
 * process never runs by itself. So, after `quietMs` with no session open, a few full collections
 * `everyMs` apart (≈ 10–80 ms each, while nobody waits on this process) until the young
 * generation has shrunk; then nothing until sessions have come and gone again.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface IdleTrimOptions {
  /** Sessions open now. */
  sessions(): number;
  /** Quiet time before the first collection (default 4 s). */
  quietMs?: number;
  /** Between collections, and between checks (default 2 s). */
  everyMs?: number;
  /** Collections per idle period at most (default 6). */
  maxCollections?: number;
  /** Runs a full collection (default: V8's `gc`, exposed for this alone). */
  collect?(): void;
  /** The young generation's size in bytes (default: V8's heap statistics). */
  youngBytes?(): number;
  now?(): number;
}

/** Shrunk: the young generation back near its initial size. */
const SHRUNK_BYTES = 4 * 2 ** 20;

/** V8's full collection, without `--expose-gc` on the command line (as jest's leak detector does). */
function v8Collect(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const youngGeneration = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;

/** Starts the idle trim; `stop()` ends it. The timer never keeps the process alive. */
export function startIdleTrim(options: IdleTrimOptions): { stop(): void; readonly collections: number } {
  const quietMs = options.quietMs ?? 4000;
  const everyMs = options.everyMs ?? 2000;
  const maxCollections = options.maxCollections ?? 6;
  const now = options.now ?? Date.now;
  const youngBytes = options.youngBytes ?? youngGeneration;
  let collect = options.collect;
  let quietSince = now();
  let done = false;
  let inThisPeriod = 0;
  let collections = 0;

  const tick = () => {
    if (options.sessions() > 0) {
      quietSince = now();
      done = false;
      inThisPeriod = 0;
      return;
    }
    if (done || now() - quietSince < quietMs) return;
    if (youngBytes() <= SHRUNK_BYTES || inThisPeriod >= maxCollections) {
      done = true;
      return;
    }
    collect ??= v8Collect();
    collect();
    inThisPeriod++;
    collections++;
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    get collections() {
      return collections;
    },
  };
}
