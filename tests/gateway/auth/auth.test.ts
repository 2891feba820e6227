import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyVisitorToken } from '../../../gateway/auth/jwt.js';
import { visitorIdOf } from '../../../gateway/auth/visitor.js';
import { GatewayError } from '../../../gateway/errors.js';

const NOW = Date.UTC(2026, 10, 24, 6, 0, 0);
const SECRET = 'a-long-shared-secret-of-the-site-backend';
const hs = (claims: Record<string, unknown>, secret = SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('visitor tokens', () => {
  const jwtAuth = { kind: 'jwt' as const, secret: SECRET };
  const exp = Math.floor(NOW / 1000) + 60;

  it('accepts a valid HS256 token for the site and returns its sub', async () => {
    const token = await hs({ site: 'docs', exp, sub: 'visitor-7' });
    expect(await verifyVisitorToken(jwtAuth, 'docs', token, NOW)).toEqual({ sub: 'visitor-7' });
  });

  it.each([
    ['missing', undefined],
    ['garbage', 'not.a.jwt'],
  ])('refuses a %s token with unauthorized', async (_name, token) => {
    expect((await rejection(verifyVisitorToken(jwtAuth, 'docs', token, NOW))).code).toBe('unauthorized');
  });

  it('refuses an expired token, a token without exp, another site and a wrong secret', async () => {
    const cases = [
      await hs({ site: 'docs', exp: Math.floor(NOW / 1000) - 1 }),
      await hs({ site: 'docs' }),
      await hs({ site: 'other', exp }),
      await hs({ site: 'docs', exp }, 'another-secret-entirely-different'),
    ];
    for (const token of cases) expect((await rejection(verifyVisitorToken(jwtAuth, 'docs', token, NOW))).code).toBe('unauthorized');
  });

  it('accepts ES256 tokens against the public key and refuses HS256 ones there', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const auth = { kind: 'jwt' as const, public_key: await exportSPKI(publicKey) };
    const token = await new SignJWT({ site: 'docs', exp }).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    expect(await verifyVisitorToken(auth, 'docs', token, NOW)).toEqual({});
    expect((await rejection(verifyVisitorToken(auth, 'docs', await hs({ site: 'docs', exp }), NOW))).code).toBe('unauthorized');
  });

  it('lets anyone in on sites without auth', async () => {
    expect(await verifyVisitorToken({ kind: 'none' }, 'docs', undefined, NOW)).toEqual({});
  });
});

describe('visitor id', () => {
  it('prefers the token sub, then the first X-Forwarded-For hop behind a trusted proxy, else the peer address', () => {
    expect(visitorIdOf({ remoteAddress: '10.0.0.1', forwardedFor: '203.0.113.9', trustProxy: true, sub: 'v7' })).toBe('sub:v7');
    expect(visitorIdOf({ remoteAddress: '10.0.0.1', forwardedFor: '203.0.113.9, 10.0.0.2', trustProxy: true })).toBe('ip:203.0.113.9');
    expect(visitorIdOf({ remoteAddress: '10.0.0.1', forwardedFor: '203.0.113.9', trustProxy: false })).toBe('ip:10.0.0.1');
  });

  it('takes the address the proxy appended, not one the visitor wrote into X-Forwarded-For', () => {
    const behindProxy = (forwardedFor: string) => visitorIdOf({ remoteAddress: '10.0.0.1', forwardedFor, trustProxy: true });
    // The visitor sends "X-Forwarded-For: 198.51.100.1"; the proxy appends the address it saw.
    expect(behindProxy('198.51.100.1, 203.0.113.9')).toBe('ip:203.0.113.9');
    expect(behindProxy('198.51.100.1, 203.0.113.9, 10.0.0.2, fd00::7')).toBe('ip:203.0.113.9');
    expect(behindProxy('10.9.9.9, 192.168.1.20')).toBe('ip:192.168.1.20');
    expect(behindProxy(' , ')).toBe('ip:10.0.0.1');
  });
});
