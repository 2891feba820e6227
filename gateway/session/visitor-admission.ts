/**
 * Who the visitor is and whether they may start: the visitor token, the visitor id the
 * per-visitor limits count, and the admission that grants the session its lease.
 */
import { verifyVisitorToken } from '../auth/jwt.js';
import { visitorIdOf } from '../auth/visitor.js';
import type { Lease } from '../limits/types.js';
import type { SessionContext } from './session-context.js';

/** Verifies the token; answers the token's `sub` (if any) and the visitor id. */
export async function identifyVisitor(ctx: SessionContext): Promise<{ sub?: string; visitorId: string }> {
  const visitor = await verifyVisitorToken(ctx.site.auth, ctx.siteId, ctx.token, ctx.clock.now());
  const visitorId = visitorIdOf({ remoteAddress: ctx.remoteAddress, forwardedFor: ctx.forwardedFor, trustProxy: ctx.server.trust_proxy, sub: visitor.sub });
  return { ...(visitor.sub !== undefined ? { sub: visitor.sub } : {}), visitorId };
}

/** Waits for the site's and the engine's limits to let the session open (or renew). */
export function admitVisitor(ctx: SessionContext, visitorId: string, signal: AbortSignal, onQueued: (retryInMs: number) => void): Promise<Lease> {
  return ctx.admission.admit({ siteId: ctx.siteId, site: ctx.site, engineId: ctx.engineId, engine: ctx.engine, visitorId, signal, onQueued });
}
