import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../gateway/errors.js';
import type { TokenUsage } from '../../../gateway/usage/types.js';
import { FakeClock } from '../../support/fake-clock.js';
import { createHarness, statuses } from './harness.js';

const usage = (tokens: number): TokenUsage => ({ textIn: tokens, cachedTextIn: 0, textOut: 0, audioIn: 0, cachedAudioIn: 0, audioOut: 0 });
const HOUR = 3_600_000;

describe('daily budgets', () => {
  it("answers over_budget until the next UTC midnight once the site's budget is spent", async () => {
    // 2026-01-15 12:00 UTC.
    const h = createHarness({ engines: { local: undefined }, sites: { docs: { engine: 'local', limits: { daily_budget_usd: 1 } } } });
    h.admission.recordUsage('docs', 'local', usage(100), 0.6);
    await h.settle();
    expect(statuses(await h.admitAll('docs', 1))).toEqual(['admitted']);
    h.admission.recordUsage('docs', 'local', usage(100), 0.5);
    await h.settle();
    const [refused] = await h.admitAll('docs', 1);
    expect((refused!.error as GatewayError).code).toBe('over_budget');
    expect((refused!.error as GatewayError).retryAfterMs).toBe(12 * HOUR);
    await h.clock.advanceAsync(12 * HOUR);
    expect(statuses(await h.admitAll('docs', 1))).toEqual(['admitted']);
  });

  it('starts the budget day at midnight in budget_time_zone', async () => {
    const h = createHarness({
      engines: { local: undefined },
      sites: { docs: { engine: 'local', limits: { daily_budget_usd: 1, budget_time_zone: 'America/New_York' } } },
    });
    h.admission.recordUsage('docs', 'local', usage(1), 1);
    await h.settle();
    const [refused] = await h.admitAll('docs', 1);
    // 12:00 UTC is 07:00 in New York (EST, UTC−5): midnight there is 05:00 UTC tomorrow.
    expect((refused!.error as GatewayError).code).toBe('over_budget');
    expect((refused!.error as GatewayError).retryAfterMs).toBe(17 * HOUR);
  });

  it("answers over_budget when the engine's daily budget is spent, whichever site spent it", async () => {
    const h = createHarness({
      engines: { aoai: { connections_per_minute: 600, daily_budget_usd: 2 } },
      sites: { a: { engine: 'aoai' }, b: { engine: 'aoai' } },
    });
    h.admission.recordUsage('a', 'aoai', usage(1), 2);
    await h.settle();
    const [refused] = await h.admitAll('b', 1);
    expect((refused!.error as GatewayError).code).toBe('over_budget');
    expect((refused!.error as GatewayError).retryAfterMs).toBe(12 * HOUR);
  });

  it('refuses everyone on a budget of 0', async () => {
    const h = createHarness({ engines: { local: undefined }, sites: { docs: { engine: 'local', limits: { daily_budget_usd: 0 } } } });
    const [refused] = await h.admitAll('docs', 1);
    expect((refused!.error as GatewayError).code).toBe('over_budget');
  });
});

describe('tokens per minute', () => {
  it('queues new sessions while the minute is spent and admits them when it frees', async () => {
    const h = createHarness({
      engines: { aoai: { connections_per_minute: 600, tokens_per_minute: 1_000 } },
      sites: { docs: { engine: 'aoai', limits: { queue_seconds: 60 } } },
    });
    await h.clock.advanceAsync(30_000);
    h.admission.recordUsage('docs', 'aoai', usage(1_000), 0.01);
    await h.settle();
    const [waiting] = await h.admitAll('docs', 1);
    expect(waiting!.status).toBe('pending');
    expect(waiting!.onQueued).toHaveBeenCalledWith(30_000);
    expect((await h.admission.snapshot()).engines.aoai!.tokensThisMinute).toBe(1_000);
    await h.clock.advanceAsync(29_999);
    expect(waiting!.status).toBe('pending');
    await h.clock.advanceAsync(1);
    expect(waiting!.status).toBe('admitted');
  });

  it('answers rate_limited after queue_seconds while the minute stays spent', async () => {
    const h = createHarness({
      engines: { aoai: { connections_per_minute: 600, tokens_per_minute: 1_000 } },
      sites: { docs: { engine: 'aoai', limits: { queue_seconds: 8 } } },
    });
    h.admission.recordUsage('docs', 'aoai', usage(1_500), 0.01);
    await h.settle();
    const [waiting] = await h.admitAll('docs', 1);
    await h.clock.advanceAsync(8_000);
    expect((waiting!.error as GatewayError).code).toBe('rate_limited');
    expect((waiting!.error as GatewayError).retryAfterMs).toBe(52_000);
  });
});

describe('upstream 429', () => {
  it('empties the engine bucket and holds new sessions for the retry time', async () => {
    const h = createHarness({
      engines: { aoai: { connections_per_minute: 60 } },
      sites: { docs: { engine: 'aoai', limits: { queue_seconds: 60 } } },
    });
    h.admission.upstreamThrottled('aoai', 30_000);
    await h.settle();
    const [waiting] = await h.admitAll('docs', 1);
    expect(waiting!.status).toBe('pending');
    // The block, then one refill interval (1 s at 60 per minute) for the first token.
    expect(waiting!.onQueued).toHaveBeenCalledWith(31_000);
    await h.clock.advanceAsync(30_999);
    expect(waiting!.status).toBe('pending');
    await h.clock.advanceAsync(1);
    expect(waiting!.status).toBe('admitted');
  });

  it('blocks an engine without a quota for the retry time too', async () => {
    const h = createHarness({ engines: { local: undefined }, sites: { docs: { engine: 'local', limits: { queue_seconds: 0 } } } });
    h.admission.upstreamThrottled('local', 5_000);
    await h.settle();
    const [refused] = await h.admitAll('docs', 1);
    expect((refused!.error as GatewayError).code).toBe('rate_limited');
    expect((refused!.error as GatewayError).retryAfterMs).toBe(5_000);
    await h.clock.advanceAsync(5_000);
    expect(statuses(await h.admitAll('docs', 1))).toEqual(['admitted']);
  });

  it('shares the block with another node on the same store', async () => {
    const clock = new FakeClock();
    const shape = { engines: { aoai: { connections_per_minute: 60 } }, sites: { docs: { engine: 'aoai', limits: { queue_seconds: 0 } } } };
    const one = createHarness(shape, { clock });
    const two = createHarness(shape, { clock, store: one.store });
    one.admission.upstreamThrottled('aoai', 10_000);
    await one.settle();
    expect(statuses(await two.admitAll('docs', 1))).toEqual(['rejected']);
  });
});
