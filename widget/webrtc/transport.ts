/** Asking for the WebRTC transport (extension `webrtc`) without loading the call itself, which is a lazy chunk. */

/** Whether this browser can place a WebRTC call. */
export const webrtcAvailable = (): boolean => typeof globalThis.RTCPeerConnection === 'function';

/** Adds `transport=webrtc` to the socket URL when the browser can place the call. */
export function withWebrtc(socketUrl: string): string {
  if (!webrtcAvailable()) return socketUrl;
  const url = new URL(socketUrl);
  url.searchParams.set('transport', 'webrtc');
  return url.href;
}

/** `voice-rag-transport`: the session fell back from WebRTC to the WebSocket transport. */
export class VoiceRagTransportEvent extends Event {
  readonly transport: 'websocket';
  readonly reason: string;
  constructor(reason: string) {
    super('voice-rag-transport', { bubbles: true, composed: true });
    this.transport = 'websocket';
    this.reason = reason;
  }
}
