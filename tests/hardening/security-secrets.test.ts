/**
 * Secrets never leak: no API key, Entra token, site JWT secret, visitor token or search key
 * appears in any log line (captured from the real pino logger at debug level), error message
 * or browser-bound frame, on any failure path.
 */
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../gateway/errors.js';
import type { Admission } from '../../gateway/limits/types.js';
import { CLOSE_CODE } from '../../gateway/protocol.js';
import { SEARCH_UNAVAILABLE } from '../../gateway/retrieval/format.js';
import { loadTranscript } from '../support/scripted-upstream.js';
import { startHarness, type Harness } from '../support/gateway-harness.js';
import { within } from '../support/wait.js';

const API_KEY = 'sk-HARDENING-api-key-7f3a9c1e5b';
const ENTRA_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.HARDENING-entra-token.c2lnbmF0dXJl';
const JWT_SECRET = 'HARDENING-site-jwt-secret-4d2c8b0a6e';
const SEARCH_KEY = 'HARDENING-search-key-9e1d7c5a3b';
const STATUS_TOKEN = 'HARDENING-status-token-1a2b3c4d5e';
const SECRETS = [API_KEY, ENTRA_TOKEN, JWT_SECRET, SEARCH_KEY, STATUS_TOKEN];

const gateways: Harness[] = [];
afterAll(async () => {
  for (const gw of gateways) await gw.close();
});

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const gw = await startHarness({
    server: { status_token: STATUS_TOKEN },
    engine: { api_key: API_KEY, connect_timeout_ms: 400 },
    site: {
      retrieval: { kind: 'azure-search', endpoint: 'https://search.example.net', index: 'kb', api_key: SEARCH_KEY, timeout_ms: 200 },
    },
    sites: {
      members: {
        origins: ['https://docs.example.com'],
        engine: 'aoai',
        auth: { kind: 'jwt', secret: JWT_SECRET },
        retrieval: { kind: 'azure-search', endpoint: 'https://search.example.net', index: 'kb', api_key: SEARCH_KEY },
      },
    },
    ...options,
  });
  gateways.push(gw);
  return gw;
}

/** Asserts that no secret (nor a visitor token) is in the logs or the frames sent to browsers. */
async function expectNoSecrets(gw: Harness, extra: string[] = []): Promise<void> {
  const logs = gw.logs.lines.join('\n');
  const frames = await gw.browserText();
  expect(gw.logs.lines.length).toBeGreaterThan(0);
  for (const secret of [...SECRETS, ...extra]) {
    expect(logs, `log lines contain ${secret}`).not.toContain(secret);
    expect(frames, `browser frames contain ${secret}`).not.toContain(secret);
  }
}

/** Connects and waits for the end; returns the close code. */
async function sessionEnd(gw: Harness, options?: Parameters<Harness['connect']>[0]): Promise<number> {
  const widget = await gw.connect(options);
  return (await within(5000, widget.closed, 'session end')).code;
}

describe('no secret in logs or browser frames', () => {
  it('holds on every upstream refusal at the handshake (401, 403, 404, 400, 429, 500)', async () => {
    const gw = await start();
    const refusals = [
      { status: 401, body: '{"error":{"code":"401","message":"Access denied due to invalid subscription key."}}' },
      { status: 403, body: 'Forbidden' },
      { status: 404, body: '{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}' },
      { status: 400, body: '{"error":{"code":"invalid_request","message":"bad request"}}' },
      { status: 429, headers: { 'retry-after-ms': '1500' }, body: '{"error":{"code":"429","message":"Too many requests"}}' },
      { status: 500, body: 'oops' },
    ];
    for (const refusal of refusals) {
      gw.upstream.refuseNext(refusal);
      expect(await sessionEnd(gw)).toBe(CLOSE_CODE.upstream_unavailable);
    }
    // The secret was really in play: the upstream saw it in the api-key header.
    expect(gw.upstream.handshakes.every((h) => h.headers['api-key'] === API_KEY)).toBe(true);
    await expectNoSecrets(gw);
  });

  it('holds on connect timeout, upstream error, drop mid-answer and retrieval timeout', async () => {
    const gw = await start();
    // Connect timeout: accepted, never session.created.
    gw.upstream.silent = true;
    expect(await sessionEnd(gw)).toBe(CLOSE_CODE.upstream_unavailable);
    gw.upstream.silent = false;

    // A fatal upstream error during the session.
    let widget = await gw.ready();
    let upstream = gw.upstream.connections.at(-1)!;
    upstream.send({ type: 'error', event_id: 'event_x', error: { type: 'server_error', code: 'server_error', message: 'The server had an error while processing your request.', event_id: null } });
    expect((await within(3000, widget.closed)).code).toBe(CLOSE_CODE.upstream_error);

    // A drop in the middle of an answer.
    widget = await gw.ready();
    upstream = gw.upstream.connections.at(-1)!;
    widget.send({ type: 'text', text: 'What is the deductible?' });
    await upstream.waitFor('response.create');
    upstream.send({ type: 'response.created', event_id: 'e1', response: { id: 'resp_1', status: 'in_progress', output: [] } });
    upstream.send({ type: 'response.output_audio.delta', event_id: 'e2', response_id: 'resp_1', item_id: 'item_1', output_index: 0, content_index: 0, delta: Buffer.alloc(4800).toString('base64') });
    await widget.next('response_started');
    upstream.drop();
    expect((await within(3000, widget.closed)).code).toBe(CLOSE_CODE.upstream_error);

    // A search that hangs past timeout_ms.
    gw.retriever.hang = true;
    widget = await gw.ready();
    upstream = gw.upstream.connections.at(-1)!;
    await upstream.play(loadTranscript('voice-turn-with-search-ga'), { skipClient: ['input_audio_buffer.append', 'conversation.item.truncate', 'response.cancel'], timeoutMs: 3000 }).catch(() => undefined);
    gw.retriever.hang = false;
    const outputs = upstream.received.filter((e) => e.type === 'conversation.item.create' && e.item?.type === 'function_call_output');
    expect(outputs.map((e) => e.item.output)).toContain(SEARCH_UNAVAILABLE);
    widget.close();
    await widget.closed;

    await expectNoSecrets(gw);
  });

  it('holds when the upstream refuses the session configuration', async () => {
    // A preview-dialect gateway talking to a GA upstream: session.update is refused with an error event.
    const gw = await start({ engine: { api_key: API_KEY, api_version: '2024-10-01-preview', connect_timeout_ms: 400 }, expectNonConforming: true });
    expect(await sessionEnd(gw)).toBe(CLOSE_CODE.upstream_unavailable);
    expect(gw.logs.matching('refused the session configuration')).toHaveLength(1);
    await expectNoSecrets(gw);
  });

  it('holds when the engine authenticates with an Entra ID token, including its refusal', async () => {
    const credential = { getToken: async () => ({ token: ENTRA_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const gw = await start({ engine: { api_key: undefined, connect_timeout_ms: 400 }, credential });
    const widget = await gw.ready();
    expect(gw.upstream.handshakes.at(-1)!.headers.authorization).toBe(`Bearer ${ENTRA_TOKEN}`);
    gw.upstream.connections.at(-1)!.drop();
    expect((await within(3000, widget.closed)).code).toBe(CLOSE_CODE.upstream_error);
    gw.upstream.refuseNext({ status: 401, body: '{"error":{"code":"PermissionDenied","message":"Principal does not have access"}}' });
    expect(await sessionEnd(gw)).toBe(CLOSE_CODE.upstream_unavailable);
    await expectNoSecrets(gw);
  });

  it('holds when the Entra credential fails', async () => {
    const credential = {
      getToken: async () => {
        throw new Error('ClientSecretCredential authentication failed: AADSTS7000215 invalid client secret provided');
      },
    };
    const gw = await start({ engine: { api_key: undefined, connect_timeout_ms: 400 }, credential });
    expect(await sessionEnd(gw)).toBe(CLOSE_CODE.upstream_unavailable);
    expect(gw.upstream.handshakes).toHaveLength(0);
    await expectNoSecrets(gw);
  });

  it('holds for visitor tokens, valid or not, and for the site secret', async () => {
    const gw = await start();
    const key = new TextEncoder().encode(JWT_SECRET);
    const valid = await new SignJWT({ site: 'members', sub: 'visitor-42' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(key);
    const expired = await new SignJWT({ site: 'members' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) - 5).sign(key);
    const forged = await new SignJWT({ site: 'members' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode('wrong-secret-wrong-secret-wrong-secret'));
    expect(await sessionEnd(gw, { site: 'members', token: expired })).toBe(CLOSE_CODE.unauthorized);
    expect(await sessionEnd(gw, { site: 'members', token: forged })).toBe(CLOSE_CODE.unauthorized);
    const widget = await gw.ready({ site: 'members', token: valid });
    widget.send({ type: 'nonsense' });
    expect((await within(3000, widget.closed)).code).toBe(CLOSE_CODE.bad_message);
    // The upstream never sees the visitor's token either.
    expect(JSON.stringify(gw.upstream.handshakes)).not.toContain(valid);
    await expectNoSecrets(gw, [valid, expired, forged]);
  });

  it('holds on the internal-error path (an admission that throws something unexpected)', async () => {
    const admission: Admission = {
      admit: async () => {
        throw new TypeError('Cannot read properties of undefined (reading "take")');
      },
      recordUsage: () => {},
      upstreamThrottled: () => {},
    };
    const gw = await start({ admission });
    const widget = await gw.connect();
    expect((await within(3000, widget.closed)).code).toBe(CLOSE_CODE.internal);
    const [error] = widget.all('error');
    expect(error).toMatchObject({ code: 'internal', fatal: true });
    // The visitor learns nothing about the inside.
    expect(error!.message).not.toMatch(/take|undefined|TypeError/);
    await expectNoSecrets(gw);
  });

  it('holds on refusals by the limits (rate_limited, over_budget, upstream_unavailable)', async () => {
    const codes = ['rate_limited', 'over_budget', 'upstream_unavailable'] as const;
    let next = 0;
    const admission: Admission = {
      admit: async () => {
        throw new GatewayError(codes[next++ % codes.length]!, 'refused by the limits', { retryAfterMs: 1000 });
      },
      recordUsage: () => {},
      upstreamThrottled: () => {},
    };
    const gw = await start({ admission });
    const ends = [];
    for (let i = 0; i < codes.length; i++) ends.push(await sessionEnd(gw));
    expect(ends).toEqual(codes.map((code) => CLOSE_CODE[code]));
    await expectNoSecrets(gw);
  });

  for (const logTranscripts of [false, true]) {
    it(`${logTranscripts ? 'logs' : 'never logs'} what the visitor typed or said when log_transcripts is ${logTranscripts}`, async () => {
      const gw = await start({ server: { status_token: STATUS_TOKEN, log_transcripts: logTranscripts } });
      const widget = await gw.ready();
      const upstream = gw.upstream.connections.at(-1)!;
      widget.send({ type: 'text', text: 'my private typed question about my diagnosis' });
      await upstream.waitFor('response.create');
      upstream.send({ type: 'conversation.item.input_audio_transcription.completed', event_id: 'e1', item_id: 'item_said', content_index: 0, transcript: 'my private spoken words' });
      await widget.next('user_transcript');
      widget.close();
      await widget.closed;
      const logs = gw.logs.lines.join('\n');
      for (const text of ['my private typed question about my diagnosis', 'my private spoken words']) {
        if (logTranscripts) expect(logs).toContain(text);
        else expect(logs).not.toContain(text);
      }
      await expectNoSecrets(gw);
    });
  }
});
