/**
 * What one load step records for each direction of the audio path: frames sent, frames
 * received, frames whose marker arrived damaged, and the one-way latency of each frame sent
 * inside the measuring window.
 */
import type { FrameHeader } from './frame-header.js';
import { Samples } from './stats.js';

/** Counts and latencies for one direction (microphone → upstream, or assistant → widget). */
export class DirectionRecorder {
  sent = 0;
  received = 0;
  corrupt = 0;
  latency = new Samples();
  /** Frames sent before this `performance.now()` are counted but not timed (warm-up). */
  measureFrom = Number.POSITIVE_INFINITY;

  /** Records a frame's arrival at `receivedAt` (`performance.now()`). */
  record(header: FrameHeader, receivedAt: number): void {
    this.received++;
    if (header.sentAt >= this.measureFrom) this.latency.add(receivedAt - header.sentAt);
  }

  /** Frames sent but never received, as a count. */
  get lost(): number {
    return Math.max(0, this.sent - this.received);
  }
}

/** The kinds of session of a step: straight to the upstream, through the gateway, or through one of the builds beside it. */
export type AudioGroup = 'floor' | 'gateway' | 'baseline' | 'workers' | 'coalesced';

/** The upstream model name that marks a floor session (the gateway's deployment is `bench`). */
export const FLOOR_MODEL = 'bench-floor';
/** The baseline gateway's deployment, which marks its sessions at the bench upstream. */
export const BASELINE_MODEL = 'bench-baseline';

/** The deployment of this build run as `serve --workers N` (`--workers`). */
export const WORKERS_MODEL = 'bench-workers';

/** The deployment of this build with the bench site's `audio.coalesce_ms` set (`--coalesce-ms`). */
export const COALESCED_MODEL = 'bench-coalesced';

const GROUP_OF_MODEL: ReadonlyMap<string, AudioGroup> = new Map([
  [FLOOR_MODEL, 'floor'],
  [BASELINE_MODEL, 'baseline'],
  [WORKERS_MODEL, 'workers'],
  [COALESCED_MODEL, 'coalesced'],
]);

/** The group a session belongs to, from the model its upstream URL names. */
export function groupOfModel(model: string): AudioGroup {
  return GROUP_OF_MODEL.get(model) ?? 'gateway';
}

/** Both directions of one step. */
export interface StepRecorder {
  up: DirectionRecorder;
  down: DirectionRecorder;
}

/** A fresh recorder for a step. */
export function createStepRecorder(): StepRecorder {
  return { up: new DirectionRecorder(), down: new DirectionRecorder() };
}
