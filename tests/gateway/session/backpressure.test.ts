import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../gateway/config/schema.js';
import type { RealtimeConnection, UpstreamEvent } from '../../../gateway/realtime/client.js';
import { gaDialect } from '../../../gateway/realtime/dialect.js';
import { buildUpstreamTarget } from '../../../gateway/realtime/upstream-url.js';
import { createVisitorSession } from '../../../gateway/session/visitor-session.js';
import type { BrowserSocket } from '../../../gateway/session/types.js';
import { createUnlimitedAdmission } from '../../../gateway/server/unlimited-admission.js';
import { testConfig } from '../../support/gateway-harness.js';
import { FakeClock } from '../../support/fake-clock.js';
import { createMemoryRetriever, NORTHWIND_PASSAGES } from '../../support/memory-retriever.js';
import { createRecordingLogger } from '../../support/recording-logger.js';

function fakeUpstream(engine: Parameters<typeof buildUpstreamTarget>[0]) {
  let listener: ((event: UpstreamEvent) => void) | undefined;
  const sent: Array<Record<string, unknown>> = [];
  const connection: RealtimeConnection = {
    dialect: gaDialect,
    target: buildUpstreamTarget(engine, 'ws://fake/'),
    session: { model: 'gpt-realtime' },
    send(event) {
      sent.push(event);
      if (event.type === 'session.update') queueMicrotask(() => listener?.({ type: 'session.updated', event: { type: 'session.updated' } }));
      return `evt_${sent.length}`;
    },
    appendAudio: () => {},
    bufferedAmount: 0,
    onEvent(l) {
      listener = l;
    },
    onClose: () => {},
    close: () => {},
  };
  return { connection, sent, emit: (type: string, event: Record<string, unknown>) => listener?.({ type, event: { type, ...event } }) };
}

describe('outgoing audio', () => {
  it('ends the session with bad_message when the browser does not read its audio', async () => {
    const config = testConfig({ server: { max_buffered_kb: 64 } });
    const engine = config.engines.aoai!;
    const upstream = fakeUpstream(engine);
    const frames: string[] = [];
    let closedWith: number | undefined;
    const browser: BrowserSocket & { bufferedAmount: number } = {
      bufferedAmount: 0,
      sendText: (text) => frames.push(text),
      sendBinary: () => {},
      close: (code) => (closedWith = code),
    };
    const session = createVisitorSession(
      {
        sessionId: 'vr_test',
        siteId: 'docs',
        site: config.sites.docs!,
        engineId: 'aoai',
        engine,
        server: config.server,
        admission: createUnlimitedAdmission(),
        retriever: createMemoryRetriever(NORTHWIND_PASSAGES),
        connect: async () => upstream.connection,
        clock: new FakeClock(),
        logger: createRecordingLogger(),
      },
      browser,
    );
    await session.start();
    expect(session.state).toBe('ready');
    const delta = { response_id: 'resp_1', item_id: 'item_1', delta: Buffer.alloc(4800).toString('base64') };
    upstream.emit('response.output_audio.delta', delta);
    expect(closedWith).toBeUndefined();
    browser.bufferedAmount = 64 * 1024 + 1;
    upstream.emit('response.output_audio.delta', delta);
    expect(session.state).toBe('ended');
    expect(closedWith).toBe(4400);
    expect(JSON.parse(frames.at(-1)!)).toEqual({ type: 'error', code: 'bad_message', message: 'the browser is not reading fast enough', fatal: true });
  });
});
