/** A local HTTP server on 127.0.0.1 that the site-tool tests call: it records requests and answers per route. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface ToolServer {
  origin: string;
  port: number;
  seen: SeenRequest[];
  /** Responses of the streaming route that the client closed before they finished. */
  abandoned: number;
  close(): Promise<void>;
}

type Route = (request: SeenRequest, response: ServerResponse, server: ToolServer) => void;

/** Starts a server whose answer is `route`; every request is recorded first. */
export async function startToolServer(route: Route): Promise<ToolServer> {
  const state: ToolServer = { origin: '', port: 0, seen: [], abandoned: 0, close: async () => {} };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      state.seen.push(seen);
      res.on('close', () => {
        if (!res.writableFinished) state.abandoned++;
      });
      route(seen, res, state);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.origin = `http://127.0.0.1:${state.port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** Writes `total` bytes of JSON-looking text in 64 KB chunks, honouring back-pressure. */
export function streamBytes(res: ServerResponse, total: number): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  const pump = () => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}
