/**
 * The upstream socket as a plain interface, so the Realtime client never imports `ws`.
 * The Node implementation lives in gateway/node/ws-upstream.ts.
 */

/** One open upstream WebSocket carrying JSON text frames. */
export interface UpstreamSocket {
  send(text: string): void;
  /** Bytes queued by `send` and not yet written to the network. */
  readonly bufferedAmount: number;
  /** Closes the socket; safe to call more than once. */
  close(code?: number, reason?: string): void;
  /** Sets the message listener, replacing any earlier one. */
  onMessage(listener: (text: string) => void): void;
  /** Sets the close listener, replacing any earlier one; called once. */
  onClose(listener: (code: number, reason: string) => void): void;
}

export interface ConnectRequest {
  url: string;
  headers: Record<string, string>;
  /** Aborting destroys a handshake in flight; the promise rejects. */
  signal: AbortSignal;
}

/** Opens upstream sockets. Resolves once the handshake succeeded (HTTP 101). */
export interface SocketFactory {
  connect(request: ConnectRequest): Promise<UpstreamSocket>;
}

/** The upstream answered the upgrade with an HTTP status instead of 101. */
export class HandshakeRejectedError extends Error {
  readonly status: number;
  /** Response headers, lower-case names. */
  readonly headers: Record<string, string>;
  /** The first few KiB of the response body. */
  readonly body: string;

  constructor(status: number, headers: Record<string, string>, body: string) {
    super(`upstream refused the WebSocket handshake with HTTP ${status}`);
    this.name = 'HandshakeRejectedError';
    this.status = status;
    this.headers = headers;
    this.body = body;
  }
}
