import { afterEach, describe, expect, it } from 'vitest';
import type { TokenSource } from '../../../gateway/realtime/token-cache.js';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import { FakeClock } from '../../support/fake-clock.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function testCredential(clock: FakeClock): TokenSource & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async getToken(scopes) {
      calls.push(String(scopes));
      return { token: `token-${calls.length}`, expiresOnTimestamp: clock.now() + 60 * 60_000 };
    },
  };
}

async function sessionHeaders(h: Harness): Promise<Record<string, unknown>> {
  const widget = await h.connect();
  await widget.next('ready');
  const connection = await h.upstream.nextConnection();
  widget.close();
  await connection.closed;
  return connection.handshake.headers;
}

describe('Entra ID', () => {
  it('sends a bearer token, reuses it across connects and refreshes it before expiry', async () => {
    const clock = new FakeClock();
    const credential = testCredential(clock);
    harness = await startHarness({ clock, credential, engine: { api_key: undefined } });

    const first = await sessionHeaders(harness);
    expect(first.authorization).toBe('Bearer token-1');
    expect(first['api-key']).toBeUndefined();
    expect(credential.calls).toEqual(['https://cognitiveservices.azure.com/.default']);

    const second = await sessionHeaders(harness);
    expect(second.authorization).toBe('Bearer token-1');
    expect(credential.calls).toHaveLength(1);

    // Within five minutes of expiry the token is renewed.
    clock.advance(56 * 60_000);
    const third = await sessionHeaders(harness);
    expect(third.authorization).toBe('Bearer token-2');
    expect(credential.calls).toHaveLength(2);
  });

  it('uses entra_scope when set', async () => {
    const clock = new FakeClock();
    const credential = testCredential(clock);
    harness = await startHarness({ clock, credential, engine: { api_key: undefined, entra_scope: 'https://ai.azure.com/.default' } });
    await sessionHeaders(harness);
    expect(credential.calls).toEqual(['https://ai.azure.com/.default']);
  });

  it('answers upstream_unavailable when no token can be had', async () => {
    harness = await startHarness({
      engine: { api_key: undefined },
      credential: { getToken: () => Promise.reject(new Error('no identity available')) },
    });
    const widget = await harness.connect();
    expect(await widget.next('error')).toMatchObject({ code: 'upstream_unavailable' });
    expect(harness.upstream.handshakes).toHaveLength(0);
  });
});
