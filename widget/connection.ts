/**
 * Connection controller: the widget-protocol v1 client (PROTOCOL.md). JSON text frames for
 * messages, binary frames for 24 kHz PCM16 audio. Ignores events from a replaced socket.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ClientMessage, ServerMessage } from '../gateway/protocol.js';

/** Above this many queued bytes, mic frames are dropped rather than piling up (about 1 s of audio). */
const MAX_BUFFERED_BYTES = 48_000;

/** What the connection reports to its owner. */
export interface ConnectionHandlers {
  onMessage(message: ServerMessage): void;
  onAudio(pcm: ArrayBuffer): void;
  /** The socket closed without `close()` being called (lost, refused, or closed by the gateway). */
  onClose(code: number, reason: string): void;
}

/** Builds `ws(s)://GATEWAY/v1/realtime?site=…[&token=…]&page_tools=1` from an http(s) or ws(s) gateway URL. */
export function buildSocketUrl(gateway: string, site: string, token?: string): string {
  const base = new URL(gateway, globalThis.location?.href);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const url = new URL('v1/realtime', base);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.search = '';
  url.searchParams.set('site', site);
  if (token) url.searchParams.set('token', token);
  // This widget runs page tools (extension page_tools): the gateway may offer them to the model.
  url.searchParams.set('page_tools', '1');
  return url.href;
}

/** Owns at most one WebSocket; closes it on disconnect. */
export class ConnectionController implements ReactiveController {
  #socket: WebSocket | undefined;
  readonly #handlers: ConnectionHandlers;

  constructor(host: ReactiveControllerHost, handlers: ConnectionHandlers) {
    this.#handlers = handlers;
    host.addController(this);
  }

  /** Whether a socket is open. */
  get open(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  /** Opens a socket to `url`, replacing any previous one. */
  connect(url: string): void {
    this.close();
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    socket.onmessage = (event: MessageEvent<string | ArrayBuffer>) => {
      if (this.#socket !== socket) return;
      if (typeof event.data !== 'string') {
        this.#handlers.onAudio(event.data);
        return;
      }
      const message = parseServerMessage(event.data);
      if (message) this.#handlers.onMessage(message);
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#handlers.onClose(event.code, event.reason);
    };
  }

  /** Sends one JSON message; returns false when no socket is open. */
  send(message: ClientMessage): boolean {
    if (!this.open) return false;
    this.#socket!.send(JSON.stringify(message));
    return true;
  }

  /** Sends one binary audio frame unless the socket is closed or backed up. */
  sendAudio(pcm: ArrayBuffer): boolean {
    if (!this.open || this.#socket!.bufferedAmount > MAX_BUFFERED_BYTES) return false;
    this.#socket!.send(pcm);
    return true;
  }

  /** Closes the socket on purpose; no `onClose` follows. */
  close(code = 1000): void {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(code);
  }

  hostDisconnected(): void {
    this.close();
  }
}

/** Parses a gateway text frame; anything that is not a JSON object with a string `type` is dropped. */
export function parseServerMessage(frame: string): ServerMessage | undefined {
  try {
    const value: unknown = JSON.parse(frame);
    if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
      return value as ServerMessage;
    }
  } catch {
    // Malformed frames are ignored: the gateway reports real problems with an `error` message.
  }
  return undefined;
}
