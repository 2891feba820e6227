import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { listenWebSocket } from '../../../../gateway/node/offline/ws-server.js';
import type { WsListener } from '../../../../gateway/node/offline/ws-server.js';

let listener: WsListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

function closeOf(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

describe('listenWebSocket', () => {
  it('closes with 1011 and still closes the handler when receive throws', async () => {
    let closed = 0;
    let handlerClosed!: () => void;
    const closing = new Promise<void>((resolve) => (handlerClosed = resolve));
    listener = await listenWebSocket({
      host: '127.0.0.1',
      port: 0,
      path: '/v1/realtime',
      accept: () => ({
        receive: () => {
          throw new Error('boom');
        },
        close: () => {
          closed++;
          handlerClosed();
          throw new Error('boom again');
        },
      }),
    });
    const ws = new WebSocket(`ws://127.0.0.1:${listener.port}/v1/realtime`);
    await new Promise((resolve) => ws.once('open', resolve));
    const code = closeOf(ws);
    ws.send('{"type":"x"}');
    expect(await code).toBe(1011);
    await closing;
    expect(closed).toBe(1);
  });

  it('delivers frames sent before the session is ready, in order', async () => {
    const received: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    listener = await listenWebSocket({
      host: '127.0.0.1',
      port: 0,
      path: '/v1/realtime',
      accept: async (socket) => {
        await gate;
        return {
          receive: (data) => {
            received.push(String(data));
            if (received.length === 2) socket.close(1000);
          },
          close: () => {},
        };
      },
    });
    const ws = new WebSocket(`ws://127.0.0.1:${listener.port}/v1/realtime`);
    await new Promise((resolve) => ws.once('open', resolve));
    const code = closeOf(ws);
    ws.send('a');
    ws.send('b');
    setTimeout(release, 20);
    expect(await code).toBe(1000);
    expect(received).toEqual(['a', 'b']);
  });
});
