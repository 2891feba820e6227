/**
 * A session whose browser socket dropped (extension `resume`): how much of the answer in flight
 * the visitor heard, estimated from when its audio started (the widget plays in real time), and
 * the grace timer after which the paused session is released.
 */
import type { Clock, ClockTimer } from '../clock.js';

export interface PauseState {
  /** A response started: its audio has not begun yet. */
  responseStarted(): void;
  /** An audio frame went to the browser. */
  audioSent(): void;
  /** Milliseconds of the current answer the visitor can have heard by now. */
  playedMs(): number;
  /** The socket dropped: `release` runs after `graceMs` unless resumed first. */
  pause(graceMs: number, release: () => void): void;
  /** The visitor is back in time: the grace timer stops. */
  resumed(): void;
  readonly paused: boolean;
}

/** Creates the pause bookkeeping of one session. */
export function createPauseState(clock: Clock): PauseState {
  let audioStartedAt: number | undefined;
  let grace: ClockTimer | undefined;
  return {
    responseStarted() {
      audioStartedAt = undefined;
    },
    audioSent() {
      audioStartedAt ??= clock.now();
    },
    playedMs: () => (audioStartedAt === undefined ? 0 : Math.max(0, clock.now() - audioStartedAt)),
    pause(graceMs, release) {
      if (grace !== undefined) clock.clearTimeout(grace);
      grace = clock.setTimeout(() => {
        grace = undefined;
        release();
      }, graceMs);
    },
    resumed() {
      if (grace !== undefined) clock.clearTimeout(grace);
      grace = undefined;
    },
    get paused() {
      return grace !== undefined;
    },
  };
}
