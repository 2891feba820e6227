/**
 * Visitor tokens for sites with `auth: jwt`: an HS256 (shared secret) or ES256 (public key)
 * JWT minted by the site's own backend, with claims `site` (must equal the site id), `exp`
 * (required) and optional `sub` (the visitor id for limits).
 */
import type { JWTPayload, importSPKI } from 'jose';

// Only sites with `auth: jwt` need jose: loaded on the first token, not at startup (idle memory).
const loadJose = () => import('jose');
import type { AuthConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';

/** Longest token accepted, before any parsing. */
export const MAX_TOKEN_LENGTH = 4096;

export interface VerifiedVisitor {
  /** The token's `sub`, when present. */
  sub?: string;
}

type PublicKey = Awaited<ReturnType<typeof importSPKI>>;
const keyCache = new Map<string, Promise<PublicKey>>();

function publicKeyFor(pem: string): Promise<PublicKey> {
  let key = keyCache.get(pem);
  if (!key) {
    key = loadJose().then((jose) => jose.importSPKI(pem, 'ES256'));
    keyCache.set(pem, key);
    key.catch(() => keyCache.delete(pem));
  }
  return key;
}

const unauthorized = (message: string, cause?: unknown) => new GatewayError('unauthorized', message, { cause });

/**
 * Checks a visitor token against a site's auth config. Sites with `kind: none` accept anyone.
 * Rejects with GatewayError `unauthorized` when the token is missing, invalid or expired.
 */
export async function verifyVisitorToken(
  auth: AuthConfig,
  siteId: string,
  token: string | undefined,
  nowMs: number,
): Promise<VerifiedVisitor> {
  if (auth.kind === 'none') return {};
  if (!token) throw unauthorized('this site requires a token');
  if (token.length > MAX_TOKEN_LENGTH) throw unauthorized('token too long');
  let payload: JWTPayload;
  try {
    const { jwtVerify } = await loadJose();
    const options = { currentDate: new Date(nowMs), requiredClaims: ['exp'] };
    if (auth.public_key) {
      ({ payload } = await jwtVerify(token, await publicKeyFor(auth.public_key), { ...options, algorithms: ['ES256'] }));
    } else if (auth.secret) {
      ({ payload } = await jwtVerify(token, new TextEncoder().encode(auth.secret), { ...options, algorithms: ['HS256'] }));
    } else {
      throw new Error('site has auth: jwt but neither secret nor public_key');
    }
  } catch (error) {
    throw unauthorized('invalid or expired token', error);
  }
  if (payload.site !== siteId) throw unauthorized('token is for another site');
  return typeof payload.sub === 'string' && payload.sub !== '' ? { sub: payload.sub } : {};
}
