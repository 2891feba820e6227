/**
 * The machine a run happened on, printed at the top of every report: figures from different
 * machines are not comparable, and this one is shared and noisy.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';

/** Description of the machine and the moment. */
export interface MachineInfo {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  loadAverage: number[];
  /** Whether the two processes could be pinned to separate cores with taskset. */
  pinned: boolean;
  /** Nice value both processes ran at (`null`: not changed, or not permitted). */
  nice: number | null;
  /** Nice value of their autogroup (Linux autogroup scheduling), `null` when unchanged. */
  autogroupNice: number | null;
}

function cpuModel(): string {
  const model = cpus()[0]?.model;
  if (model) return model.trim();
  try {
    return /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Reads the machine's description now. */
export function describeMachine(pinned: boolean, nice: number | null, autogroupNice: number | null): MachineInfo {
  return {
    date: new Date().toISOString(),
    cpuModel: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
    pinned,
    nice,
    autogroupNice,
  };
}
