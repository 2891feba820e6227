/**
 * The widget's side of a WebRTC call (protocol extension `webrtc`): the microphone on an
 * `RTCPeerConnection` (echo cancellation, noise suppression, auto gain), the offer posted to the
 * gateway with its one-time ticket, and the remote track played and measured for the waveform.
 * The service speaks through the track; everything else arrives on the gateway's control socket.
 */

/** How long the peer connection may take to connect after the answer before the widget falls back to the socket. */
export const CONNECT_TIMEOUT_MS = 5000;
/** Non-trickle offer: wait this long at most for the host candidates. */
const GATHER_TIMEOUT_MS = 1500;
const LEVEL_INTERVAL_MS = 50;

export interface CallOptions {
  /** The gateway's http(s) origin and path base. */
  gateway: string;
  site: string;
  ticket: string;
  context: AudioContext;
  /** Level (0–1) of the remote audio, every 50 ms. */
  onLevel(level: number): void;
  /** The call could not connect or was lost; the session falls back to the socket transport. */
  onFailed(reason: string): void;
}

/** The offer URL on the gateway: `…/v1/realtime/calls?site=…&ticket=…`. */
export function offerUrl(gateway: string, site: string, ticket: string): string {
  const base = new URL(gateway, globalThis.location?.href);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const url = new URL('v1/realtime/calls', base);
  url.protocol = url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
  url.search = new URLSearchParams({ site, ticket }).toString();
  return url.href;
}

function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      if (pc.iceGatheringState !== 'complete') return;
      pc.removeEventListener('icegatheringstatechange', done);
      resolve();
    };
    pc.addEventListener('icegatheringstatechange', done);
    setTimeout(resolve, GATHER_TIMEOUT_MS);
  });
}

/** One call; `close()` releases the microphone, the peer connection and the player. */
export class WebrtcCall {
  readonly #options: CallOptions;
  #pc: RTCPeerConnection | undefined;
  #mic: MediaStream | undefined;
  #player: HTMLAudioElement | undefined;
  #levelTimer: ReturnType<typeof setInterval> | undefined;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(options: CallOptions) {
    this.#options = options;
  }

  /** The peer connection (tests read its stats). */
  get peer(): RTCPeerConnection | undefined {
    return this.#pc;
  }

  /** Opens the call; failures are reported through `onFailed`, never thrown. */
  async start(): Promise<void> {
    try {
      const mic = (this.#mic = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      }));
      if (this.#closed) return this.close();
      // No ICE servers: the service answers with public host candidates; no STUN or TURN traffic.
      const pc = (this.#pc = new RTCPeerConnection({ iceServers: [] }));
      for (const track of mic.getAudioTracks()) pc.addTrack(track, mic);
      pc.createDataChannel('oai-events');
      pc.ontrack = (event) => this.#play(event.streams[0] ?? new MediaStream([event.track]));
      pc.onconnectionstatechange = () => {
        if (pc.connectionState === 'connected' && this.#connectTimer !== undefined) clearTimeout(this.#connectTimer);
        if (pc.connectionState === 'failed') this.#fail('the WebRTC connection failed');
      };
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      const response = await fetch(offerUrl(this.#options.gateway, this.#options.site, this.#options.ticket), {
        method: 'POST',
        headers: { 'content-type': 'application/sdp' },
        body: pc.localDescription!.sdp,
      });
      if (response.status !== 201) return this.#fail(`the gateway refused the offer (${response.status})`);
      const answer = await response.text();
      if (this.#closed) return;
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
      this.#connectTimer = setTimeout(() => {
        if (pc.connectionState !== 'connected') this.#fail('the WebRTC connection did not connect in time');
      }, CONNECT_TIMEOUT_MS);
    } catch (error) {
      this.#fail(error instanceof Error ? error.message : String(error));
    }
  }

  /** Plays the service's track and measures it for the waveform. */
  #play(stream: MediaStream): void {
    const context = this.#options.context;
    // Chromium only feeds a remote track to Web Audio while a media element plays it.
    const player = (this.#player = new Audio());
    player.muted = true;
    player.srcObject = stream;
    void player.play().catch(() => undefined);
    const source = context.createMediaStreamSource(stream);
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    analyser.connect(context.destination);
    const samples = new Float32Array(analyser.fftSize);
    this.#levelTimer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      this.#options.onLevel(Math.min(1, Math.sqrt(sum / samples.length) * 4));
    }, LEVEL_INTERVAL_MS);
  }

  #fail(reason: string): void {
    if (this.#closed) return;
    this.close();
    this.#options.onFailed(reason);
  }

  close(): void {
    this.#closed = true;
    if (this.#connectTimer !== undefined) clearTimeout(this.#connectTimer);
    if (this.#levelTimer !== undefined) clearInterval(this.#levelTimer);
    for (const track of this.#mic?.getTracks() ?? []) track.stop();
    this.#pc?.close();
    if (this.#player) this.#player.srcObject = null;
    this.#pc = this.#player = this.#mic = undefined;
  }
}
