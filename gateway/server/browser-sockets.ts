/**
 * Browser WebSockets on `ws` directly: the upgrade of `GET /v1/realtime` is checked and accepted
 * here (Hono keeps the HTTP routes), frames reach the session without a per-frame event object
 * or copy, and writes are corked for the rest of the event-loop turn, so frames that are ready
 * together leave in one system call and none waits for a later one.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import type { WidgetEndpoint } from './app.js';
import type { BrowserSocket } from '../session/types.js';

/** The only path that upgrades. */
export const REALTIME_PATH = '/v1/realtime';

const ignore = () => {};

function refuse(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed) return;
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

const firstHeader = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * The session's view of one browser socket. The first write of a turn corks the TCP socket and
 * a microtask-free `nextTick` uncorks it once the current callback (one upstream read, one
 * timer) has run: everything it sent goes out together, nothing waits for a later turn.
 */
export function corkedBrowserSocket(ws: WebSocket, tcp: Duplex): BrowserSocket {
  let corked = false;
  const uncork = () => {
    corked = false;
    tcp.uncork();
  };
  const corkForThisTurn = () => {
    if (corked) return;
    corked = true;
    tcp.cork();
    process.nextTick(uncork);
  };
  return {
    sendText(text) {
      corkForThisTurn();
      ws.send(text);
    },
    sendBinary(data) {
      corkForThisTurn();
      ws.send(data, { binary: true });
    },
    close: (code, reason) => ws.close(code, reason),
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
  };
}

/** Takes every upgrade request of `server`: the widget endpoint's precheck, then `ws`. */
export function acceptBrowserSockets(server: Server, wss: WebSocketServer, endpoint: WidgetEndpoint): void {
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', ignore);
    const url = new URL(request.url ?? '/', 'http://gateway.invalid');
    if (url.pathname !== REALTIME_PATH) return refuse(socket, 404, 'not found');
    if (request.headers.upgrade?.toLowerCase() !== 'websocket') return refuse(socket, 400, 'this endpoint speaks WebSocket only');
    const verdict = endpoint.precheck({
      url,
      origin: request.headers.origin,
      remoteAddress: request.socket.remoteAddress,
      forwardedFor: firstHeader(request.headers['x-forwarded-for']),
    });
    if ('status' in verdict) return refuse(socket, verdict.status, verdict.message);
    wss.handleUpgrade(request, socket, head, (ws) => {
      const handlers = verdict.open(corkedBrowserSocket(ws, socket));
      // ws hands over Buffers (binaryType nodebuffer): a Uint8Array already, no copy needed.
      ws.on('message', (data: RawData, isBinary: boolean) => {
        if (isBinary) handlers.onBinary(data as Buffer);
        else handlers.onText(data.toString());
      });
      // A frame ws refused (over the size ceiling, malformed) ends the socket without the browser's
      // close frame, so it reads as 1006; it is a broken client, not a lost network: no resume.
      let refusedFrame = false;
      ws.on('close', (code: number) => handlers.onClose(refusedFrame && code === 1006 ? 1002 : code));
      // 'close' follows every 'error'; the session reacts there.
      ws.on('error', () => {
        refusedFrame = true;
      });
    });
  });
}
