/**
 * How a session reaches the gateway: the socket (widget protocol v1), or a WebRTC call (a lazy
 * chunk) with the socket as its control channel and fallback (extension `webrtc`), and resuming
 * a socket that dropped (extension `resume`).
 */
import type { ReactiveControllerHost } from 'lit';
import type { ClientMessage, ReadyMessage } from '../../gateway/protocol.js';
import { ConnectionController, buildSocketUrl, type ConnectionHandlers } from '../connection.js';
import type { WebrtcCall } from '../webrtc/call.js';
import { VoiceRagTransportEvent, withWebrtc } from '../webrtc/transport.js';
import { ResumeBackoff } from './retry.js';

/** How long reconnect attempts go on after a drop; the gateway's grace time decides whether one is still welcome. */
const RESUME_WINDOW_MS = 20_000;

// The origin this script was served from is the gateway unless the `gateway` attribute says otherwise.
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

/** What the transport reads from its element. */
export interface TransportHost extends ReactiveControllerHost, EventTarget {
  readonly site: string;
  readonly gateway: string;
}

/** The socket, the call, and the resume token of the current session. */
export class SessionTransport {
  readonly #host: TransportHost;
  readonly #connection: ConnectionController;
  /** The socket URL without `transport=webrtc`: what a failed call falls back to and a resume reopens. */
  #socketUrl = '';
  #call: WebrtcCall | undefined;
  /** Set when `webrtc_call` arrives, before the call's chunk has loaded: audio no longer goes on the socket. */
  #onCall = false;
  /** The last `ready`'s resume token. */
  #resumeToken: string | undefined;
  readonly #resume = new ResumeBackoff();
  /** Bumped by every close, so a call that loads or fails late does nothing. */
  #generation = 0;

  constructor(host: TransportHost, handlers: ConnectionHandlers) {
    this.#host = host;
    this.#connection = new ConnectionController(host, handlers);
  }

  /** Whether the socket to the gateway is open. */
  get open(): boolean {
    return this.#connection.open;
  }

  /** Whether the session's audio goes over a WebRTC call (or is about to). */
  get onCall(): boolean {
    return this.#onCall;
  }

  /** Whether reconnect attempts after a drop are going on. */
  get resuming(): boolean {
    return this.#resume.active;
  }

  send(message: ClientMessage): boolean {
    return this.#connection.send(message);
  }

  /** A mic frame on the socket; on a call the microphone travels on the call instead. */
  sendAudio(pcm: ArrayBuffer): void {
    if (!this.#onCall) this.#connection.sendAudio(pcm);
  }

  /** Opens the socket, asking for WebRTC unless the visitor only types. Throws on a malformed `gateway`. */
  connect(token: string | undefined, typedOnly: boolean): void {
    const host = this.#host;
    // A typed-only session asks for text answers; the first mic frame makes them spoken.
    this.#socketUrl = buildSocketUrl(host.gateway || SCRIPT_ORIGIN, host.site, token, typedOnly ? 'text' : undefined);
    this.#connection.connect(typedOnly ? this.#socketUrl : withWebrtc(this.#socketUrl));
  }

  /** `ready` arrived: keeps its resume token; true when it ended a resume in progress. */
  ready(message: ReadyMessage): boolean {
    this.#resumeToken = message.extensions?.includes('resume') ? message.resume_token : undefined;
    const resumed = this.#resume.active;
    this.#resume.cancel();
    return resumed;
  }

  /**
   * After a drop: reconnects with the resume token, with backoff. `begin` runs at the first attempt;
   * false when the session cannot be resumed (`giveUp` runs when attempts were going on).
   */
  resume(ready: boolean, begin: () => void, giveUp: () => void): boolean {
    const token = this.#resumeToken;
    if (!token || (!ready && !this.#resume.active)) return false;
    if (!this.#resume.active) {
      this.#resume.begin(RESUME_WINDOW_MS);
      begin();
    }
    const url = new URL(this.#socketUrl);
    url.searchParams.set('resume', token);
    if (this.#resume.next(() => this.#connection.connect(url.href))) return true;
    giveUp();
    return false;
  }

  /** Places the WebRTC call (a lazy chunk); if it cannot connect, `fallback` runs and the socket reopens. */
  startCall(ticket: string, context: AudioContext, onLevel: (level: number) => void, fallback: () => void): void {
    const generation = this.#generation;
    const host = this.#host;
    this.#onCall = true;
    const onFailed = (reason: string) => {
      if (generation !== this.#generation) return;
      this.#call = undefined;
      this.#onCall = false;
      fallback();
      host.dispatchEvent(new VoiceRagTransportEvent(reason));
      this.#connection.connect(this.#socketUrl);
    };
    import('../webrtc/call.js').then(
      ({ WebrtcCall }) => {
        if (generation !== this.#generation) return;
        this.#call = new WebrtcCall({ gateway: host.gateway || SCRIPT_ORIGIN, site: host.site, ticket, context, onLevel, onFailed });
        void this.#call.start();
      },
      () => onFailed('the WebRTC module could not be loaded'),
    );
  }

  /** Closes the socket and the call, and forgets the resume token. */
  close(): void {
    this.#generation++;
    this.#resume.cancel();
    this.#resumeToken = undefined;
    this.#connection.close();
    this.#call?.close();
    this.#call = undefined;
    this.#onCall = false;
  }
}
