/**
 * The wiring of a `transport=webrtc` socket: which sessions become WebRTC calls, and the session
 * parts that differ from the socket path (connect = the call and its sideband; activity = the
 * visitor's speech as the service reports it, since their audio no longer passes the gateway).
 */
import type { Clock } from '../clock.js';
import type { EngineConfig, SiteConfig } from '../config/schema.js';
import { engineTakesWebrtc } from '../config/transport-warnings.js';
import type { GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { UpstreamEvent } from '../realtime/client.js';
import type { SocketFactory } from '../realtime/socket.js';
import type { TokenCache } from '../realtime/token-cache.js';
import type { SessionContext } from '../session/session-context.js';
import type { BrowserSocket } from '../session/types.js';
import type { FetchPort } from '../tools/types.js';
import { webrtcConnector, type WebrtcObserver } from '../webrtc/call.js';
import type { CallsOverride } from '../webrtc/calls-target.js';
import type { OfferDesk } from '../webrtc/offer-desk.js';

export interface WebrtcEndpointDeps {
  desk: OfferDesk;
  fetch: FetchPort;
  /** Per engine id: replaces the service's calls URL (tests). */
  callsUrls?: Record<string, string>;
  observer?: WebrtcObserver;
}

/** The widget asked for WebRTC, the site uses it and its engine can take a call. */
export function wantsWebrtc(url: URL, site: SiteConfig, engine: EngineConfig): boolean {
  return url.searchParams.get('transport') === 'webrtc' && site.transport === 'webrtc' && engineTakesWebrtc(engine);
}

const ACTIVITY = new Set([
  'input_audio_buffer.speech_started',
  'input_audio_buffer.speech_stopped',
  'conversation.item.input_audio_transcription.delta',
  'conversation.item.input_audio_transcription.completed',
  'response.created',
  'response.done',
]);
const isActivity = (event: UpstreamEvent) => ACTIVITY.has(event.type);

/** The session context fields of a WebRTC call. */
export function webrtcSessionParts(
  rtc: WebrtcEndpointDeps,
  args: {
    siteId: string;
    site: SiteConfig;
    engineId: string;
    engine: EngineConfig;
    socket: BrowserSocket;
    sidebandUrl?: string;
    socketFactory: SocketFactory;
    tokens: TokenCache;
    clock: Clock;
    logger: Logger;
    onThrottled(engineId: string, retryAfterMs: number): void;
    end(error: GatewayError): void;
  },
): Pick<SessionContext, 'connect' | 'upstreamActivity' | 'textOnly' | 'transport' | 'site'> {
  const override: CallsOverride = { sidebandUrl: args.sidebandUrl, callsUrl: rtc.callsUrls?.[args.engineId] };
  const connect = webrtcConnector({
    ...args,
    desk: rtc.desk,
    fetch: rtc.fetch,
    override,
    observer: rtc.observer,
    sendToBrowser: (message) => args.socket.sendText(JSON.stringify(message)),
    endForViolation: args.end,
  });
  // A call is one upstream session: it is never swapped for another (renewal) nor resumed on a new socket.
  const site: SiteConfig = { ...args.site, continuity: { ...args.site.continuity, renew: false, resume_grace_seconds: 0 } };
  return { connect, upstreamActivity: isActivity, textOnly: false, transport: 'webrtc', site };
}
