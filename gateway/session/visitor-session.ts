/**
 * One visitor session: token, admission, upstream connect and configuration, then the
 * translator, tool loop, barge-in and timers; and the single place where an error becomes an
 * `error` frame plus a close with its code (STYLE.md §5). Keeps the config snapshot it started with.
 */
import type { Clock, ClockTimer } from '../clock.js';
import type { EngineConfig, ServerConfig, SiteConfig } from '../config/schema.js';
import { GatewayError, toGatewayError } from '../errors.js';
import type { Admission, Lease } from '../limits/types.js';
import { CLOSE_CODE, checkAudioFrame, parseClientMessage, SAMPLE_RATE, type GatewayExtension, type ServerMessage } from '../protocol.js';
import type { RealtimeConnection, UpstreamEvent } from '../realtime/client.js';
import { webBase64 } from '../realtime/base64.js';
import { responseCreateEvent } from '../realtime/client-events.js';
import { greetingInstructions } from '../realtime/instructions.js';
import type { Logger } from '../logger.js';
import type { Retriever } from '../retrieval/types.js';
import { verifyVisitorToken } from '../auth/jwt.js';
import { visitorIdOf } from '../auth/visitor.js';
import { createAudioRateMeter } from './audio-rate.js';
import { createMicCoalescer } from './mic-coalescer.js';
import type { ToolLoop } from './tool-loop.js';
import type { Turns } from './turns.js';
import { hasPageTools } from '../tools/declaration.js';
import { createSessionExtensions } from './extensions.js';
import { createPageTools, type PageTools } from './page-tools.js';
import { createTurnRecorder } from './turn-recorder.js';
import { createPageContext } from './page-context.js';
import type { FetchPort } from '../tools/types.js';
import type { SessionObserver, SessionRefusal } from './observer.js';
import type { BrowserSocket } from './types.js';
import { settleUpstreamError } from './upstream-errors.js';
import { createHeardConversation } from './renewal-log.js';
import { createRenewal, type RenewalReason } from './renewal.js';
import { createPauseState } from './resume.js';
import { readyMessage, resumeOffered } from './ready-message.js';
import { linkUpstream, openUpstream, type HeldEvents } from './upstream-link.js';

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
  /** (extension `resume`) A fresh resume token for this session, sent in each `ready`. */
  issueResumeToken?(): string;
  /** `page_tools=1` (extension): the widget runs page tools, so the model may be offered them. */
  pageTools?: boolean;
  /** WebRTC transport: the visitor's audio bypasses the gateway, so these upstream events count as activity. */
  upstreamActivity?(event: UpstreamEvent): boolean;
  /** `webrtc`: the session is a WebRTC call (extension `webrtc`; gateway/webrtc/). */
  transport?: 'webrtc';
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
  /** The browser's socket dropped without a close frame: pause for the resume grace time, or end. */
  handleBrowserDrop(): void;
  /** (extension `resume`) Continues on a new browser socket; false when the session is gone. */
  resume(socket: BrowserSocket): boolean;
  /** Whether frames of this socket still belong to the session (a resume replaces it). */
  owns(socket: BrowserSocket): boolean;
  /** Ends the session with an error frame and its close code (or silently without one). */
  end(error?: GatewayError): void;
}

/** Texts typed before `ready` are held, up to this many. */
const MAX_EARLY_TEXTS = 4;
/** Typed messages allowed to wait behind a live answer; more is a flood (each one is a paid response). */
const MAX_PENDING_TEXTS = 4;

/** Creates a visitor session; call start() once the browser socket is open. */
export function createVisitorSession(ctx: SessionContext, firstBrowser: BrowserSocket): VisitorSession {
  const { clock, logger, site } = ctx;
  // The composition root installs the runtime's fast codec (installBase64Codec); webBase64 delegates to it.
  const base64 = webBase64;
  const abort = new AbortController();
  const rate = createAudioRateMeter();
  const manual = site.turn_detection.type === 'manual';
  const maxBuffered = ctx.server.max_buffered_kb * 1024;
  const earlyTexts: string[] = [];
  let browser = firstBrowser;
  const heard = createHeardConversation();
  const pauseState = createPauseState(clock);
  let visitorId = '';
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
  // Off by default (audio.coalesce_ms: 0): then each frame is its own append, as before.
  const mic = createMicCoalescer({ holdMs: site.audio.coalesce_ms, bytesPerMs: (SAMPLE_RATE * 2) / 1000, clock, send: (pcm) => upstream?.appendAudio(base64.encode(pcm)) });
  let pageTools: PageTools | undefined;
  const sessionExtensions = createSessionExtensions({
    siteId: ctx.siteId,
    sessionId: ctx.sessionId,
    observer: ctx.observer,
    pageTools: () => pageTools,
    pageToolsOffered: ctx.pageTools === true && hasPageTools(site.tools),
  });
  // Only for sites with `insights` on (docs/PRIVACY.md): nothing is collected otherwise.
  const recordTurn = site.insights ? ctx.observer?.turnRecorded : undefined;
  const recorder = recordTurn && createTurnRecorder(ctx.sessionId, () => clock.now(), (turn) => recordTurn(ctx.siteId, turn));
  const page = createPageContext(site, { sendUpstream: (event) => upstream?.send(event), clock, logger });

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
    recorder?.message(message);
    heard.observe(message);
    if (message.type === 'response_started') pauseState.responseStarted();
    // Nobody would hear it: a response that starts while the visitor is away is cancelled at once.
    if (message.type === 'response_started' && pauseState.paused) turns?.interrupt(0);
    if (!browserOpen || browserStalled()) return;
    browser.sendText(JSON.stringify(message));
  };

  const end = (error?: GatewayError) => {
    if (state === 'ended') return;
    state = 'ended';
    if (maxTimer !== undefined) clock.clearTimeout(maxTimer);
    if (idleTimer !== undefined) clock.clearTimeout(idleTimer);
    abort.abort();
    // Audio the visitor already spoke goes out before the upstream closes (the close frame follows it).
    mic.flush();
    renewal.close();
    pauseState.resumed();
    recorder?.end();
    page.close();
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
    pauseState.audioSent();
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
    recorder?.inputStarted();
    turns!.userText(text);
  };

  // The extensions besides `renewal` and `resume` that this session accepts.
  const sessionOwnExtensions = (): GatewayExtension[] => [
    ...sessionExtensions.names,
    ...(page.enabled ? (['page'] as const) : []),
    ...(ctx.transport === 'webrtc' ? (['webrtc'] as const) : []),
  ];

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
    send(readyMessage(ctx, sessionOwnExtensions()));
    logger.info({ engine: ctx.engineId, dialect: connection.dialect.name }, 'session ready');
    for (const text of earlyTexts.splice(0)) userText(text);
  };

  const admit = async () => {
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
    if (ended()) granted.release();
    else lease = granted;
  };

  const onUpstreamClose = (connection: RealtimeConnection, code: number) => {
    // A replaced upstream's close is expected; the service ending the session at its cap is a renewal.
    if (ended() || connection !== upstream || renewal.active) return;
    if (state === 'ready' && renewal.upstreamClosed()) return;
    const during = state === 'starting' ? 'upstream_unavailable' : 'upstream_error';
    end(new GatewayError(during, `the voice service closed the session (${code})`));
  };
  const open = async () => {
    const opened = await openUpstream(ctx, abort.signal, { textOnly, offerPageTools: pageTools !== undefined, onClose: onUpstreamClose });
    if (ended()) opened.connection.close();
    return opened;
  };

  /** Makes `connection` the session's upstream: its turns, tool loop, metering and translator. */
  const attach = (connection: RealtimeConnection, held: HeldEvents, onReady?: () => void) => {
    upstream = connection;
    const link = linkUpstream(ctx, connection, {
      sendToBrowser: send,
      retriever: page.retriever(ctx.retriever),
      pageTools,
      onSearch: recorder && ((query, passages, failed) => recorder.searched(query, passages, failed)),
      onCost: recorder && ((cost) => recorder.cost(cost)),
      sendAudio,
      onError: (error, activeTurns) => {
        if (error.code === 'session_expired' && renewal.expired()) return;
        const verdict = settleUpstreamError(error, activeTurns);
        logger.warn({ upstream_code: error.code, upstream_message: error.message, event_id: error.event_id, verdict }, 'upstream error');
        if (verdict === 'fatal') end(new GatewayError('upstream_error', 'the voice service failed'));
      },
      onIdleEnd: () => end(new GatewayError('session_expired', 'the visitor was silent for idle_timeout_ms')),
    });
    ({ turns, tools } = link);
    connection.onEvent((event) => {
      if (connection !== upstream) return;
      if (ctx.upstreamActivity?.(event)) lastActivity = clock.now();
      link.translate(event);
      if (event.type === 'response.done') renewal.turnEnded();
    });
    onReady?.();
    for (const event of held.take()) link.translate(event);
    held.stop();
    renewal.plan(connection.session);
  };

  // Extension `renewal`: a new admission and upstream session, the same settings and the heard
  // conversation as text items, switched to between turns.
  const renew = async (reason: RenewalReason) => {
    const previous = upstream!;
    send({ type: 'renewing' });
    const live = turns?.liveResponse();
    if (live !== undefined) send({ type: 'response_done', response_id: live, status: 'incomplete' });
    lease?.release();
    lease = undefined;
    await admit();
    const next = await open();
    if (ended()) return;
    for (const event of heard.replayEvents(next.connection.dialect.name)) next.connection.send(event);
    tools?.close();
    attach(next.connection, next.held);
    page.retell();
    previous.close();
    ctx.observer?.sessionRenewed?.(ctx.siteId, reason);
    logger.info({ reason, replayed_turns: heard.turns().length }, 'upstream session renewed');
    send({ type: 'renewed' });
    for (const text of earlyTexts.splice(0)) userText(text);
  };

  const renewal = createRenewal({
    settings: site.continuity,
    clock,
    logger,
    betweenTurns: () => turns !== undefined && turns.liveResponse() === undefined && turns.pendingTexts() === 0,
    renew,
    fail: (error) => end(error),
  });

  const start = async () => {
    try {
      const visitor = await verifyVisitorToken(site.auth, ctx.siteId, ctx.token, clock.now());
      recorder?.identify(visitor.sub);
      visitorId = visitorIdOf({
        remoteAddress: ctx.remoteAddress,
        forwardedFor: ctx.forwardedFor,
        trustProxy: ctx.server.trust_proxy,
        sub: visitor.sub,
      });
      await admit();
      if (sessionExtensions.names.includes('page_tools')) pageTools = createPageTools(site, { send, clock, logger });
      if (ended()) return;
      const { connection, held } = await open();
      if (ended()) return;
      attach(connection, held, () => becomeReady(connection));
    } catch (error) {
      end(toGatewayError(error));
    }
  };

  // Extension `resume`: the answer in flight stops where the visitor stopped hearing it, and
  // nothing more is generated until they are back or the grace time is over.
  const cutAnswerInFlight = () => {
    const truncate = turns?.interrupt(pauseState.playedMs());
    if (truncate) heard.interrupted(truncate.itemId, truncate.audioEndMs, truncate.sentMs);
    return truncate;
  };
  const pause = () => {
    browserOpen = false;
    const truncate = cutAnswerInFlight();
    logger.info({ grace_seconds: site.continuity.resume_grace_seconds, truncated: truncate?.audioEndMs }, 'browser socket dropped: paused');
    pauseState.pause(site.continuity.resume_grace_seconds * 1000, () => end());
  };

  const fail = (message: string) => end(new GatewayError('bad_message', message));

  // Barge-in: the debug line lets operators (and the end-to-end tests) see where a truncate landed.
  const interrupt = (playedMs: number) => {
    const truncate = turns!.interrupt(playedMs);
    if (truncate) heard.interrupted(truncate.itemId, truncate.audioEndMs, truncate.sentMs);
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
      if (state === 'starting' || renewal.active) {
        if (message.type !== 'text') return;
        if (earlyTexts.length >= MAX_EARLY_TEXTS) return fail('too many messages before ready');
        earlyTexts.push(message.text);
        return;
      }
      // The page is not activity: a scrolling visitor does not keep an idle session open.
      if (message.type === 'page') return void page.update(message);
      lastActivity = clock.now();
      // Held microphone audio precedes whatever the visitor does next.
      mic.flush();
      if (message.type === 'text') userText(message.text);
      else if (message.type === 'interrupt') interrupt(message.played_ms);
      else if (message.type === 'feedback' || message.type === 'page_tool_result') {
        const problem = sessionExtensions.handle(message);
        if (problem) fail(problem);
      }
      else if (!manual) fail('commit is only allowed with manual turn detection');
      else {
        recorder?.inputStarted();
        turns!.commit();
      }
    },
    handleBinary(frame) {
      if (state === 'ended') return;
      const problem = checkAudioFrame(frame.byteLength);
      if (problem) return fail(problem);
      if (state !== 'ready') return fail('audio before ready');
      // While the upstream is renewed there is no session to hear it (documented: the widget shows "one moment").
      if (renewal.active) return;
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
      mic.push(frame);
    },
    handleBrowserClose() {
      browserOpen = false;
      end();
    },
    handleBrowserDrop() {
      if (state === 'ready' && resumeOffered(ctx)) pause();
      else this.handleBrowserClose();
    },
    resume(socket) {
      if (state !== 'ready') return false;
      // A socket the gateway still thinks open (a half-open TCP connection) is replaced.
      if (browserOpen) {
        browserOpen = false;
        browser.close(1000, 'resumed elsewhere');
        cutAnswerInFlight();
      }
      pauseState.resumed();
      browser = socket;
      browserOpen = true;
      lastActivity = clock.now();
      logger.info({}, 'browser resumed the session');
      send({ ...readyMessage(ctx, sessionOwnExtensions()), resumed: true });
      if (renewal.active) send({ type: 'renewing' });
      return true;
    },
    owns: (socket) => socket === browser,
    end,
  };
}
