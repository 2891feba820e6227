import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { BrowserHandlers, WidgetEndpoint } from '../../../gateway/server/app.js';
import { acceptBrowserSockets, corkedBrowserSocket } from '../../../gateway/server/browser-sockets.js';
import type { BrowserSocket } from '../../../gateway/session/types.js';

describe('corked browser socket', () => {
  it('corks once per turn and uncorks before the next turn, in send order', async () => {
    const tcp = new PassThrough();
    const calls: string[] = [];
    tcp.cork = () => calls.push('cork');
    tcp.uncork = () => calls.push('uncork');
    const ws = { send: (data: unknown) => calls.push(`send ${typeof data === 'string' ? data : 'binary'}`), bufferedAmount: 0 } as unknown as WebSocket;
    const socket = corkedBrowserSocket(ws, tcp);
    socket.sendText('a');
    socket.sendBinary(new Uint8Array(2));
    socket.sendText('b');
    expect(calls).toEqual(['cork', 'send a', 'send binary', 'send b']);
    // Flushed at the end of this turn: nothing waits for a timer or a later frame.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(calls.at(-1)).toBe('uncork');
    socket.sendText('c');
    expect(calls.slice(-2)).toEqual(['cork', 'send c']);
  });
});

describe('browser upgrades on ws directly', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function start(endpoint: WidgetEndpoint): Promise<number> {
    server = createServer((_req, res) => res.end('http'));
    acceptBrowserSockets(server, new WebSocketServer({ noServer: true }), endpoint);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  const upgradeStatus = (port: number, path: string) =>
    new Promise<number>((resolve) => {
      const req = httpRequest({ port, host: '127.0.0.1', path, headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('upgrade', () => resolve(101));
      req.end();
    });

  it('refuses other paths with 404 and a precheck refusal with its status, without opening', async () => {
    let opened = 0;
    const port = await start({
      precheck: (request) =>
        request.url.searchParams.get('site') === 'docs'
          ? { open: () => (opened++, { onText() {}, onBinary() {}, onClose() {} }) }
          : { status: 403, message: 'origin not allowed for this site' },
    });
    expect(await upgradeStatus(port, '/elsewhere')).toBe(404);
    expect(await upgradeStatus(port, '/v1/realtime?site=shop')).toBe(403);
    expect(opened).toBe(0);
  });

  it('hands text as a string and binary as bytes to the session, and sends both back', async () => {
    const received: Array<string | Uint8Array> = [];
    let closed = false;
    let socket: BrowserSocket | undefined;
    const port = await start({
      precheck: (request) => ({
        open(browser): BrowserHandlers {
          socket = browser;
          expect(request.origin).toBe('https://docs.test');
          return { onText: (text) => received.push(text), onBinary: (bytes) => received.push(bytes), onClose: () => (closed = true) };
        },
      }),
    });
    const client = new WebSocket(`ws://127.0.0.1:${port}/v1/realtime?site=docs`, { headers: { Origin: 'https://docs.test' } });
    const echoes: Array<[string, boolean]> = [];
    client.on('message', (data, isBinary) => echoes.push([isBinary ? 'binary' : data.toString(), isBinary]));
    await new Promise((resolve) => client.once('open', resolve));
    client.send('{"type":"hello"}');
    client.send(Uint8Array.from([1, 2, 3]));
    await expect.poll(() => received.length).toBe(2);
    expect(received[0]).toBe('{"type":"hello"}');
    expect(received[1]).toBeInstanceOf(Uint8Array);
    expect([...(received[1] as Uint8Array)]).toEqual([1, 2, 3]);
    socket?.sendText('{"type":"ready"}');
    socket?.sendBinary(Uint8Array.from([9]));
    await expect.poll(() => echoes.length).toBe(2);
    expect(echoes).toEqual([['{"type":"ready"}', false], ['binary', true]]);
    client.close();
    await expect.poll(() => closed).toBe(true);
  });
});
