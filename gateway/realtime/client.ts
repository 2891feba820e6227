/**
 * The Realtime upstream client: one code path for every engine (Azure, OpenAI, offline).
 * Connects with the engine's URL and auth, waits for `session.created` within
 * `connect_timeout_ms`, then hands out GA-normalised events. Never throws on odd input.
 */
import type { Clock } from '../clock.js';
import type { EngineConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import { readAudioDeltaFrame } from './audio-delta-frame.js';
import { dialectFor, normalizeType, type Dialect } from './dialect.js';
import { buildUpstreamTarget, type UpstreamTarget } from './upstream-url.js';
import { APPEND_AUDIO_PREFIX } from './client-events.js';
import { classifyHandshakeFailure } from './handshake-errors.js';
import type { Logger } from '../logger.js';
import type { SocketFactory, UpstreamSocket } from './socket.js';
import type { TokenCache } from './token-cache.js';

/** An upstream event with its type normalised to the GA name; `event` is the parsed JSON. */
export interface UpstreamEvent {
  type: string;
  event: Record<string, unknown>;
}

export interface RealtimeConnection {
  readonly dialect: Dialect;
  readonly target: UpstreamTarget;
  /** The server's `session.created` session object. */
  readonly session: Record<string, unknown>;
  /** Sends a client event with a fresh `event_id`, which it returns. */
  send(event: Record<string, unknown>): string;
  /** Sends `input_audio_buffer.append` for base64 audio without building an object. */
  appendAudio(base64: string): void;
  /** Bytes queued towards the upstream and not yet written (an upstream that stops reading grows it). */
  readonly bufferedAmount: number;
  onEvent(listener: (event: UpstreamEvent) => void): void;
  onClose(listener: (code: number, reason: string) => void): void;
  close(): void;
}

export interface ConnectOptions {
  engineId: string;
  engine: EngineConfig;
  /** Replaces the engine's URL (tests, the local offline engine). */
  overrideUrl?: string;
  socketFactory: SocketFactory;
  /** Needed for engines authenticating with Entra ID. */
  tokens?: TokenCache;
  clock: Clock;
  logger: Logger;
  /** Told about a handshake 429, so the engine's bucket backs off. */
  onThrottled?(engineId: string, retryAfterMs: number): void;
  /** Aborted when the visitor leaves during the connect. */
  signal?: AbortSignal;
  /** false: hand out the connection once the socket is open (a WebRTC call's sideband need not repeat `session.created`). */
  awaitSessionCreated?: boolean;
}

export async function authHeaders(target: UpstreamTarget, tokens: TokenCache | undefined): Promise<Record<string, string>> {
  switch (target.auth.kind) {
    case 'api-key':
      return { 'api-key': target.auth.key };
    case 'bearer':
      return { Authorization: `Bearer ${target.auth.token}` };
    case 'entra': {
      if (!tokens) throw new Error('no Entra ID credential configured');
      return { Authorization: `Bearer ${await tokens.get(target.auth.scope)}` };
    }
    case 'none':
      return {};
  }
}

/** Parses one upstream text frame; undefined for anything that is not a typed JSON object. */
export function parseUpstreamFrame(text: string): UpstreamEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const event = value as Record<string, unknown>;
  if (typeof event.type !== 'string') return undefined;
  return { type: normalizeType(event.type), event };
}

/**
 * Opens the upstream socket and waits for `session.created`. Rejects with a GatewayError
 * `upstream_unavailable` on refusal, network failure or timeout.
 */
export async function connectUpstream(options: ConnectOptions): Promise<RealtimeConnection> {
  const { engine, engineId, clock, logger } = options;
  let target: UpstreamTarget;
  try {
    target = buildUpstreamTarget(engine, options.overrideUrl);
  } catch (error) {
    logger.error({ engine: engineId, reason: error instanceof Error ? error.message : String(error) }, `upstream ${engineId} has no usable URL`);
    throw new GatewayError('upstream_unavailable', 'the voice service is not available', { cause: error });
  }
  const dialect = dialectFor(target.dialect);
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let socket: UpstreamSocket | undefined;
  let timedOut = false;
  const timer = clock.setTimeout(() => {
    timedOut = true;
    abort.abort();
    socket?.close();
  }, engine.connect_timeout_ms);
  try {
    // A credential that hangs (DefaultAzureCredential probing for a managed identity) must not
    // outlast connect_timeout_ms or the visitor's departure.
    const aborted = new Promise<never>((_, reject) => {
      abort.signal.addEventListener('abort', () => reject(new Error('connect aborted')), { once: true });
    });
    const auth = await Promise.race([authHeaders(target, options.tokens), aborted]);
    const headers = { ...target.headers, ...auth };
    try {
      socket = await options.socketFactory.connect({ url: target.url, headers, signal: abort.signal });
    } catch (failure) {
      if (timedOut || abort.signal.aborted) throw failure;
      const { error, throttledMs } = classifyHandshakeFailure(failure, target, engineId, clock.now(), logger);
      if (throttledMs !== undefined) options.onThrottled?.(engineId, throttledMs);
      throw error;
    }
    const opened = socket;
    if (options.awaitSessionCreated === false) return createConnection(opened, target, dialect, {}, logger, []);
    // Frames that follow session.created in the same read arrive before createConnection runs.
    const following: UpstreamEvent[] = [];
    const session = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const fail = () => reject(new Error('upstream closed before session.created'));
      if (abort.signal.aborted) return fail();
      abort.signal.addEventListener('abort', fail, { once: true });
      opened.onClose(fail);
      let created = false;
      opened.onMessage((text) => {
        const parsed = parseUpstreamFrame(text);
        if (created) {
          if (parsed) following.push(parsed);
        } else if (parsed?.type === 'session.created') {
          created = true;
          const value = parsed.event.session;
          resolve(typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
        } else if (parsed?.type === 'error') {
          reject(new Error(`upstream error before session.created: ${JSON.stringify(parsed.event.error).slice(0, 300)}`));
        }
      });
    });
    return createConnection(opened, target, dialect, session, logger, following);
  } catch (error) {
    socket?.close();
    if (error instanceof GatewayError) throw error;
    if (timedOut) {
      logger.warn({ engine: engineId, timeout_ms: engine.connect_timeout_ms }, `upstream ${engineId} did not answer in time`);
      throw new GatewayError('upstream_unavailable', 'the voice service did not answer in time', { cause: error });
    }
    if (options.signal?.aborted) throw new GatewayError('upstream_unavailable', 'connect abandoned', { cause: error });
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn({ engine: engineId, reason }, `upstream ${engineId} failed during connect`);
    throw new GatewayError('upstream_unavailable', 'the voice service could not be reached', { cause: error });
  } finally {
    clock.clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

function createConnection(
  socket: UpstreamSocket,
  target: UpstreamTarget,
  dialect: Dialect,
  session: Record<string, unknown>,
  logger: Logger,
  early: UpstreamEvent[],
): RealtimeConnection {
  let counter = 0;
  let eventListener: ((event: UpstreamEvent) => void) | undefined;
  let closed = false;
  // Replaces the connect-time listeners: from here on every frame goes to the session.
  socket.onMessage((text) => {
    const parsed = readAudioDeltaFrame(text) ?? parseUpstreamFrame(text);
    if (!parsed) {
      logger.debug({ length: text.length }, 'dropped an upstream frame that is not a typed JSON object');
      return;
    }
    if (eventListener) eventListener(parsed);
    else early.push(parsed);
  });
  return {
    dialect,
    target,
    session,
    send(event) {
      const eventId = `evt_gw${(++counter).toString(36)}`;
      if (!closed) socket.send(JSON.stringify({ event_id: eventId, ...event }));
      return eventId;
    },
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    appendAudio(base64) {
      // base64 needs no JSON escaping, so the frame is built by concatenation.
      if (!closed) socket.send(`${APPEND_AUDIO_PREFIX}${base64}"}`);
    },
    onEvent(listener) {
      eventListener = listener;
      for (const event of early.splice(0)) listener(event);
    },
    onClose(listener) {
      socket.onClose((code, reason) => {
        closed = true;
        listener(code, reason);
      });
    },
    close() {
      closed = true;
      socket.close(1000, 'session ended');
    },
  };
}
