/**
 * Where and how to reach an engine's Realtime endpoint: URL, dialect and the static part of
 * the headers (realtime/PROTOCOL.md §1.1). Tokens from Entra ID are added per connect.
 */
import type { EngineConfig } from '../config/schema.js';
import { VOICE_LIVE_ENTRA_SCOPE } from '../config/voice-live-schema.js';
import type { DialectName } from './dialect.js';

/** How the upstream authenticates this gateway. */
export type UpstreamAuth =
  | { kind: 'api-key'; key: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'entra'; scope: string }
  | { kind: 'none' };

export interface UpstreamTarget {
  url: string;
  dialect: DialectName;
  /** Headers other than authentication (e.g. `OpenAI-Beta`). */
  headers: Record<string, string>;
  auth: UpstreamAuth;
  /** For actionable log lines: the deployment or model asked for, and the endpoint. */
  deployment: string;
  endpoint: string;
}

/** Entra ID scope used when `entra_scope` is not set. */
export const DEFAULT_ENTRA_SCOPE = 'https://cognitiveservices.azure.com/.default';

const PREVIEW_SUFFIX = '-preview';

function toWebSocketOrigin(endpoint: string): string {
  const url = new URL(endpoint);
  const scheme = url.protocol === 'http:' ? 'ws:' : 'wss:';
  return `${scheme}//${url.host}`;
}

function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

/**
 * Builds the upstream target of an engine. `overrideUrl` (the gateway's `upstreamUrls`
 * option) replaces the URL but keeps dialect and auth: tests point an Azure config at the
 * scripted upstream, serve() points offline engines at the local engine.
 */
export function buildUpstreamTarget(engine: EngineConfig, overrideUrl?: string): UpstreamTarget {
  switch (engine.kind) {
    case 'azure-openai': {
      const origin = toWebSocketOrigin(engine.endpoint);
      const version = engine.api_version;
      const preview = version.endsWith(PREVIEW_SUFFIX);
      let url: string;
      if (preview) {
        url = withQuery(`${origin}/openai/realtime`, { 'api-version': version, deployment: engine.deployment });
      } else if (version === 'v1') {
        url = withQuery(`${origin}/openai/v1/realtime`, { model: engine.deployment });
      } else {
        // A dated GA version is passed through as written; Azure answers 401 and the
        // handshake log line says to remove it (realtime/PROTOCOL.md §1.2).
        url = withQuery(`${origin}/openai/v1/realtime`, { model: engine.deployment, 'api-version': version });
      }
      const auth: UpstreamAuth = engine.api_key
        ? { kind: 'api-key', key: engine.api_key }
        : { kind: 'entra', scope: engine.entra_scope ?? DEFAULT_ENTRA_SCOPE };
      return {
        url: overrideUrl ?? url,
        dialect: preview ? 'beta' : 'ga',
        headers: {},
        auth,
        deployment: engine.deployment,
        endpoint: engine.endpoint,
      };
    }
    case 'openai': {
      const beta = engine.dialect === 'beta';
      return {
        url: overrideUrl ?? withQuery(engine.base_url, { model: engine.model }),
        dialect: beta ? 'beta' : 'ga',
        headers: beta ? { 'OpenAI-Beta': 'realtime=v1' } : {},
        auth: { kind: 'bearer', token: engine.api_key },
        deployment: engine.model,
        endpoint: engine.base_url,
      };
    }
    case 'azure-voice-live': {
      // The agent's query names are Voice Live's documented `agent_id` and `project_id`.
      const target: Record<string, string> = engine.model !== undefined ? { model: engine.model } : { agent_id: engine.agent_id!, project_id: engine.project_id! };
      const url = withQuery(`${toWebSocketOrigin(engine.endpoint)}/voice-live/realtime`, { 'api-version': engine.api_version, ...target });
      const auth: UpstreamAuth = engine.api_key
        ? { kind: 'api-key', key: engine.api_key }
        : { kind: 'entra', scope: engine.entra_scope ?? VOICE_LIVE_ENTRA_SCOPE };
      const deployment = engine.model ?? `agent ${engine.agent_id} (project ${engine.project_id})`;
      return { url: overrideUrl ?? url, dialect: 'voice-live', headers: {}, auth, deployment, endpoint: engine.endpoint };
    }
    case 'offline': {
      if (!overrideUrl) throw new Error('the offline engine has no URL yet: start it and pass its URL in upstreamUrls');
      return { url: overrideUrl, dialect: 'ga', headers: {}, auth: { kind: 'none' }, deployment: 'offline', endpoint: overrideUrl };
    }
  }
}
