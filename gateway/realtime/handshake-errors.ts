/**
 * Turns a failed upstream handshake into a GatewayError, with one actionable log line for
 * the operator (realtime/PROTOCOL.md §1.2). The visitor only ever sees `upstream_unavailable`.
 */
import { GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import { HandshakeRejectedError } from './socket.js';
import type { UpstreamTarget } from './upstream-url.js';

/** Back-off assumed when a 429 carries no retry header: one Azure evaluation window. */
export const DEFAULT_RETRY_AFTER_MS = 10_000;

/** Reads `retry-after-ms`, then `retry-after` (seconds or an HTTP date); undefined if neither parses. */
export function parseRetryAfter(headers: Record<string, string>, now: number): number | undefined {
  const ms = Number(headers['retry-after-ms']);
  if (headers['retry-after-ms'] !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function upstreamErrorOf(body: string): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    const code = parsed.error?.code;
    const message = parsed.error?.message;
    return {
      code: typeof code === 'string' || typeof code === 'number' ? String(code) : undefined,
      message: typeof message === 'string' ? message.slice(0, 300) : undefined,
    };
  } catch {
    return {};
  }
}

export interface HandshakeFailure {
  error: GatewayError;
  /** Set on a 429: how long the engine should back off. */
  throttledMs?: number;
}

/** Classifies a connect failure and logs the operator's hint once. */
export function classifyHandshakeFailure(
  failure: unknown,
  target: UpstreamTarget,
  engineId: string,
  now: number,
  logger: Logger,
): HandshakeFailure {
  if (!(failure instanceof HandshakeRejectedError)) {
    const reason = failure instanceof Error ? failure.message : String(failure);
    logger.warn({ engine: engineId, reason }, `upstream ${engineId} unreachable`);
    return { error: new GatewayError('upstream_unavailable', 'the voice service could not be reached', { cause: failure }) };
  }
  const { status } = failure;
  const fields = { engine: engineId, status };
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(failure.headers, now) ?? DEFAULT_RETRY_AFTER_MS;
    logger.warn({ ...fields, retry_after_ms: retryAfterMs }, `upstream ${engineId} throttled the connection (429)`);
    const error = new GatewayError('upstream_unavailable', 'the voice service is busy', { retryAfterMs, cause: failure });
    return { error, throttledMs: retryAfterMs };
  }
  if (status === 404) {
    logger.error(fields, `deployment ${target.deployment} not found at ${target.endpoint}`);
  } else if (status === 401 && /[?&]api-version=/.test(target.url) && target.dialect === 'ga') {
    logger.error(fields, `upstream ${engineId} refused the connection (401): remove api-version: the GA protocol refuses it`);
  } else if (status === 401 || status === 403) {
    logger.error(
      fields,
      `upstream ${engineId} refused the connection (${status}): check api_key / Entra role assignment (Cognitive Services OpenAI User)`,
    );
  } else if (status === 400) {
    const upstream = upstreamErrorOf(failure.body);
    logger.error(
      { ...fields, upstream_code: upstream.code, upstream_message: upstream.message },
      `upstream ${engineId} rejected the connection (400): ${upstream.code ?? 'no code'}: ${upstream.message ?? 'no message'}`,
    );
  } else {
    logger.error(fields, `upstream ${engineId} refused the connection (HTTP ${status})`);
  }
  return { error: new GatewayError('upstream_unavailable', 'the voice service refused the connection', { cause: failure }) };
}
