/**
 * Structured JSON logs (pino) with secrets redacted wherever they appear, and a per-session
 * child logger so every line of a session carries its id and site.
 */
import { pino } from 'pino';
import type { DestinationStream, Level, Logger as PinoLogger } from 'pino';

/** Key names whose values never reach a log line, at any depth up to REDACT_DEPTH. */
export const REDACTED_KEYS = [
  'api_key',
  'apiKey',
  'api-key',
  'x-api-key',
  'authorization',
  'Authorization',
  'token',
  'access_token',
  'secret',
  'status_token',
  'password',
  'public_key',
  'cookie',
] as const;

// fast-redact has no recursive wildcard, so each key is listed at every depth a config or
// request object reaches (config.sites.docs.retrieval.api_key is five levels).
const REDACT_DEPTH = 5;

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of REDACTED_KEYS) {
    const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    for (let depth = 0; depth <= REDACT_DEPTH; depth += 1) {
      const prefix = '*.'.repeat(depth);
      paths.push(segment.startsWith('[') ? `${prefix.slice(0, -1)}${segment}` : `${prefix}${segment}`);
    }
  }
  return paths;
}

/** Options of createLogger. */
export interface LoggerOptions {
  /** @default 'info' */
  level?: Level | 'silent';
  /** Where JSON lines go; @default standard output */
  destination?: DestinationStream;
}

/** Creates the gateway's JSON logger with secrets censored as "[redacted]". */
export function createLogger(options: LoggerOptions = {}): PinoLogger {
  const settings = {
    level: options.level ?? 'info',
    redact: { paths: redactPaths(), censor: '[redacted]' },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** A child logger whose lines carry the session id and site id. */
export function sessionLogger(logger: PinoLogger, sessionId: string, siteId: string): PinoLogger {
  return logger.child({ session: sessionId, site: siteId });
}
