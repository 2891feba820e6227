/**
 * Entra ID tokens for the upstream: fetched asynchronously, cached, and refreshed once fewer
 * than five minutes of validity remain, so a connect never waits on a token it already has.
 */
import type { Clock } from '../clock.js';

/** The part of `@azure/identity`'s TokenCredential the gateway uses (structurally compatible). */
export interface TokenSource {
  getToken(scopes: string | string[], options?: object): Promise<{ token: string; expiresOnTimestamp: number } | null>;
}

/** Tokens are renewed when they expire within this margin. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

export interface TokenCache {
  /** A valid bearer token for the scope; rejects when the credential fails. */
  get(scope: string): Promise<string>;
}

/** Creates a token cache over a credential, keyed by scope; concurrent callers share one fetch. */
export function createTokenCache(credential: TokenSource, clock: Clock): TokenCache {
  const cached = new Map<string, { token: string; expiresAt: number }>();
  const inFlight = new Map<string, Promise<string>>();
  return {
    get(scope) {
      const entry = cached.get(scope);
      if (entry && entry.expiresAt - TOKEN_REFRESH_MARGIN_MS > clock.now()) return Promise.resolve(entry.token);
      const pending = inFlight.get(scope);
      if (pending) return pending;
      const fetching = credential
        .getToken(scope)
        .then((result) => {
          if (!result) throw new Error(`no Entra ID token for scope ${scope}`);
          cached.set(scope, { token: result.token, expiresAt: result.expiresOnTimestamp });
          return result.token;
        })
        .finally(() => inFlight.delete(scope));
      inFlight.set(scope, fetching);
      return fetching;
    },
  };
}
