/**
 * CPU time and resident memory of another process, read from /proc (Linux only; the bench
 * reports "not available" elsewhere).
 */
import { readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';

/** Clock ticks per second for /proc/<pid>/stat times; 100 on every Linux the bench targets. */
const TICKS_PER_SECOND = 100;

/** One reading of a process. */
export interface ProcSample {
  at: number;
  /** User + system CPU seconds used so far. */
  cpuSeconds: number;
  /** The system (kernel) part of it: socket writes and reads mostly. */
  systemSeconds: number;
  rssBytes: number;
}

/** Reads a process's CPU time and RSS now. */
export function sampleProcess(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return {
    at: performance.now(),
    cpuSeconds: (utime + stime) / TICKS_PER_SECOND,
    systemSeconds: stime / TICKS_PER_SECOND,
    rssBytes: rssKb * 1024,
  };
}

/** A process and its children (a cluster primary and its workers), summed. */
export function sampleTree(pid: number): ProcSample {
  const own = sampleProcess(pid);
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // No children file (old kernel) or the process ended: its own figures only.
  }
  for (const child of children) {
    try {
      const sample = sampleProcess(child);
      own.cpuSeconds += sample.cpuSeconds;
      own.systemSeconds += sample.systemSeconds;
      own.rssBytes += sample.rssBytes;
    } catch {
      // A worker that just ended.
    }
  }
  return own;
}

/** CPU use between two samples, in percent of one core (`system`: the kernel part only). */
export function cpuPercent(from: ProcSample, to: ProcSample, part: 'all' | 'system' = 'all'): number {
  const wall = (to.at - from.at) / 1000;
  const used = part === 'all' ? to.cpuSeconds - from.cpuSeconds : to.systemSeconds - from.systemSeconds;
  return wall > 0 ? (used / wall) * 100 : Number.NaN;
}

/** What {@link watchProcess} reports. */
export interface ProcUse {
  cpuPercent: number;
  systemCpuPercent: number;
  rssBytes: number;
  peakRssBytes: number;
  /** RSS just before a step's sessions opened (audio steps only). */
  rssBeforeBytes?: number;
}

/** Samples a process every `intervalMs` until stopped; returns CPU % over the span and peak RSS. */
export function watchProcess(pid: number, intervalMs = 250): { stop(): ProcUse } {
  const first = sampleProcess(pid);
  let last = first;
  let peak = first.rssBytes;
  const timer = setInterval(() => {
    try {
      last = sampleProcess(pid);
      peak = Math.max(peak, last.rssBytes);
    } catch {
      // The process ended; the caller sees it elsewhere.
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      try {
        last = sampleProcess(pid);
        peak = Math.max(peak, last.rssBytes);
      } catch {
        // Keep the last good sample.
      }
      return {
        cpuPercent: cpuPercent(first, last),
        systemCpuPercent: cpuPercent(first, last, 'system'),
        rssBytes: last.rssBytes,
        peakRssBytes: peak,
      };
    },
  };
}

/** The collector's pauses so far, as bench/gc-probe.mjs wrote them. */
export interface GcReading {
  totalMs: number;
  count: number;
  /** Recent pauses: [epoch ms, duration ms]. */
  recent: Array<[number, number]>;
}

/**
 * Asks a probed process for its collector pauses (SIGUSR2, see bench/gc-probe.mjs) and reads
 * them; undefined when it is not probed, has ended, or did not answer within `waitMs`.
 */
export async function readGc(pid: number, file: string | undefined, waitMs = 40): Promise<GcReading | undefined> {
  if (!file) return undefined;
  try {
    const before = statSync(file).mtimeMs;
    process.kill(pid, 'SIGUSR2');
    for (let waited = 0; waited < waitMs * 5 && statSync(file).mtimeMs === before; waited += 10) await sleep(10);
    return JSON.parse(readFileSync(file, 'utf8')) as GcReading;
  } catch {
    return undefined;
  }
}
