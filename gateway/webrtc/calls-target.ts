/**
 * Where a WebRTC call of an engine is created, joined and hung up (GA unified interface):
 * `POST …/realtime/calls` (Azure: `?webrtcfilter=on`), the sideband `…/realtime?call_id=…`,
 * and `POST …/realtime/calls/{id}/hangup`; plus the session configuration sent with the offer.
 */
import type { EngineConfig, SiteConfig } from '../config/schema.js';
import { dialectFor } from '../realtime/dialect.js';
import { buildUpstreamTarget, type UpstreamTarget } from '../realtime/upstream-url.js';

export interface CallsTarget {
  /** The WebSocket target (auth, headers) the sideband and the HTTP calls share. */
  upstream: UpstreamTarget;
  callsUrl: string;
  sidebandUrl(callId: string): string;
  hangupUrl(callId: string): string;
}

/** Replaces the service's URLs (tests, a proxy in front of the service). */
export interface CallsOverride {
  /** The calls endpoint, e.g. `http://127.0.0.1:PORT/v1/realtime/calls`. */
  callsUrl?: string;
  /** The Realtime WebSocket URL the sideband joins with `call_id`. */
  sidebandUrl?: string;
}

const withoutQuery = (url: string) => {
  const parsed = new URL(url);
  parsed.search = '';
  return parsed.toString().replace(/\/$/, '');
};
const toHttp = (url: string) => url.replace(/^ws(s?):/, 'http$1:');
const toWs = (url: string) => url.replace(/^http(s?):/, 'ws$1:');

/** The call URLs of a GA engine (azure-openai `v1`, openai `ga`); throws for any other. */
export function buildCallsTarget(engine: EngineConfig, override: CallsOverride = {}): CallsTarget {
  if (engine.kind === 'offline') throw new Error('the offline engine takes no WebRTC calls');
  const upstream = buildUpstreamTarget(engine, override.sidebandUrl);
  if (upstream.dialect !== 'ga') throw new Error(`engine kind ${engine.kind} (${upstream.dialect}) takes no WebRTC calls`);
  const realtime = override.sidebandUrl ? withoutQuery(override.sidebandUrl) : withoutQuery(upstream.url);
  const calls = override.callsUrl ?? `${toHttp(realtime)}/calls`;
  // Azure: the browser's data channel then receives only what a client needs, not the instructions.
  const callsUrl = engine.kind === 'azure-openai' ? `${calls}${calls.includes('?') ? '&' : '?'}webrtcfilter=on` : calls;
  const callsBase = withoutQuery(calls);
  return {
    upstream,
    callsUrl,
    sidebandUrl: (callId) => `${toWs(realtime)}?call_id=${encodeURIComponent(callId)}`,
    hangupUrl: (callId) => `${callsBase}/${encodeURIComponent(callId)}/hangup`,
  };
}

/** The `session` part of the offer: the site's full `session.update` settings plus the model. */
export function callSessionConfig(site: SiteConfig, engine: EngineConfig, target: CallsTarget): Record<string, unknown> {
  const update = dialectFor('ga').buildSessionUpdate(site, engine) as { session: Record<string, unknown> };
  return { ...update.session, model: target.upstream.deployment };
}
