/** `check` warnings about a site's `transport: webrtc`: the trust trade-off, and engines that cannot take a WebRTC call. */
import type { EngineConfig, GatewayConfig } from './schema.js';

export interface TransportWarning {
  path: PropertyKey[];
  message: string;
}

/** True when the engine speaks the GA unified calls endpoint (`POST …/realtime/calls`) and its sideband. */
export function engineTakesWebrtc(engine: EngineConfig): boolean {
  if (engine.kind === 'azure-openai') return engine.api_version === 'v1';
  if (engine.kind === 'openai') return engine.dialect === 'ga';
  return false;
}

export const WEBRTC_TRADE_OFF =
  'transport webrtc: audio goes straight from the browser to the service and the gateway keeps the key, tools and limits, ' +
  'but the browser\'s data channel is a full Realtime peer: it sees the call\'s events (on OpenAI also the instructions and tool list) ' +
  'and can send session.update or response.create; the gateway detects that and hangs up, it cannot prevent it (docs/PRIVACY.md, "Transports")';

/** Warnings for every site with `transport: webrtc`. */
export function transportWarnings(config: GatewayConfig): TransportWarning[] {
  const warnings: TransportWarning[] = [];
  for (const [id, site] of Object.entries(config.sites)) {
    if (site.transport !== 'webrtc') continue;
    warnings.push({ path: ['sites', id, 'transport'], message: WEBRTC_TRADE_OFF });
    const engine = config.engines[site.engine];
    if (engine && !engineTakesWebrtc(engine)) {
      warnings.push({
        path: ['sites', id, 'transport'],
        message: `engine "${site.engine}" (${engine.kind}) has no GA WebRTC calls endpoint: this site's visitors use the websocket transport`,
      });
    }
  }
  return warnings;
}
