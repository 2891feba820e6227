/**
 * Security at the door: origins, site ids, query strings and visitor tokens. Every refusal has
 * its documented code, and nothing is allocated upstream (no handshake, no session, no lease).
 */
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODE } from '../../gateway/protocol.js';
import { createUnlimitedAdmission } from '../../gateway/server/unlimited-admission.js';
import { TEST_ORIGIN, startHarness, type Harness } from '../support/gateway-harness.js';
import { upgradeStatus } from '../support/widget-client.js';
import { eventually, within } from '../support/wait.js';

const DOCS_SECRET = 'docs-jwt-secret-0123456789abcdef0123456789';
const OTHER_SECRET = 'other-jwt-secret-0123456789abcdef012345678';

let gw: Harness;
const admission = createUnlimitedAdmission();

beforeAll(async () => {
  gw = await startHarness({
    admission,
    sites: {
      members: {
        origins: [TEST_ORIGIN],
        engine: 'aoai',
        auth: { kind: 'jwt', secret: DOCS_SECRET },
        retrieval: { kind: 'azure-search', endpoint: 'https://search.example.net', index: 'kb', api_key: 'k' },
      },
      other: {
        origins: ['https://other.example.org'],
        engine: 'aoai',
        auth: { kind: 'jwt', secret: OTHER_SECRET },
        retrieval: { kind: 'azure-search', endpoint: 'https://search.example.net', index: 'kb', api_key: 'k' },
      },
    },
  });
});
afterAll(async () => {
  await gw.close();
});

/** Nothing reached the upstream and no session or lease is alive. */
function expectNothingAllocated(handshakesBefore: number): void {
  expect(gw.upstream.handshakes.length).toBe(handshakesBefore);
  expect(gw.gateway.sessions).toBe(0);
  expect((admission as ReturnType<typeof createUnlimitedAdmission>).leases.active).toBe(0);
}

describe('origins, sites and query strings', () => {
  const refusals: Array<[name: string, options: Parameters<typeof upgradeStatus>[1], status: number]> = [
    ['a missing Origin', { headers: { origin: '' } }, 403],
    ['a foreign Origin', { origin: 'https://evil.test' }, 403],
    ['a look-alike Origin (suffix)', { origin: 'https://docs.example.com.evil.test' }, 403],
    ['a look-alike Origin (prefix)', { origin: 'https://evil-docs.example.com' }, 403],
    ['a look-alike Origin (other scheme)', { origin: 'http://docs.example.com' }, 403],
    ['a look-alike Origin (port)', { origin: 'https://docs.example.com:8443' }, 403],
    ['a look-alike Origin (trailing slash)', { origin: 'https://docs.example.com/' }, 403],
    ['a look-alike Origin (upper case)', { origin: 'https://DOCS.example.com' }, 403],
    ['the opaque Origin "null"', { origin: 'null' }, 403],
    ["another site's Origin", { origin: 'https://other.example.org' }, 403],
    ['an unknown site id', { site: 'nope' }, 404],
    ['a prototype property as site id', { site: '__proto__' }, 404],
    ['a prototype method as site id', { site: 'toString' }, 404],
    ['an empty site id', { site: '' }, 404],
    ['an over-long query string', { extraQuery: `&pad=${'a'.repeat(5000)}` }, 414],
  ];

  for (const [name, options, status] of refusals) {
    it(`refuses ${name} with HTTP ${status} before anything is allocated`, async () => {
      const before = gw.upstream.handshakes.length;
      expect(await upgradeStatus(gw.port, options)).toBe(status);
      expectNothingAllocated(before);
    });
  }

  it('refuses a missing Origin header entirely (not just an empty one) with 403', async () => {
    const { request } = await import('node:http');
    const before = gw.upstream.handshakes.length;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port: gw.port,
        path: '/v1/realtime?site=docs',
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      req.on('response', (res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      req.on('upgrade', (_res, socket) => {
        socket.destroy();
        resolve(101);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expectNothingAllocated(before);
  });

  it('refuses 300 simultaneous foreign upgrades without allocating anything or keeping a socket open', async () => {
    const before = gw.upstream.handshakes.length;
    const statuses = await Promise.all(Array.from({ length: 300 }, (_, i) => upgradeStatus(gw.port, { origin: `https://evil${i}.test` })));
    expect(new Set(statuses)).toEqual(new Set([403]));
    expectNothingAllocated(before);
    await eventually(async () => (await new Promise<number>((resolve) => gw.server.getConnections((_, count) => resolve(count)))) === 0, 5000, 'sockets closed');
  });

  it('accepts the configured Origin (the refusals above are not a broken door)', async () => {
    const widget = await gw.ready();
    expect(widget.all('ready')).toHaveLength(1);
    widget.close();
    await widget.closed;
  });
});

/** Signs a token the way a site's backend would. */
function mint(claims: Record<string, unknown>, secret: string, expiresIn: string | number = '5m'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expiresIn).sign(new TextEncoder().encode(secret));
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('visitor tokens on a jwt site', () => {
  const cases: Array<[name: string, token: () => Promise<string | undefined>]> = [
    ['a missing token', async () => undefined],
    ['an expired token', () => mint({ site: 'members' }, DOCS_SECRET, Math.floor(Date.now() / 1000) - 60)],
    ['a token without exp', () => new SignJWT({ site: 'members' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(DOCS_SECRET))],
    ['a token for the wrong site claim', () => mint({ site: 'docs' }, DOCS_SECRET)],
    ['a token without a site claim', () => mint({ sub: 'v1' }, DOCS_SECRET)],
    ['a token with a wrong signature', () => mint({ site: 'members' }, 'not-the-secret-0123456789abcdef0123456')],
    ['a token for another site, signed with its secret', () => mint({ site: 'other' }, OTHER_SECRET)],
    ['an alg:none token', async () => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ site: 'members', exp: Math.floor(Date.now() / 1000) + 300 })}.`],
    [
      'a token with a tampered payload',
      async () => {
        const [header, , signature] = (await mint({ site: 'docs' }, DOCS_SECRET)).split('.');
        return `${header}.${b64url({ site: 'members', exp: Math.floor(Date.now() / 1000) + 300 })}.${signature}`;
      },
    ],
    ['garbage', async () => 'not.a.jwt'],
    ['an over-long token', async () => 'a'.repeat(4000)],
  ];

  for (const [name, makeToken] of cases) {
    it(`ends the session with unauthorized (4401) on ${name}, and opens nothing upstream`, async () => {
      const before = gw.upstream.handshakes.length;
      const widget = await gw.connect({ site: 'members', token: await makeToken() });
      const closed = await within(3000, widget.closed, 'close');
      expect(closed.code).toBe(CLOSE_CODE.unauthorized);
      expect(widget.messages).toEqual([expect.objectContaining({ type: 'error', code: 'unauthorized', fatal: true })]);
      expect(widget.all('ready')).toHaveLength(0);
      expectNothingAllocated(before);
    });
  }

  it('admits a valid token for the site (the refusals above are not a broken verifier)', async () => {
    const widget = await gw.ready({ site: 'members', token: await mint({ site: 'members', sub: 'visitor-1' }, DOCS_SECRET) });
    expect(widget.all('ready')).toHaveLength(1);
    widget.close();
    await widget.closed;
  });
});

describe('visitor tokens on an ES256 site', () => {
  it('admits an ES256 token and refuses algorithm confusion (HS256 keyed with the public key) and alg:none', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const pem = await exportSPKI(publicKey);
    const es = await startHarness({
      sites: { signed: { origins: [TEST_ORIGIN], engine: 'aoai', auth: { kind: 'jwt', public_key: pem }, retrieval: { kind: 'azure-search', endpoint: 'https://search.example.net', index: 'kb', api_key: 'k' } } },
    });
    try {
      const claims = { site: 'signed', sub: 'visitor-es' };
      const valid = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setExpirationTime('5m').sign(privateKey);
      const confused = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(pem));
      const none = `${b64url({ alg: 'none' })}.${b64url({ ...claims, exp: Math.floor(Date.now() / 1000) + 300 })}.`;
      for (const token of [confused, none]) {
        const widget = await es.connect({ site: 'signed', token });
        expect((await within(3000, widget.closed)).code).toBe(CLOSE_CODE.unauthorized);
      }
      expect(es.upstream.handshakes).toHaveLength(0);
      const widget = await es.ready({ site: 'signed', token: valid });
      expect(widget.all('ready')).toHaveLength(1);
    } finally {
      await es.close();
    }
  });
});
