import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import { upgradeStatus } from '../../support/widget-client.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const SECRET = 'shared-secret-between-site-and-gateway';

describe('upgrade', () => {
  it('refuses an unknown site with 404 and a foreign origin with 403, allocating nothing', async () => {
    harness = await startHarness();
    expect(await upgradeStatus(harness.port, { site: 'nope' })).toBe(404);
    expect(await upgradeStatus(harness.port, { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(harness.port, { origin: 'https://docs.example.com.evil.example' })).toBe(403);
    expect(await upgradeStatus(harness.port, { extraQuery: `&pad=${'x'.repeat(5000)}` })).toBe(414);
    expect(harness.upstream.handshakes).toHaveLength(0);
    expect(harness.gateway.sessions).toBe(0);
    expect(await upgradeStatus(harness.port)).toBe(101);
  });

  it('reports a missing or invalid token in-band with unauthorized 4401', async () => {
    harness = await startHarness({ site: { auth: { kind: 'jwt', secret: SECRET } } });
    const widget = await harness.connect();
    expect(await widget.next('error')).toMatchObject({ code: 'unauthorized', fatal: true });
    expect((await widget.closed).code).toBe(4401);
    expect(harness.upstream.handshakes).toHaveLength(0);
  });

  it('admits a visitor with a valid token, using its sub as the visitor id', async () => {
    harness = await startHarness({ site: { auth: { kind: 'jwt', secret: SECRET } } });
    const token = await new SignJWT({ site: 'docs', sub: 'v-42' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    const visitors: string[] = [];
    const admit = harness.admission.admit.bind(harness.admission);
    harness.admission.admit = (request) => {
      visitors.push(request.visitorId);
      return admit(request);
    };
    const widget = await harness.connect({ token });
    await widget.next('ready');
    expect(visitors).toEqual(['sub:v-42']);
  });

  it('sends queued while admission waits', async () => {
    harness = await startHarness();
    const admit = harness.admission.admit.bind(harness.admission);
    harness.admission.admit = (request) => {
      request.onQueued(1500);
      return admit(request);
    };
    const widget = await harness.connect();
    expect(await widget.next('queued')).toEqual({ type: 'queued', retry_in_ms: 1500 });
    await widget.next('ready');
  });
});

describe('shutdown', () => {
  it('refuses new upgrades, then closes the remaining sessions with server_shutdown 1001', async () => {
    harness = await startHarness();
    const widget = await harness.connect();
    await widget.next('ready');
    const upstream = await harness.upstream.nextConnection();
    const stopping = harness.gateway.shutdown(0);
    expect(await widget.next('error')).toMatchObject({ code: 'server_shutdown', fatal: true });
    expect((await widget.closed).code).toBe(1001);
    await upstream.closed;
    await stopping;
    expect(harness.gateway.sessions).toBe(0);
    expect(harness.admission.leases.active).toBe(0);
  });

  it('refuses upgrades with 503 while draining and lets sessions finish within the drain time', async () => {
    harness = await startHarness();
    const widget = await harness.connect();
    await widget.next('ready');
    expect((await fetch(`http://127.0.0.1:${harness.port}/readyz`)).status).toBe(200);
    const stopping = harness.gateway.shutdown(30);
    expect(await upgradeStatus(harness.port)).toBe(503);
    // Not ready while draining, so probes and proxies send new visitors elsewhere; still alive.
    expect((await fetch(`http://127.0.0.1:${harness.port}/readyz`)).status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${harness.port}/healthz`)).status).toBe(200);
    widget.close();
    await stopping;
    expect((await widget.closed).code).toBe(1000);
    expect(widget.all('error')).toEqual([]);
  });
});
