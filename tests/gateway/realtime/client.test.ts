import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../gateway/config/schema.js';
import { GatewayError } from '../../../gateway/errors.js';
import { connectUpstream, type UpstreamEvent } from '../../../gateway/realtime/client.js';
import { silentLogger } from '../../../gateway/logger.js';
import type { SocketFactory, UpstreamSocket } from '../../../gateway/realtime/socket.js';
import { FakeClock } from '../../support/fake-clock.js';

const engine = configSchema.parse({
  engines: { aoai: { kind: 'azure-openai', endpoint: 'https://res.openai.azure.com', deployment: 'gpt-realtime', connect_timeout_ms: 5000 } },
  sites: { s: { origins: ['https://a.example'], engine: 'aoai', retrieval: { kind: 'local', sources: ['x'] } } },
}).engines.aoai!;

/** A socket that delivers `frames` in one go as soon as a listener is set, like one TCP read. */
function burstFactory(frames: string[]): SocketFactory {
  const socket: UpstreamSocket = {
    bufferedAmount: 0,
    send() {},
    close() {},
    onMessage(listener) {
      for (const frame of frames.splice(0)) listener(frame);
    },
    onClose() {},
  };
  return { connect: () => Promise.resolve(socket) };
}

describe('connectUpstream', () => {
  it('gives up at connect_timeout_ms while the Entra ID credential hangs', async () => {
    const clock = new FakeClock();
    const connecting = connectUpstream({
      engineId: 'aoai',
      engine,
      socketFactory: burstFactory([]),
      tokens: { get: () => new Promise<string>(() => {}) },
      clock,
      logger: silentLogger,
    }).catch((error: unknown) => error);
    await Promise.resolve();
    clock.advance(5000);
    const error = await connecting;
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'upstream_unavailable', message: 'the voice service did not answer in time' });
  });

  it('keeps the events that arrive in the same read as session.created', async () => {
    const connection = await connectUpstream({
      engineId: 'aoai',
      engine,
      socketFactory: burstFactory([
        JSON.stringify({ type: 'session.created', session: { model: 'gpt-realtime' } }),
        JSON.stringify({ type: 'conversation.created', conversation: { id: 'conv_1' } }),
        JSON.stringify({ type: 'response.audio.delta', delta: 'AAAA' }),
      ]),
      tokens: { get: () => Promise.resolve('token') },
      clock: new FakeClock(),
      logger: silentLogger,
    });
    const seen: UpstreamEvent[] = [];
    connection.onEvent((event) => seen.push(event));
    expect(connection.session).toEqual({ model: 'gpt-realtime' });
    expect(seen.map((event) => event.type)).toEqual(['conversation.created', 'response.output_audio.delta']);
  });
});
