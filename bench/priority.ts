/**
 * Raising the bench's priority on a shared machine. Linux with autogroup scheduling (one group
 * per terminal session) ignores a process's nice value against other sessions' processes, so
 * the autogroup's nice is raised too, and restored when the run ends.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

const AUTOGROUP = '/proc/self/autogroup';

/** What was changed, and how to put it back. */
export interface Priority {
  /** Nice value of this process (inherited by the gateway), or `null` when unchanged. */
  nice: number | null;
  /** Nice value of this session's autogroup, or `null` when unchanged (or no autogroup). */
  autogroupNice: number | null;
  restore(): void;
}

function readAutogroupNice(): number | undefined {
  try {
    const match = /nice\s+(-?\d+)/.exec(readFileSync(AUTOGROUP, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Sets this process's and its autogroup's nice value to `nice` where permitted (root or CAP_SYS_NICE). */
export function raisePriority(nice: number | undefined): Priority {
  const unchanged: Priority = { nice: null, autogroupNice: null, restore: () => undefined };
  if (nice === undefined) return unchanged;
  let processNice: number | null = null;
  try {
    setPriority(nice);
    processNice = nice;
  } catch {
    return unchanged;
  }
  const previous = readAutogroupNice();
  if (previous === undefined) return { ...unchanged, nice: processNice };
  try {
    writeFileSync(AUTOGROUP, String(nice));
  } catch {
    return { ...unchanged, nice: processNice };
  }
  return {
    nice: processNice,
    autogroupNice: nice,
    restore() {
      try {
        writeFileSync(AUTOGROUP, String(previous));
      } catch {
        // The session may be gone already; nothing left to restore then.
      }
    },
  };
}
