import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../gateway/clock.js';
import { configSchema } from '../../../gateway/config/schema.js';
import { GatewayError } from '../../../gateway/errors.js';
import { connectUpstream } from '../../../gateway/realtime/client.js';
import { parseRetryAfter } from '../../../gateway/realtime/handshake-errors.js';
import { createWsSocketFactory } from '../../../gateway/node/ws-upstream.js';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import { createRecordingLogger } from '../../support/recording-logger.js';
import { ScriptedUpstream } from '../../support/scripted-upstream.js';

let harness: Harness | undefined;
let upstream: ScriptedUpstream | undefined;
afterEach(async () => {
  await harness?.close();
  await upstream?.close();
  harness = upstream = undefined;
});

const azure = (extra: Record<string, unknown> = {}) =>
  configSchema.parse({
    engines: { aoai: { kind: 'azure-openai', endpoint: 'https://res.openai.azure.com', deployment: 'gpt-realtime', api_key: 'k', ...extra } },
    sites: { s: { origins: ['https://a.example'], engine: 'aoai', retrieval: { kind: 'local', sources: ['x'] } } },
  }).engines.aoai!;

async function refusedWith(status: number, body: string, engine = azure()): Promise<{ error: unknown; logs: string[] }> {
  upstream = await ScriptedUpstream.start();
  upstream.refuseNext({ status, body });
  const logger = createRecordingLogger();
  const error = await connectUpstream({
    engineId: 'aoai',
    engine,
    overrideUrl: upstream.url + (engine.kind === 'azure-openai' && engine.api_version !== 'v1' ? `?api-version=${engine.api_version}` : ''),
    socketFactory: createWsSocketFactory(),
    clock: systemClock,
    logger,
  }).catch((e: unknown) => e);
  return { error, logs: logger.messages() };
}

describe('handshake', () => {
  it('turns a 429 into upstream_unavailable with retry_after_ms and backs the engine off', async () => {
    harness = await startHarness();
    harness.upstream.refuseNext({ status: 429, headers: { 'retry-after-ms': '6000' }, body: '{"error":{"code":"429","message":"Rate limit is exceeded."}}' });
    const widget = await harness.connect();
    const error = await widget.next('error');
    expect(error).toEqual({ type: 'error', code: 'upstream_unavailable', message: expect.any(String), retry_after_ms: 6000, fatal: true });
    expect((await widget.closed).code).toBe(4503);
    expect(harness.admission.throttled).toEqual([{ engineId: 'aoai', retryAfterMs: 6000 }]);
    expect(harness.admission.leases.active).toBe(0);
  });

  it('reads retry-after in seconds or as an HTTP date', () => {
    const now = Date.UTC(2026, 10, 24, 6, 0, 0);
    expect(parseRetryAfter({ 'retry-after-ms': '1500', 'retry-after': '9' }, now)).toBe(1500);
    expect(parseRetryAfter({ 'retry-after': '6' }, now)).toBe(6000);
    expect(parseRetryAfter({ 'retry-after': new Date(now + 8000).toUTCString() }, now)).toBe(8000);
    expect(parseRetryAfter({}, now)).toBeUndefined();
  });

  it('logs one actionable line for a 404', async () => {
    const { error, logs } = await refusedWith(404, '');
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('upstream_unavailable');
    expect(logs).toEqual(['deployment gpt-realtime not found at https://res.openai.azure.com']);
  });

  it('tells to remove api-version on a 401 from a GA URL that carries one', async () => {
    const { logs } = await refusedWith(401, '', azure({ api_version: '2025-08-28' }));
    expect(logs).toEqual(['upstream aoai refused the connection (401): remove api-version: the GA protocol refuses it']);
  });

  it('points at the key or the Entra role on a 401 or 403', async () => {
    const { logs } = await refusedWith(403, '');
    expect(logs).toEqual(['upstream aoai refused the connection (403): check api_key / Entra role assignment (Cognitive Services OpenAI User)']);
  });

  it("logs the upstream's error code and message on a 400", async () => {
    const { logs } = await refusedWith(400, '{"error":{"code":"OpperationNotSupported","message":"The realtime API is not supported by this model."}}');
    expect(logs).toEqual(['upstream aoai rejected the connection (400): OpperationNotSupported: The realtime API is not supported by this model.']);
  });
});

describe('offline engine', () => {
  const offline = configSchema.parse({
    engines: { local: { kind: 'offline' } },
    sites: { s: { origins: ['https://a.example'], engine: 'local', retrieval: { kind: 'local', sources: ['x'] } } },
  }).engines.local!;

  it('connects to the runtime URL without credentials and speaks GA', async () => {
    upstream = await ScriptedUpstream.start();
    const connection = await connectUpstream({
      engineId: 'local',
      engine: offline,
      overrideUrl: upstream.url,
      socketFactory: createWsSocketFactory(),
      clock: systemClock,
      logger: createRecordingLogger(),
    });
    const headers = (await upstream.nextConnection()).handshake.headers;
    expect(headers.authorization).toBeUndefined();
    expect(headers['api-key']).toBeUndefined();
    expect(connection.dialect.name).toBe('ga');
    expect(connection.session.type).toBe('realtime');
    connection.close();
  });

  it('answers upstream_unavailable, not internal, when the offline engine has no URL', async () => {
    const error = await connectUpstream({
      engineId: 'local',
      engine: offline,
      socketFactory: createWsSocketFactory(),
      clock: systemClock,
      logger: createRecordingLogger(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('upstream_unavailable');
  });
});
