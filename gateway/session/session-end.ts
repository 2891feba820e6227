/**
 * How an ended session is told: to the observer (closed, or refused before it was ready), to
 * the log (an internal failure as an error, anything else as info), and to the browser as the
 * fatal `error` frame with its close code, or a plain 1000 when the visitor left.
 */
import type { GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import { CLOSE_CODE, type ErrorMessage } from '../protocol.js';
import type { SessionObserver, SessionRefusal } from './observer.js';

const REFUSALS: readonly string[] = ['unauthorized', 'rate_limited', 'over_budget', 'upstream_unavailable'];

/** Reports the end to the observer and the log. */
export function reportSessionEnd(siteId: string, wasReady: boolean, error: GatewayError | undefined, observer: SessionObserver | undefined, logger: Logger): void {
  if (wasReady) observer?.sessionClosed?.(siteId, error?.code ?? 'normal');
  else if (error && REFUSALS.includes(error.code)) observer?.refused?.(siteId, error.code as SessionRefusal);
  if (!error) return logger.info({}, 'session closed by the visitor');
  const fields = { code: error.code, reason: error.message };
  if (error.code === 'internal') logger.error({ ...fields, err: error.cause }, 'session failed');
  else logger.info(fields, 'session ended');
}

/** The browser's last word: the fatal error frame (if any) and the close code and reason. */
export function farewell(error: GatewayError | undefined): { frame?: ErrorMessage; code: number; reason: string } {
  if (!error) return { code: 1000, reason: 'bye' };
  const frame: ErrorMessage = {
    type: 'error',
    code: error.code,
    message: error.message,
    ...(error.retryAfterMs !== undefined ? { retry_after_ms: error.retryAfterMs } : {}),
    fatal: true,
  };
  return { frame, code: CLOSE_CODE[error.code], reason: error.code };
}
