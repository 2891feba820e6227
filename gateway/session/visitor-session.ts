/**
 * One visitor session: token, admission, upstream connect and configuration, then the
 * translator, tool loop, barge-in and timers; and the single place where an error becomes an
 * `error` frame plus a close with its code (STYLE.md §5). Keeps the config snapshot it started with.
 */
import { GatewayError, toGatewayError } from '../errors.js';
import type { Lease } from '../limits/types.js';
import { checkAudioFrame, parseClientMessage, type GatewayExtension, type ServerMessage } from '../protocol.js';
import type { RealtimeConnection } from '../realtime/client.js';
import { responseCreateEvent } from '../realtime/client-events.js';
import { greetingInstructions } from '../realtime/instructions.js';
import { createMicrophoneInput } from './microphone-input.js';
import { createSessionCaps } from './session-caps.js';
import { admitVisitor, identifyVisitor } from './visitor-admission.js';
import type { ToolLoop } from './tool-loop.js';
import type { Turns } from './turns.js';
import { hasPageTools } from '../tools/declaration.js';
import { createSessionExtensions } from './extensions.js';
import { createPageTools, type PageTools } from './page-tools.js';
import { createTurnRecorder } from './turn-recorder.js';
import { createPageContext } from './page-context.js';
import { farewell, reportSessionEnd } from './session-end.js';
import type { SessionContext, SessionState, VisitorSession } from './session-context.js';
import type { BrowserSocket } from './types.js';
import { settleUpstreamError } from './upstream-errors.js';
import { createHeardConversation } from './renewal-log.js';
import { createRenewal, type RenewalReason } from './renewal.js';
import { createPauseState } from './resume.js';
import { readyMessage, resumeOffered } from './ready-message.js';
import { linkUpstream, openUpstream, type HeldEvents } from './upstream-link.js';

/** Texts typed before `ready` are held, up to this many. */
const MAX_EARLY_TEXTS = 4;
/** Typed messages allowed to wait behind a live answer; more is a flood (each one is a paid response). */
const MAX_PENDING_TEXTS = 4;

/** Creates a visitor session; call start() once the browser socket is open. */
export function createVisitorSession(ctx: SessionContext, firstBrowser: BrowserSocket): VisitorSession {
  const { clock, logger, site } = ctx;
  const abort = new AbortController();
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
  const caps = createSessionCaps(site.limits, clock, (error) => end(error));
  let readyAt: number | undefined;
  const microphone = createMicrophoneInput({
    clock,
    coalesceMs: site.audio.coalesce_ms,
    maxBuffered,
    textOnly: ctx.textOnly === true,
    upstream: () => upstream,
    end: (error) => end(error),
  });
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
    caps.stop();
    abort.abort();
    // Audio the visitor already spoke goes out before the upstream closes (the close frame follows it).
    microphone.flush();
    renewal.close();
    pauseState.resumed();
    recorder?.end();
    page.close();
    tools?.close();
    upstream?.close();
    lease?.release();
    reportSessionEnd(ctx.siteId, readyAt !== undefined, error, ctx.observer, logger);
    if (browserOpen) {
      const last = farewell(error);
      if (last.frame) send(last.frame);
      browser.close(last.code, last.reason);
    }
    browserOpen = false;
    ctx.onEnd?.();
  };

  const sendAudio = (pcm: Uint8Array) => {
    pauseState.audioSent();
    if (!browserOpen || browserStalled()) return;
    browser.sendBinary(pcm);
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
    readyAt = clock.now();
    ctx.observer?.sessionOpened?.(ctx.siteId);
    caps.start();
    if (site.greeting) turns!.requestResponse([responseCreateEvent(greetingInstructions(site.greeting))]);
    send(readyMessage(ctx, sessionOwnExtensions()));
    logger.info({ engine: ctx.engineId, dialect: connection.dialect.name }, 'session ready');
    for (const text of earlyTexts.splice(0)) userText(text);
  };

  const admit = async () => {
    const granted = await admitVisitor(ctx, visitorId, abort.signal, (retryInMs) => {
      if (state === 'starting') send({ type: 'queued', retry_in_ms: Math.max(0, Math.round(retryInMs)) });
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
    const opened = await openUpstream(ctx, abort.signal, { textOnly: microphone.textOnly, offerPageTools: pageTools !== undefined, onClose: onUpstreamClose });
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
      if (ctx.upstreamActivity?.(event)) caps.touch();
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
      const visitor = await identifyVisitor(ctx);
      recorder?.identify(visitor.sub);
      visitorId = visitor.visitorId;
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
  const cutAnswerInFlight = () => interrupt(pauseState.playedMs());
  const pause = () => {
    browserOpen = false;
    const truncate = cutAnswerInFlight();
    logger.info({ grace_seconds: site.continuity.resume_grace_seconds, truncated: truncate?.audioEndMs }, 'browser socket dropped: paused');
    pauseState.pause(site.continuity.resume_grace_seconds * 1000, () => end());
  };

  const fail = (message: string) => end(new GatewayError('bad_message', message));

  // Barge-in, or the visitor gone: the debug line lets operators (and the end-to-end tests) see where a truncate landed.
  const interrupt = (playedMs: number) => {
    const truncate = turns?.interrupt(playedMs);
    if (truncate) heard.interrupted(truncate.itemId, truncate.audioEndMs, truncate.sentMs);
    if (!truncate) logger.debug({ played_ms: playedMs }, 'interrupt: nothing to truncate');
    else logger.debug({ played_ms: playedMs, item_id: truncate.itemId, audio_end_ms: truncate.audioEndMs }, 'interrupt: assistant audio truncated');
    return truncate;
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
      caps.touch();
      // Held microphone audio precedes whatever the visitor does next.
      microphone.flush();
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
      if (microphone.push(frame, now)) caps.touch(now);
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
      caps.touch();
      logger.info({}, 'browser resumed the session');
      send({ ...readyMessage(ctx, sessionOwnExtensions()), resumed: true });
      if (renewal.active) send({ type: 'renewing' });
      return true;
    },
    owns: (socket) => socket === browser,
    end,
  };
}
