/**
 * The `ws` implementation of the upstream SocketFactory. Reads the status, headers and the
 * start of the body of a refused handshake ('unexpected-response'), so a 429's retry
 * headers and a 400's error code reach the log.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { HandshakeRejectedError, type ConnectRequest, type SocketFactory, type UpstreamSocket } from '../realtime/socket.js';

/** Upstream frames larger than this are refused by ws (audio deltas are far smaller). */
const MAX_UPSTREAM_FRAME = 16 * 1024 * 1024;
const MAX_ERROR_BODY = 4096;

function headersOf(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    const done = () => resolve(body);
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      if (body.length < MAX_ERROR_BODY) body += chunk.slice(0, MAX_ERROR_BODY - body.length);
    });
    response.on('end', done);
    response.on('error', done);
    response.on('close', done);
  });
}

function wrap(ws: WebSocket): UpstreamSocket {
  // session.created often arrives in the same packet as the 101: hold frames until a listener is set.
  const held: string[] = [];
  let onMessage: ((text: string) => void) | undefined;
  let onClose: ((code: number, reason: string) => void) | undefined;
  let closedWith: [number, string] | undefined;
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const text = data.toString();
    if (onMessage) onMessage(text);
    else held.push(text);
  });
  ws.on('close', (code, reason) => {
    if (closedWith) return;
    closedWith = [code, reason.toString()];
    onClose?.(...closedWith);
  });
  ws.on('error', () => {
    // 'close' follows every 'error'; the session reacts there.
  });
  return {
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send(text) {
      // As a Buffer, ws masks it into the frame's own buffer: one write per frame instead of a
      // header-plus-payload writev through the stream's cork path.
      if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.from(text), { binary: false });
    },
    close(code = 1000, reason = '') {
      if (ws.readyState === WebSocket.OPEN) ws.close(code, reason);
      else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      // A peer that never answers the close frame must not keep the socket alive.
      setTimeout(() => ws.terminate(), 2000).unref();
    },
    onMessage(listener) {
      onMessage = listener;
      for (const text of held.splice(0)) listener(text);
    },
    onClose(listener) {
      onClose = listener;
      if (closedWith) listener(...closedWith);
    },
  };
}

/** Creates a SocketFactory that opens upstream sockets with `ws`. */
export function createWsSocketFactory(): SocketFactory {
  return {
    connect({ url, headers, signal }: ConnectRequest) {
      return new Promise<UpstreamSocket>((resolve, reject) => {
        if (signal.aborted) {
          reject(new Error('connect aborted'));
          return;
        }
        const ws = new WebSocket(url, { headers, maxPayload: MAX_UPSTREAM_FRAME, perMessageDeflate: false });
        let settled = false;
        const settle = (action: () => void) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          action();
        };
        const onAbort = () => {
          ws.terminate();
          settle(() => reject(new Error('connect aborted')));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        ws.once('open', () => settle(() => resolve(wrap(ws))));
        ws.once('unexpected-response', (_request, response) => {
          void readBody(response).then((body) => {
            ws.terminate();
            settle(() => reject(new HandshakeRejectedError(response.statusCode ?? 0, headersOf(response), body)));
          });
        });
        ws.on('error', (error) => settle(() => reject(error)));
      });
    },
  };
}
