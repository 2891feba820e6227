/**
 * The visitor id used by the per-visitor limits: the token's `sub` when there is one, else
 * the client address. X-Forwarded-For is read only with `server.trust_proxy`, and only its
 * first hop, since anything after it was added by proxies.
 */

export interface VisitorSource {
  /** Address of the TCP peer. */
  remoteAddress: string | undefined;
  /** The raw X-Forwarded-For header, if any. */
  forwardedFor: string | undefined;
  trustProxy: boolean;
  sub?: string;
}

/** Resolves the visitor id for limits. */
export function visitorIdOf(source: VisitorSource): string {
  if (source.sub) return `sub:${source.sub}`;
  if (source.trustProxy && source.forwardedFor) {
    const first = source.forwardedFor.split(',')[0]?.trim();
    if (first) return `ip:${first.slice(0, 100)}`;
  }
  return `ip:${source.remoteAddress ?? 'unknown'}`;
}
