/** The operator page's history: status samples taken on a timer into a bounded ring. */
import type { Clock } from '../clock.js';
import type { StatusSnapshot } from './types.js';

/** A bounded ring of status samples taken on a timer, for the operator page's charts. */
export interface StatusHistory {
  samples(): StatusSnapshot[];
  /** Takes a sample now (also done on the timer). */
  sample(): Promise<StatusSnapshot>;
  stop(): void;
}

/**
 * Samples `read()` every `everyMs` (default 10 s) and keeps the last `keep` samples
 * (default 360: one hour), so memory stays constant however long the gateway runs.
 */
export function createStatusHistory(
  read: () => StatusSnapshot | Promise<StatusSnapshot>,
  clock: Clock,
  options: { everyMs?: number; keep?: number } = {},
): StatusHistory {
  const everyMs = options.everyMs ?? 10_000;
  const keep = options.keep ?? 360;
  const ring: StatusSnapshot[] = [];
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  let stopped = false;

  const sample = async () => {
    const snapshot = await read();
    ring.push(snapshot);
    if (ring.length > keep) ring.splice(0, ring.length - keep);
    return snapshot;
  };
  const schedule = () => {
    if (stopped) return;
    timer = clock.setTimeout(() => {
      // A failed sample (store down) leaves a gap in the charts, never an unhandled rejection.
      sample().catch(() => undefined).finally(schedule);
    }, everyMs);
    // A sampling timer must not keep the process alive at shutdown.
    (timer as { unref?: () => void }).unref?.();
  };
  schedule();

  return {
    samples: () => ring.slice(),
    sample,
    stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
    },
  };
}
