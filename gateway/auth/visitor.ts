/**
 * The visitor id used by the per-visitor limits: the token's `sub` when there is one, else
 * the client address. X-Forwarded-For is read only with `server.trust_proxy`, and from the
 * right: a proxy appends the address it saw, so everything to the left of that may have been
 * written by the visitor to pose as someone new on every connection.
 */

export interface VisitorSource {
  /** Address of the TCP peer. */
  remoteAddress: string | undefined;
  /** The raw X-Forwarded-For header, if any. */
  forwardedFor: string | undefined;
  trustProxy: boolean;
  sub?: string;
}

// Loopback, private, link-local and unique-local addresses: hops added by proxies inside the
// operator's own network, skipped to reach the address the outermost proxy saw.
const INTERNAL = /^(?:::ffff:)?(?:127\.|10\.|192\.168\.|169\.254\.|172\.(?:1[6-9]|2\d|3[01])\.)|^(?:::1$|f[cd][0-9a-f]{2}:|fe[89ab][0-9a-f]:)/i;

/** The client address from X-Forwarded-For: the rightmost public hop, else the rightmost hop. */
function forwardedClient(header: string): string | undefined {
  const hops = header
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '');
  for (let i = hops.length - 1; i >= 0; i--) if (!INTERNAL.test(hops[i]!)) return hops[i];
  return hops.at(-1);
}

/** Resolves the visitor id for limits. */
export function visitorIdOf(source: VisitorSource): string {
  if (source.sub) return `sub:${source.sub}`;
  if (source.trustProxy && source.forwardedFor) {
    const client = forwardedClient(source.forwardedFor);
    if (client) return `ip:${client.slice(0, 100)}`;
  }
  return `ip:${source.remoteAddress ?? 'unknown'}`;
}
