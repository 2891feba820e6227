/**
 * When a session renews its upstream: before the service's cap (`expires_at` in
 * `session.created`, less `continuity.renew_margin_seconds`), waiting for the end of the turn in
 * progress, or at once when the service says `session_expired`; at most `max_renewals` times.
 * The session does the renewal itself (new admission, connect, settings, replay, switch).
 */
import type { Clock, ClockTimer } from '../clock.js';
import type { ContinuityConfig } from '../config/continuity-schema.js';
import { GatewayError, toGatewayError } from '../errors.js';
import type { Logger } from '../logger.js';

/** `expiring`: ahead of the cap, between turns; `expired`: the service already ended it. */
export type RenewalReason = 'expiring' | 'expired';

export interface RenewalDeps {
  settings: ContinuityConfig;
  clock: Clock;
  logger: Logger;
  /** No answer live or waiting: the only moment an `expiring` renewal may switch. */
  betweenTurns(): boolean;
  /** Admits, connects, configures and fills the next upstream session, then switches to it. */
  renew(reason: RenewalReason): Promise<void>;
  /** The renewal failed, or the service ended the session and no renewal is left: end the session. */
  fail(error: GatewayError): void;
}

export interface Renewal {
  /** An upstream session was attached: plan its renewal from its `session.created` session object. */
  plan(upstreamSession: Record<string, unknown>): void;
  /** The service reported `session_expired`: renew now. False when renewal is off. */
  expired(): boolean;
  /** The upstream closed: a renewal when it was within the margin of its cap (true), a failure otherwise. */
  upstreamClosed(): boolean;
  /** A turn ended: start an `expiring` renewal that was waiting for it. */
  turnEnded(): void;
  /** A renewal is under way: the visitor's audio is dropped, typed text is held. */
  readonly active: boolean;
  readonly count: number;
  close(): void;
}

/** Creates the renewal planner of one session. */
export function createRenewal(deps: RenewalDeps): Renewal {
  const { settings, clock, logger } = deps;
  let timer: ClockTimer | undefined;
  let due: RenewalReason | undefined;
  let active = false;
  let count = 0;
  let closed = false;
  // When the service's cap comes within the margin; a close after it is the cap, not a failure.
  let renewFrom = Infinity;

  const start = () => {
    if (closed || active || due === undefined) return;
    if (count >= settings.max_renewals) {
      // Ahead of the cap there is nothing to do: the service's own expiry ends the session.
      if (due === 'expired') deps.fail(new GatewayError('session_expired', 'the conversation reached continuity.max_renewals'));
      due = undefined;
      return;
    }
    if (due === 'expiring' && !deps.betweenTurns()) return;
    const reason = due;
    due = undefined;
    active = true;
    count++;
    logger.info({ reason, renewal: count }, 'renewing the upstream session');
    deps.renew(reason).then(
      () => {
        active = false;
      },
      (error: unknown) => {
        active = false;
        deps.fail(toGatewayError(error));
      },
    );
  };

  return {
    plan(upstreamSession) {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      renewFrom = Infinity;
      if (!settings.renew || closed) return;
      const expiresAt = upstreamSession.expires_at;
      const inMs = typeof expiresAt === 'number' ? expiresAt * 1000 - settings.renew_margin_seconds * 1000 - clock.now() : NaN;
      if (!(inMs > 0)) {
        // No cap announced, or one already inside the margin (a skewed clock): renew when the service says so.
        logger.debug({ expires_at: expiresAt }, 'no renewal planned ahead of the upstream cap');
        return;
      }
      renewFrom = clock.now() + inMs;
      timer = clock.setTimeout(() => {
        timer = undefined;
        due = 'expiring';
        start();
      }, inMs);
    },
    expired() {
      if (!settings.renew || closed) return false;
      if (active) return true;
      due = 'expired';
      start();
      return true;
    },
    upstreamClosed() {
      return clock.now() >= renewFrom && this.expired();
    },
    turnEnded: start,
    get active() {
      return active;
    },
    get count() {
      return count;
    },
    close() {
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
    },
  };
}
