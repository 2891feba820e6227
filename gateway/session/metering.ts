/**
 * Usage metering of one session: each `response.done` usage becomes TokenUsage and a cost,
 * recorded against the site's and the engine's budgets. Never sent to the browser.
 */
import type { EngineConfig } from '../config/schema.js';
import type { Admission } from '../limits/types.js';
import type { Logger } from '../logger.js';
import type { SessionObserver } from './observer.js';
import { costUsd, pricingFor } from '../usage/pricing.js';
import { usageFromResponse } from '../usage/meter.js';

export interface MeteringContext {
  siteId: string;
  engineId: string;
  engine: EngineConfig;
  admission: Admission;
  logger: Logger;
  observer?: SessionObserver;
}

/** Returns the `response.done` usage handler (it answers the cost); the model comes from `session.created`. */
export function createMetering(ctx: MeteringContext, upstreamSession: Record<string, unknown>): (usage: unknown) => number | undefined {
  const model = typeof upstreamSession.model === 'string' ? upstreamSession.model : undefined;
  const pricing = pricingFor(ctx.engine, model);
  return (raw) => {
    const usage = usageFromResponse(raw);
    if (!usage) return undefined;
    const cost = costUsd(usage, pricing);
    try {
      ctx.admission.recordUsage(ctx.siteId, ctx.engineId, usage, cost);
    } catch (error) {
      ctx.logger.warn({ err: error }, 'recording usage failed');
    }
    ctx.observer?.usage?.(ctx.siteId, ctx.engineId, usage, cost);
    ctx.logger.debug({ usage, cost_usd: cost }, 'response usage');
    return cost;
  };
}
