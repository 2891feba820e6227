/**
 * Visitor limits: how many sessions one visitor (address or token `sub`) may start per clock
 * minute on a site. Over the limit the answer is at once, never a place in the queue.
 */
import { GatewayError } from '../errors.js';
import { keys, MINUTE_MS } from './keys.js';
import type { Store } from './stores/store.js';

/** Counts this session against the visitor's minute, or refuses `rate_limited` to the minute's end. */
export async function checkVisitor(store: Store, siteId: string, visitorId: string, perMinute: number | undefined, now: number): Promise<void> {
  if (perMinute === undefined) return;
  const minute = Math.floor(now / MINUTE_MS);
  // The key lives a second past its minute, so a slow write never recreates an expired count.
  const visit = await store.incrementBelow(keys.visitor(siteId, minute, visitorId), perMinute, MINUTE_MS + 1_000);
  if (!visit.ok)
    throw new GatewayError('rate_limited', 'too many sessions from this visitor this minute', { retryAfterMs: (minute + 1) * MINUTE_MS - now });
}
