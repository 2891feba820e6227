/** GatewayError: an error carrying a protocol error code, and the mapping of unknown errors to one. */
import type { ErrorCode } from './protocol.js';

/**
 * An error with a protocol code. Thrown anywhere inside the gateway; only the session's
 * outer loop turns it into an `error` frame and a close with `CLOSE_CODE[code]`, once.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterMs?: number;

  constructor(code: ErrorCode, message: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = Math.max(0, Math.round(options.retryAfterMs));
  }
}

/** Narrows an unknown thrown value to a GatewayError, mapping anything else to `internal`. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError('internal', 'internal error', { cause: error });
}
