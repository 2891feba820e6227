/** Node adapter: the offline engine's WebSocket listener (node:http + ws) for JSON text frames. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData } from 'ws';

/** The outgoing side of one accepted socket. */
export interface TextSocket {
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

/** The incoming side, returned by `accept`. */
export interface TextSocketHandler {
  receive(data: string | Uint8Array, isBinary: boolean): void;
  close(): void;
}

/** Where to listen and what to do with each accepted socket. */
export interface WsListenOptions {
  host: string;
  port: number;
  /** Only upgrades to this path are accepted; others get 404. */
  path: string;
  maxPayloadBytes?: number;
  accept(socket: TextSocket, url: URL): TextSocketHandler | Promise<TextSocketHandler>;
}

/** A listening WebSocket server. */
export interface WsListener {
  port: number;
  close(): Promise<void>;
}

/** A plain WebSocket server on node:http + ws, for engines that speak JSON text frames. */
export function listenWebSocket(options: WsListenOptions): Promise<WsListener> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 32 * 1024 * 1024 });
  const server = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket upgrade required\n');
  });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
    if (url.pathname !== options.path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const outgoing: TextSocket = {
        send: (text) => {
          if (ws.readyState === ws.OPEN) ws.send(text);
        },
        close: (code, reason) => ws.close(code, reason),
      };
      // Frames that arrive while the session is still being set up wait for it, in order.
      let ready: Promise<TextSocketHandler | undefined> = Promise.resolve(options.accept(outgoing, url)).catch(() => {
        ws.close(1011, 'engine failed to start');
        return undefined;
      });
      ws.on('message', (data: RawData, isBinary: boolean) => {
        const payload = isBinary ? toBytes(data) : toBytes(data).toString('utf8');
        ready = ready.then((handler) => {
          // A throw would reject the chain: every later frame lost, and an unhandled rejection.
          try {
            handler?.receive(payload, isBinary);
          } catch {
            ws.close(1011, 'engine failed to handle a frame');
          }
          return handler;
        });
      });
      ws.on('close', () => {
        void ready.then((handler) => handler?.close()).catch(() => undefined);
      });
      ws.on('error', () => ws.terminate());
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const client of wss.clients) client.terminate();
            wss.close();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function toBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
