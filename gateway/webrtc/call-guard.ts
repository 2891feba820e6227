/**
 * Enforcement by detection on a WebRTC call's sideband. The browser's data channel is a full
 * Realtime peer, so the gateway watches what the call does: a `session.updated` it did not ask
 * for that differs from the site's settings, a response nobody expected (not the gateway's
 * `response.create`, not the end of the visitor's speech), or a call of a tool the site does not
 * declare is a violation, and the call ends at once.
 */
import type { UpstreamEvent } from '../realtime/client.js';

export type ViolationReason = 'session_update' | 'unexpected_response' | 'undeclared_tool';

export interface CallGuard {
  /** Every client event the gateway sends on the sideband. */
  sent(event: Record<string, unknown>): void;
  /** Every event the sideband delivers; false: drop it (a violation was raised). */
  received(event: UpstreamEvent): boolean;
}

const VOLATILE = new Set(['id', 'object', 'expires_at', 'client_secret']);

/** A stable text of the settings that matter: keys sorted, volatile ones dropped. */
export function settingsKey(value: unknown, top = true): string {
  if (Array.isArray(value)) return `[${value.map((item) => settingsKey(item, false)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([key, v]) => v !== undefined && !(top && VOLATILE.has(key)))
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${settingsKey(v, false)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** Creates the guard of one call; `onViolation` ends it. */
export function createCallGuard(options: {
  /** Manual turn detection: no response follows the visitor's speech by itself. */
  manual: boolean;
  onViolation(reason: ViolationReason, detail: string): void;
}): CallGuard {
  let updatesAsked = 0;
  let responsesExpected = 0;
  let baseline: string | undefined;
  let declared = new Set<string>();
  let violated = false;

  const violation = (reason: ViolationReason, detail: string) => {
    if (!violated) options.onViolation(reason, detail);
    violated = true;
    return false;
  };

  return {
    sent(event) {
      if (event.type === 'session.update') {
        updatesAsked++;
        const tools = record(event.session).tools;
        if (Array.isArray(tools)) declared = new Set(tools.map((tool) => String(record(tool).name ?? '')));
      } else if (event.type === 'response.create') {
        responsesExpected++;
      }
    },
    received({ type, event }) {
      if (violated) return false;
      switch (type) {
        case 'session.updated': {
          const key = settingsKey(event.session);
          if (updatesAsked > 0) {
            updatesAsked--;
            baseline = key;
          } else if (baseline !== undefined && key !== baseline) {
            return violation('session_update', 'the session settings were changed by someone else than the gateway');
          }
          return true;
        }
        case 'input_audio_buffer.speech_stopped':
        case 'input_audio_buffer.timeout_triggered':
          if (!options.manual) responsesExpected++;
          return true;
        case 'response.created':
          if (responsesExpected === 0) return violation('unexpected_response', 'a response the gateway did not ask for started');
          responsesExpected--;
          return true;
        case 'response.output_item.added':
        case 'response.output_item.done': {
          const item = record(event.item);
          if (item.type === 'function_call' && !declared.has(String(item.name ?? ''))) {
            return violation('undeclared_tool', `the model called a tool the site does not declare (${String(item.name).slice(0, 64)})`);
          }
          return true;
        }
        case 'response.function_call_arguments.done':
          if (typeof event.name === 'string' && !declared.has(event.name)) return violation('undeclared_tool', 'the model called a tool the site does not declare');
          return true;
        default:
          return true;
      }
    },
  };
}
