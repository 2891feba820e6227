/**
 * One visitor session: token, admission, upstream connect and configuration, then the
 * translator, tool loop, barge-in and timers; and the single place where an error becomes an
 * `error` frame plus a close with its code (STYLE.md §5). Keeps the config snapshot it started with.
 */
import type { Clock, ClockTimer } from '../clock.js';
import type { EngineConfig, ServerConfig, SiteConfig } from '../config/schema.js';
import { GatewayError, toGatewayError } from '../errors.js';
import type { Admission, Lease } from '../limits/types.js';
import { CLOSE_CODE, checkAudioFrame, GATEWAY_EXTENSIONS, parseClientMessage, PROTOCOL_VERSION, SAMPLE_RATE, type ServerMessage } from '../protocol.js';
import type { RealtimeConnection, UpstreamEvent } from '../realtime/client.js';
import { webBase64 } from '../realtime/base64.js';
import { responseCreateEvent } from '../realtime/client-events.js';
import { greetingInstructions } from '../realtime/instructions.js';
import type { Logger } from '../logger.js';
import type { Retriever } from '../retrieval/types.js';
import { verifyVisitorToken } from '../auth/jwt.js';
import { visitorIdOf } from '../auth/visitor.js';
import { createAudioRateMeter } from './audio-rate.js';
import { configureUpstream } from './configure.js';
import { createMetering } from './metering.js';
import { createToolLoop, type ToolLoop } from './tool-loop.js';
import { createTranslator } from './translator.js';
import { createTurns, type Turns } from './turns.js';
import { createSiteTools } from '../tools/site-tools.js';
import type { FetchPort } from '../tools/types.js';
import type { SessionObserver, SessionRefusal } from './observer.js';
import type { BrowserSocket } from './types.js';
import { settleUpstreamError } from './upstream-errors.js';

export interface SessionContext {
  sessionId: string;
  siteId: string;
  site: SiteConfig;
  engineId: string;
  engine: EngineConfig;
  server: ServerConfig;
  /** The `token` query parameter, if any. */
  token?: string;
  /** `mode=text` (extension): the visitor only types until the first audio frame; no audio output is asked for. */
  textOnly?: boolean;
  remoteAddress?: string;
  forwardedFor?: string;
  admission: Admission;
  retriever: Retriever;
  /** Opens and waits for the upstream (connectUpstream bound to this engine). */
  connect(signal: AbortSignal): Promise<RealtimeConnection>;
  clock: Clock;
  /** Already bound to session_id and site. */
  logger: Logger;
  /** Called once when the session has ended and released everything. */
  onEnd?(): void;
  observer?: SessionObserver;
  /** The network port of the site's HTTP tools; without it they answer as unknown tools. */
  toolFetch?: FetchPort;
  /** WebRTC transport: the visitor's audio bypasses the gateway, so these upstream events count as activity. */
  upstreamActivity?(event: UpstreamEvent): boolean;
}

const REFUSALS: readonly string[] = ['unauthorized', 'rate_limited', 'over_budget', 'upstream_unavailable'];

export type SessionState = 'starting' | 'ready' | 'ended';

export interface VisitorSession {
  readonly id: string;
  readonly state: SessionState;
  start(): Promise<void>;
  handleText(frame: string): void;
  handleBinary(frame: Uint8Array): void;
  handleBrowserClose(): void;
  /** Ends the session with an error frame and its close code (or silently without one). */
  end(error?: GatewayError): void;
}

/** Texts typed before `ready` are held, up to this many. */
const MAX_EARLY_TEXTS = 4;
/** Typed messages allowed to wait behind a live answer; more is a flood (each one is a paid response). */
const MAX_PENDING_TEXTS = 4;

/** Creates a visitor session; call start() once the browser socket is open. */
export function createVisitorSession(ctx: SessionContext, browser: BrowserSocket): VisitorSession {
  const { clock, logger, site } = ctx;
  // The composition root installs the runtime's fast codec (installBase64Codec); webBase64 delegates to it.
  const base64 = webBase64;
  const abort = new AbortController();
  const rate = createAudioRateMeter();
  const manual = site.turn_detection.type === 'manual';
  const maxBuffered = ctx.server.max_buffered_kb * 1024;
  const earlyTexts: string[] = [];
  let state: SessionState = 'starting';
  let browserOpen = true;
  let lease: Lease | undefined;
  let upstream: RealtimeConnection | undefined;
  let turns: Turns | undefined;
  let tools: ToolLoop | undefined;
  let maxTimer: ClockTimer | undefined;
  let idleTimer: ClockTimer | undefined;
  let lastActivity = clock.now();
  let readyAt: number | undefined;
  let textOnly = ctx.textOnly === true;

  // A function, so TypeScript does not narrow `state` across awaits.
  const ended = () => state === 'ended';

  // A browser that does not read must not make the gateway buffer without bound, whether it
  // leaves audio or text unread. Once ending, the error frame itself may still be queued.
  const browserStalled = () => {
    if (state === 'ended' || browser.bufferedAmount <= maxBuffered) return false;
    end(new GatewayError('bad_message', 'the browser is not reading fast enough'));
    return true;
  };

  const send = (message: ServerMessage) => {
    if (!browserOpen || browserStalled()) return;
    browser.sendText(JSON.stringify(message));
  };

  const end = (error?: GatewayError) => {
    if (state === 'ended') return;
    state = 'ended';
    if (maxTimer !== undefined) clock.clearTimeout(maxTimer);
    if (idleTimer !== undefined) clock.clearTimeout(idleTimer);
    abort.abort();
    tools?.close();
    upstream?.close();
    lease?.release();
    const wasReady = readyAt !== undefined;
    if (wasReady) ctx.observer?.sessionClosed?.(ctx.siteId, error?.code ?? 'normal');
    else if (error && REFUSALS.includes(error.code)) ctx.observer?.refused?.(ctx.siteId, error.code as SessionRefusal);
    if (error) {
      const fields = { code: error.code, reason: error.message };
      if (error.code === 'internal') logger.error({ ...fields, err: error.cause }, 'session failed');
      else logger.info(fields, 'session ended');
      if (browserOpen) {
        send({
          type: 'error',
          code: error.code,
          message: error.message,
          ...(error.retryAfterMs !== undefined ? { retry_after_ms: error.retryAfterMs } : {}),
          fatal: true,
        });
        browser.close(CLOSE_CODE[error.code], error.code);
      }
    } else {
      logger.info({}, 'session closed by the visitor');
      if (browserOpen) browser.close(1000, 'bye');
    }
    browserOpen = false;
    ctx.onEnd?.();
  };

  const sendAudio = (pcm: Uint8Array) => {
    if (!browserOpen || browserStalled()) return;
    browser.sendBinary(pcm);
  };

  const scheduleIdle = () => {
    const idleMs = site.limits.idle_seconds * 1000;
    idleTimer = clock.setTimeout(() => {
      const quiet = clock.now() - lastActivity;
      if (quiet >= idleMs) end(new GatewayError('session_expired', 'no audio or text for too long'));
      else scheduleIdle();
    }, Math.max(1, idleMs - (clock.now() - lastActivity)));
  };

  const userText = (text: string) => {
    // Each typed message becomes a paid response: a flood is refused rather than queued.
    if (turns!.pendingTexts() >= MAX_PENDING_TEXTS) return fail('too many messages waiting for an answer');
    if (ctx.server.log_transcripts) logger.info({ text }, 'visitor typed');
    turns!.userText(text);
  };

  const becomeReady = (connection: RealtimeConnection) => {
    state = 'ready';
    lastActivity = readyAt = clock.now();
    ctx.observer?.sessionOpened?.(ctx.siteId);
    maxTimer = clock.setTimeout(
      () => end(new GatewayError('session_expired', 'maximum session length reached')),
      site.limits.max_session_seconds * 1000,
    );
    scheduleIdle();
    if (site.greeting) turns!.requestResponse([responseCreateEvent(greetingInstructions(site.greeting))]);
    send({
      type: 'ready',
      session_id: ctx.sessionId,
      protocol: PROTOCOL_VERSION,
      sample_rate: SAMPLE_RATE,
      turn_detection: manual ? 'manual' : 'server_vad',
      max_session_s: site.limits.max_session_seconds,
      engine: ctx.engine.kind,
      extensions: [...GATEWAY_EXTENSIONS],
    });
    logger.info({ engine: ctx.engineId, dialect: connection.dialect.name }, 'session ready');
    for (const text of earlyTexts.splice(0)) userText(text);
  };

  const start = async () => {
    try {
      const visitor = await verifyVisitorToken(site.auth, ctx.siteId, ctx.token, clock.now());
      const visitorId = visitorIdOf({
        remoteAddress: ctx.remoteAddress,
        forwardedFor: ctx.forwardedFor,
        trustProxy: ctx.server.trust_proxy,
        sub: visitor.sub,
      });
      const granted = await ctx.admission.admit({
        siteId: ctx.siteId,
        site,
        engineId: ctx.engineId,
        engine: ctx.engine,
        visitorId,
        signal: abort.signal,
        onQueued: (retryInMs) => {
          if (state === 'starting') send({ type: 'queued', retry_in_ms: Math.max(0, Math.round(retryInMs)) });
        },
      });
      if (ended()) return void granted.release();
      lease = granted;
      const connectStarted = clock.now();
      const connection = await ctx.connect(abort.signal);
      if (ended()) return void connection.close();
      upstream = connection;
      connection.onClose((code) => {
        if (ended()) return;
        const during = state === 'starting' ? 'upstream_unavailable' : 'upstream_error';
        end(new GatewayError(during, `the voice service closed the session (${code})`));
      });
      const sendUpstream = (event: Record<string, unknown>) => connection.send(event);
      turns = createTurns(connection.dialect, sendUpstream);
      const activeTurns = turns;
      tools = createToolLoop({
        retriever: ctx.retriever,
        retrieval: site.retrieval,
        sendUpstream,
        sendToBrowser: send,
        requestResponse: () => activeTurns.requestResponse([responseCreateEvent()]),
        clock,
        logger,
        onToolCall: (tool, seconds, ok) => ctx.observer?.toolCall?.(ctx.siteId, tool, seconds, ok),
        siteTools: ctx.toolFetch && createSiteTools(site.tools, { fetch: ctx.toolFetch, clock, logger }),
      });
      const metering = createMetering(ctx, connection.session);
      const translate = createTranslator({
        sendToBrowser: send,
        sendAudio,
        turns,
        tools,
        onUsage: metering,
        onError: (error) => {
          const verdict = settleUpstreamError(error, activeTurns);
          logger.warn({ upstream_code: error.code, upstream_message: error.message, event_id: error.event_id, verdict }, 'upstream error');
          if (verdict === 'fatal') end(new GatewayError('upstream_error', 'the voice service failed'));
        },
        decodeAudio: base64.decode,
        logTranscripts: ctx.server.log_transcripts,
        logger,
        onIdleEnd: () => end(new GatewayError('session_expired', 'the visitor was silent for idle_timeout_ms')),
      });
      const early: UpstreamEvent[] = [];
      await configureUpstream(connection, site, ctx.engine, clock, logger, (event) => early.push(event), abort.signal, { textOnly });
      if (ended()) return;
      ctx.observer?.upstreamConnect?.(ctx.engineId, (clock.now() - connectStarted) / 1000);
      const activity = ctx.upstreamActivity;
      connection.onEvent(activity ? (event) => (activity(event) && (lastActivity = clock.now()), translate(event)) : translate);
      becomeReady(connection);
      for (const event of early) translate(event);
    } catch (error) {
      end(toGatewayError(error));
    }
  };

  const fail = (message: string) => end(new GatewayError('bad_message', message));

  // Barge-in: the debug line lets operators (and the end-to-end tests) see where a truncate landed.
  const interrupt = (playedMs: number) => {
    const truncate = turns!.interrupt(playedMs);
    if (!truncate) logger.debug({ played_ms: playedMs }, 'interrupt: nothing to truncate');
    else logger.debug({ played_ms: playedMs, item_id: truncate.itemId, audio_end_ms: truncate.audioEndMs }, 'interrupt: assistant audio truncated');
  };

  return {
    id: ctx.sessionId,
    get state() {
      return state;
    },
    start,
    handleText(frame) {
      if (state === 'ended') return;
      const parsed = parseClientMessage(frame);
      if (!parsed.ok) return fail(parsed.message);
      const message = parsed.message;
      if (state === 'starting') {
        if (message.type !== 'text') return;
        if (earlyTexts.length >= MAX_EARLY_TEXTS) return fail('too many messages before ready');
        earlyTexts.push(message.text);
        return;
      }
      lastActivity = clock.now();
      if (message.type === 'text') userText(message.text);
      else if (message.type === 'interrupt') interrupt(message.played_ms);
      else if (!manual) fail('commit is only allowed with manual turn detection');
      else turns!.commit();
    },
    handleBinary(frame) {
      if (state === 'ended') return;
      const problem = checkAudioFrame(frame.byteLength);
      if (problem) return fail(problem);
      if (state !== 'ready') return fail('audio before ready');
      const now = clock.now();
      if (!rate.accept(frame.byteLength, now)) return fail('audio arrives faster than real time');
      lastActivity = now;
      if (textOnly) {
        // The visitor pressed the mic: from now on answers are spoken.
        textOnly = false;
        upstream!.send(upstream!.dialect.buildAudioOutput());
      }
      // An upstream that stops reading must not make the gateway buffer the visitor's audio without bound.
      if (upstream!.bufferedAmount > maxBuffered) return end(new GatewayError('upstream_error', 'the upstream is not reading'));
      upstream!.appendAudio(base64.encode(frame));
    },
    handleBrowserClose() {
      browserOpen = false;
      end();
    },
    end,
  };
}
