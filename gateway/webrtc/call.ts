/**
 * One WebRTC call as a session's upstream: asks the browser for its offer (ticket on the control
 * socket), creates the call with the site's settings, answers the browser, joins the sideband
 * with the engine's own credential, and hands the session a RealtimeConnection whose close()
 * hangs the call up. A call created after its visitor left is hung up at once, never orphaned.
 */
import type { Clock } from '../clock.js';
import type { EngineConfig, SiteConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ServerMessage } from '../protocol.js';
import { authHeaders, connectUpstream, type RealtimeConnection } from '../realtime/client.js';
import type { SocketFactory } from '../realtime/socket.js';
import type { TokenCache } from '../realtime/token-cache.js';
import type { FetchPort } from '../tools/types.js';
import { createCall, hangupCall, type CreatedCall } from './calls-client.js';
import { buildCallsTarget, callSessionConfig, type CallsOverride } from './calls-target.js';
import { createCallGuard, type ViolationReason } from './call-guard.js';
import type { OfferDesk, PendingOffer } from './offer-desk.js';

/** How long the browser has to send its offer after `webrtc_call` (microphone prompt included). */
export const OFFER_TIMEOUT_MS = 20_000;
/** A hang-up that takes longer is abandoned (the service ends idle calls itself). */
const HANGUP_TIMEOUT_MS = 5_000;
/** The longest a throttled offer waits for its session to end before it is refused anyway. */
const REFUSAL_CAP_MS = 2_000;
/** How long a call request runs past the connect timeout, so that a late call can still be hung up. */
const LATE_CALL_WAIT_MS = 60_000;

/** Metrics of WebRTC calls. */
export interface WebrtcObserver {
  callCreated?(site: string): void;
  violation?(site: string, reason: ViolationReason): void;
  /** A call hung up because nobody claimed its answer (the browser left or aborted). */
  unclaimed?(site: string): void;
}

export interface CallContext {
  siteId: string;
  site: SiteConfig;
  engineId: string;
  engine: EngineConfig;
  desk: OfferDesk;
  fetch: FetchPort;
  socketFactory: SocketFactory;
  tokens: TokenCache;
  clock: Clock;
  logger: Logger;
  override?: CallsOverride;
  observer?: WebrtcObserver;
  /** Sends on the control socket. */
  sendToBrowser(message: ServerMessage): void;
  /** Ends the session: a violation was detected. */
  endForViolation(error: GatewayError): void;
  onThrottled?(engineId: string, retryAfterMs: number): void;
}

const timeoutSignal = (clock: Clock, ms: number) => {
  const controller = new AbortController();
  const timer = clock.setTimeout(() => controller.abort(new Error('timed out')), ms);
  return { signal: controller.signal, done: () => clock.clearTimeout(timer) };
};

/**
 * The created call, or `upstream_unavailable` once `ms` pass; a call the service answers later
 * goes to `late` (to be hung up) instead of being forgotten.
 */
function withinConnectTimeout(creating: Promise<CreatedCall>, clock: Clock, ms: number, late: (call: CreatedCall) => void): Promise<CreatedCall> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = clock.setTimeout(() => {
      timedOut = true;
      reject(new GatewayError('upstream_unavailable', 'the voice service did not answer the call in time'));
    }, ms);
    creating.then(
      (call) => {
        clock.clearTimeout(timer);
        if (timedOut) late(call);
        else resolve(call);
      },
      (error: unknown) => {
        clock.clearTimeout(timer);
        if (!timedOut) reject(error);
      },
    );
  });
}

/**
 * A refused call is the service's answer, not a network the widget could route around: the 502 or
 * 503 goes out only after the session's `upstream_unavailable` (with `retry_after_ms` on a
 * throttle) and its close went out on the control socket, so the widget shows that error rather
 * than racing it with a fallback to the socket transport (which, after a throttle, would queue
 * behind the same throttle and offer again).
 */
function refuseAfterSessionEnd(offer: PendingOffer, status: 502 | 503, message: string, signal: AbortSignal, clock: Clock): void {
  const refuse = () => {
    clock.clearTimeout(cap);
    signal.removeEventListener('abort', later);
    offer.refuse(status, message);
  };
  // `abort` fires at the start of the session's end; the error is sent later in that same turn.
  const later = () => void clock.setTimeout(refuse, 0);
  const cap = clock.setTimeout(refuse, REFUSAL_CAP_MS);
  if (signal.aborted) later();
  else signal.addEventListener('abort', later, { once: true });
}

/** The session's `connect` for a WebRTC call. */
export function webrtcConnector(ctx: CallContext): (signal: AbortSignal) => Promise<RealtimeConnection> {
  const { clock, logger } = ctx;
  return async (signal) => {
    let target;
    try {
      target = buildCallsTarget(ctx.engine, ctx.override);
    } catch (error) {
      throw new GatewayError('upstream_unavailable', 'this engine takes no WebRTC calls', { cause: error });
    }
    const headers = async () => authHeaders(target.upstream, ctx.tokens);
    const hangup = async (callId: string, why: string) => {
      const limit = timeoutSignal(clock, HANGUP_TIMEOUT_MS);
      const status = await hangupCall({ fetch: ctx.fetch, url: target.hangupUrl(callId), headers: await headers().catch(() => ({})), signal: limit.signal });
      limit.done();
      logger.info({ call_id: callId, why, status }, 'webrtc: call hung up');
    };

    const { ticket, offer: offered } = ctx.desk.open(ctx.siteId, OFFER_TIMEOUT_MS, signal);
    ctx.sendToBrowser({ type: 'webrtc_call', ticket, expires_ms: OFFER_TIMEOUT_MS });
    let offer: PendingOffer;
    try {
      offer = await offered;
    } catch (error) {
      throw new GatewayError('upstream_unavailable', error instanceof Error ? error.message : 'no WebRTC offer', { cause: error });
    }

    // Not tied to the visitor, nor cut at the connect timeout: the service may create the call
    // anyway, and only the answer says which call to hang up.
    const limit = timeoutSignal(clock, LATE_CALL_WAIT_MS);
    let callId: string;
    try {
      const creating = createCall({
        fetch: ctx.fetch,
        url: target.callsUrl,
        headers: await headers(),
        sdp: offer.sdp,
        session: callSessionConfig(ctx.site, ctx.engine, target),
        signal: limit.signal,
        now: () => clock.now(),
      });
      creating.then(limit.done, limit.done);
      const call = await withinConnectTimeout(creating, clock, ctx.engine.connect_timeout_ms, (late) => {
        ctx.observer?.callCreated?.(ctx.siteId);
        ctx.observer?.unclaimed?.(ctx.siteId);
        void hangup(late.callId, 'created after the connect timeout');
      });
      callId = call.callId;
      ctx.observer?.callCreated?.(ctx.siteId);
      if (signal.aborted || !offer.answer(call.answer)) {
        ctx.observer?.unclaimed?.(ctx.siteId);
        void hangup(callId, 'nobody claimed the answer');
        throw new GatewayError('upstream_unavailable', 'the browser left before the call was answered');
      }
    } catch (error) {
      const failure = error instanceof GatewayError ? error : new GatewayError('upstream_unavailable', 'the call could not be created', { cause: error });
      if (failure.retryAfterMs !== undefined) ctx.onThrottled?.(ctx.engineId, failure.retryAfterMs);
      refuseAfterSessionEnd(offer, failure.retryAfterMs !== undefined ? 503 : 502, failure.message, signal, clock);
      if (!(error instanceof GatewayError)) logger.warn({ err: error }, 'webrtc: creating the call failed');
      throw failure;
    }
    logger.info({ call_id: callId }, 'webrtc: call created');

    let connection: RealtimeConnection;
    try {
      connection = await connectUpstream({
        engineId: ctx.engineId,
        engine: ctx.engine,
        overrideUrl: target.sidebandUrl(callId),
        socketFactory: ctx.socketFactory,
        tokens: ctx.tokens,
        clock,
        logger,
        onThrottled: ctx.onThrottled,
        signal,
        awaitSessionCreated: false,
      });
    } catch (error) {
      void hangup(callId, 'the sideband could not be opened');
      throw error;
    }
    return guardedCall(connection, ctx, () => void hangup(callId, 'the session ended'));
  };
}

/** The sideband as the session's upstream: every event passes the guard; close() hangs up. */
function guardedCall(connection: RealtimeConnection, ctx: CallContext, hangup: () => void): RealtimeConnection {
  let hungUp = false;
  const hangupOnce = () => {
    if (hungUp) return;
    hungUp = true;
    hangup();
  };
  const guard = createCallGuard({
    manual: ctx.site.turn_detection.type === 'manual',
    onViolation(reason, detail) {
      ctx.logger.warn({ reason, detail }, 'webrtc: the call broke the site settings; hanging up');
      ctx.observer?.violation?.(ctx.siteId, reason);
      hangupOnce();
      ctx.endForViolation(new GatewayError('bad_message', `the call was ended: ${detail}`));
    },
  });
  return {
    dialect: connection.dialect,
    target: connection.target,
    session: connection.session,
    send(event) {
      guard.sent(event);
      return connection.send(event);
    },
    appendAudio() {
      throw new GatewayError('bad_message', 'audio goes over WebRTC on this transport, not over the socket');
    },
    get bufferedAmount() {
      return connection.bufferedAmount;
    },
    onEvent(listener) {
      connection.onEvent((event) => {
        if (guard.received(event)) listener(event);
      });
    },
    onClose(listener) {
      connection.onClose((code, reason) => {
        hangupOnce();
        listener(code, reason);
      });
    },
    close() {
      hangupOnce();
      connection.close();
    },
  };
}
