/**
 * A ready session's two caps (a site's `limits.max_session_seconds` and `limits.idle_seconds`):
 * each ends it with `session_expired`. Activity is stamped, not rescheduled, so a frame costs
 * no timer work; the idle timer re-arms itself for what is left when it fires early.
 */
import type { Clock, ClockTimer } from '../clock.js';
import type { SiteConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';

export interface SessionCaps {
  /** Starts both caps (the session is ready). */
  start(): void;
  /** The visitor (or, over WebRTC, the call) did something: the idle cap starts over. */
  touch(now?: number): void;
  stop(): void;
}

/** Creates the caps of one session; `expire` ends it. */
export function createSessionCaps(limits: SiteConfig['limits'], clock: Clock, expire: (error: GatewayError) => void): SessionCaps {
  let maxTimer: ClockTimer | undefined;
  let idleTimer: ClockTimer | undefined;
  let lastActivity = clock.now();
  const idleMs = limits.idle_seconds * 1000;

  const scheduleIdle = () => {
    idleTimer = clock.setTimeout(() => {
      if (clock.now() - lastActivity >= idleMs) expire(new GatewayError('session_expired', 'no audio or text for too long'));
      else scheduleIdle();
    }, Math.max(1, idleMs - (clock.now() - lastActivity)));
  };

  return {
    start() {
      lastActivity = clock.now();
      maxTimer = clock.setTimeout(() => expire(new GatewayError('session_expired', 'maximum session length reached')), limits.max_session_seconds * 1000);
      scheduleIdle();
    },
    touch(now = clock.now()) {
      lastActivity = now;
    },
    stop() {
      if (maxTimer !== undefined) clock.clearTimeout(maxTimer);
      if (idleTimer !== undefined) clock.clearTimeout(idleTimer);
    },
  };
}
