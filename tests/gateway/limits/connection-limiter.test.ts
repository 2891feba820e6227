import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../gateway/errors.js';
import { createHarness, makeConfig, statuses } from './harness.js';

describe('connection limiter', () => {
  it('admits one connection per 10 s at 6 per minute with a 10 s window', async () => {
    const h = createHarness({ engines: { aoai: { connections_per_minute: 6 } }, sites: { docs: { engine: 'aoai', limits: { queue_seconds: 30 } } } });
    const attempts = await h.admitAll('docs', 3);
    expect(statuses(attempts)).toEqual(['admitted', 'pending', 'pending']);
    await h.clock.advanceAsync(9_999);
    expect(statuses(attempts)).toEqual(['admitted', 'pending', 'pending']);
    await h.clock.advanceAsync(1);
    expect(statuses(attempts)).toEqual(['admitted', 'admitted', 'pending']);
    await h.clock.advanceAsync(10_000);
    expect(statuses(attempts)).toEqual(['admitted', 'admitted', 'admitted']);
    expect(attempts.map((attempt) => attempt.settledAt! - attempts[0]!.settledAt!)).toEqual([0, 10_000, 20_000]);
  });

  it('admits a burst of what the window allows and refuses the rest without a queue', async () => {
    const h = createHarness({
      engines: { aoai: { connections_per_minute: 60, window_seconds: 10 } },
      sites: { docs: { engine: 'aoai', limits: { queue_seconds: 0 } } },
    });
    const attempts = await h.admitAll('docs', 12);
    expect(statuses(attempts).filter((status) => status === 'admitted')).toHaveLength(10);
    const refused = attempts.filter((attempt) => attempt.status === 'rejected');
    expect(refused).toHaveLength(2);
    for (const attempt of refused) {
      expect(attempt.error).toBeInstanceOf(GatewayError);
      expect((attempt.error as GatewayError).code).toBe('rate_limited');
      expect((attempt.error as GatewayError).retryAfterMs).toBeGreaterThan(0);
      expect(attempt.onQueued).not.toHaveBeenCalled();
    }
  });

  it('admits no more than the window allows in any window, even after an idle period', async () => {
    // 60 per minute in a 10 s window: a burst of 10, and no 11th before the burst leaves the window
    // although the bucket refills one token a second.
    const h = createHarness({
      engines: { aoai: { connections_per_minute: 60, window_seconds: 10 } },
      sites: { docs: { engine: 'aoai', limits: { queue_seconds: 0 } } },
    });
    expect(statuses(await h.admitAll('docs', 10))).toEqual(Array(10).fill('admitted'));
    await h.clock.advanceAsync(5_000);
    const [early] = await h.admitAll('docs', 1);
    expect((early!.error as GatewayError).retryAfterMs).toBe(5_000);
    await h.clock.advanceAsync(5_000);
    expect(statuses(await h.admitAll('docs', 11)).filter((status) => status === 'admitted')).toHaveLength(10);
  });

  it('admits one per second with a 1 s window at 60 per minute', async () => {
    const h = createHarness({
      engines: { aoai: { connections_per_minute: 60, window_seconds: 1 } },
      sites: { docs: { engine: 'aoai', limits: { queue_seconds: 0 } } },
    });
    expect(statuses(await h.admitAll('docs', 2))).toEqual(['admitted', 'rejected']);
    await h.clock.advanceAsync(1_000);
    expect(statuses(await h.admitAll('docs', 2))).toEqual(['admitted', 'rejected']);
  });

  it("takes no engine token when the site's share refuses", async () => {
    const h = createHarness({
      engines: { aoai: { connections_per_minute: 60 } },
      sites: { small: { engine: 'aoai', limits: { connections_per_minute: 6, queue_seconds: 0 } }, open: { engine: 'aoai', limits: { queue_seconds: 0 } } },
    });
    expect(statuses(await h.admitAll('small', 3))).toEqual(['admitted', 'rejected', 'rejected']);
    const snapshot = await h.admission.snapshot();
    expect(snapshot.engines.aoai!.tokensLeft).toBe(9);
    expect(snapshot.sites.small!.tokensLeft).toBe(0);
    // The site without a share draws only from the engine: all nine remaining tokens.
    expect(statuses(await h.admitAll('open', 10))).toEqual([...Array(9).fill('admitted'), 'rejected']);
  });

  it("takes no site token when the engine's bucket refuses", async () => {
    const h = createHarness({
      engines: { aoai: { connections_per_minute: 6 } },
      sites: { shared: { engine: 'aoai', limits: { connections_per_minute: 60, queue_seconds: 0 } }, other: { engine: 'aoai', limits: { queue_seconds: 0 } } },
    });
    expect(statuses(await h.admitAll('other', 1))).toEqual(['admitted']);
    expect(statuses(await h.admitAll('shared', 1))).toEqual(['rejected']);
    const snapshot = await h.admission.snapshot();
    expect(snapshot.sites.shared!.tokensLeft).toBe(10);
    expect(snapshot.engines.aoai!.tokensLeft).toBe(0);
  });

  it('admits without a connection limit on an engine without a quota', async () => {
    const h = createHarness({ engines: { local: undefined }, sites: { demo: { engine: 'local', limits: { queue_seconds: 0 } } } });
    expect(statuses(await h.admitAll('demo', 50))).toEqual(Array(50).fill('admitted'));
    expect((await h.admission.snapshot()).engines.local!.tokensLeft).toBeNull();
  });

  it('follows a reloaded quota on the next admit', async () => {
    const configs = [6, 120].map((connectionsPerMinute) =>
      makeConfig({ engines: { aoai: { connections_per_minute: connectionsPerMinute } }, sites: { docs: { engine: 'aoai', limits: { queue_seconds: 0 } } } }),
    );
    let current = configs[0]!;
    const h = createHarness(() => current);
    expect(statuses(await h.admitAll('docs', 2))).toEqual(['admitted', 'rejected']);
    current = configs[1]!;
    await h.clock.advanceAsync(10_000);
    expect(statuses(await h.admitAll('docs', 3)).filter((status) => status === 'admitted').length).toBeGreaterThan(1);
  });
});

