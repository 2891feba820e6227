/**
 * Resume tokens of this node (extension `resume`): opaque random ids handed out in `ready`, each
 * bound to one live session, its site and its origin, usable once. A session's token dies with
 * the session (after the grace time of a dropped socket at the latest), so none outlives it.
 */

export interface ResumeBinding<S> {
  session: S;
  siteId: string;
  origin: string;
}

export interface ResumeTokens<S> {
  /** A fresh token for this session; any earlier token of the session stops working. */
  issue(binding: ResumeBinding<S>): string;
  /** The session of a token, if it is live and for this site and origin; a token is taken once. */
  take(token: string, siteId: string, origin: string): S | undefined;
  /** The session ended: its token stops working. */
  revoke(session: S): void;
  readonly size: number;
}

/** 128 random bits as hex, from the runtime's Web Crypto. */
const randomToken = () => `vrr_${Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')}`;

/** Creates the token table of one node. */
export function createResumeTokens<S>(): ResumeTokens<S> {
  const byToken = new Map<string, ResumeBinding<S>>();
  const bySession = new Map<S, string>();

  const revoke = (session: S) => {
    const token = bySession.get(session);
    if (token !== undefined) byToken.delete(token);
    bySession.delete(session);
  };

  return {
    issue(binding) {
      revoke(binding.session);
      const token = randomToken();
      byToken.set(token, binding);
      bySession.set(binding.session, token);
      return token;
    },
    take(token, siteId, origin) {
      const binding = byToken.get(token);
      // Another site's or origin's attempt leaves the token to its owner.
      if (!binding || binding.siteId !== siteId || binding.origin !== origin) return undefined;
      revoke(binding.session);
      return binding.session;
    },
    revoke,
    get size() {
      return byToken.size;
    },
  };
}
