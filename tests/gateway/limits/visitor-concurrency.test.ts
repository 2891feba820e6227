import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../gateway/errors.js';
import { CONCURRENCY_RETRY_MS } from '../../../gateway/limits/admission.js';
import { createHarness, statuses } from './harness.js';
import type { Attempt } from './harness.js';

const code = (attempt: Attempt): string | undefined => (attempt.error instanceof GatewayError ? attempt.error.code : undefined);

describe('visitor limit', () => {
  it('refuses a visitor over per_visitor_per_minute at once, until the minute ends', async () => {
    const h = createHarness({ engines: { local: undefined }, sites: { docs: { engine: 'local', limits: { per_visitor_per_minute: 1 } } } });
    const first = h.admit('docs', '203.0.113.7');
    const again = h.admit('docs', '203.0.113.7');
    const someoneElse = h.admit('docs', '198.51.100.2');
    await h.settle();
    expect(statuses([first, again, someoneElse])).toEqual(['admitted', 'rejected', 'admitted']);
    expect(code(again)).toBe('rate_limited');
    expect(again.onQueued).not.toHaveBeenCalled();
    // The fake clock starts at 12:00:00.000: the minute ends in 60 s.
    expect((again.error as GatewayError).retryAfterMs).toBe(60_000);
    await h.clock.advanceAsync(60_000);
    const nextMinute = h.admit('docs', '203.0.113.7');
    await h.settle();
    expect(nextMinute.status).toBe('admitted');
  });
});

describe('concurrency', () => {
  it("refuses past the site's max_concurrent at once and admits again after a release", async () => {
    const h = createHarness({ engines: { local: undefined }, sites: { docs: { engine: 'local', limits: { max_concurrent: 2 } } } });
    const [first, , third] = await h.admitAll('docs', 3);
    expect(third!.status).toBe('rejected');
    expect(code(third!)).toBe('rate_limited');
    expect((third!.error as GatewayError).retryAfterMs).toBe(CONCURRENCY_RETRY_MS);
    first!.lease!.release();
    await h.settle();
    expect(statuses(await h.admitAll('docs', 1))).toEqual(['admitted']);
  });

  it('frees one slot however often a lease is released', async () => {
    const h = createHarness({ engines: { local: undefined }, sites: { docs: { engine: 'local', limits: { max_concurrent: 2 } } } });
    const [first] = await h.admitAll('docs', 2);
    first!.lease!.release();
    first!.lease!.release();
    await h.settle();
    expect(statuses(await h.admitAll('docs', 2))).toEqual(['admitted', 'rejected']);
  });

  it("refuses past the engine's max_concurrent across sites", async () => {
    const h = createHarness({
      engines: { aoai: { connections_per_minute: 600, max_concurrent: 2 } },
      sites: { a: { engine: 'aoai' }, b: { engine: 'aoai' } },
    });
    expect(statuses(await h.admitAll('a', 2))).toEqual(['admitted', 'admitted']);
    const [refused] = await h.admitAll('b', 1);
    expect(code(refused!)).toBe('rate_limited');
    expect((await h.admission.snapshot()).engines.aoai!.concurrent).toBe(2);
  });

  it('takes no connection token when concurrency refuses', async () => {
    const h = createHarness({
      engines: { aoai: { connections_per_minute: 60 } },
      sites: { docs: { engine: 'aoai', limits: { max_concurrent: 1 } } },
    });
    expect(statuses(await h.admitAll('docs', 3))).toEqual(['admitted', 'rejected', 'rejected']);
    expect((await h.admission.snapshot()).engines.aoai!.tokensLeft).toBe(9);
  });

  it('keeps the slot of a session that waits in the queue longer than the lease time', async () => {
    // One token a minute: the third session waits two minutes, twice the default lease time.
    const h = createHarness({
      engines: { aoai: { connections_per_minute: 1 } },
      sites: { docs: { engine: 'aoai', limits: { max_concurrent: 3, queue_seconds: 150 } } },
    });
    const attempts = await h.admitAll('docs', 3);
    await h.clock.advanceAsync(120_000);
    expect(statuses(attempts)).toEqual(['admitted', 'admitted', 'admitted']);
    expect((await h.admission.snapshot()).sites.docs!.concurrent).toBe(3);
    expect(statuses(await h.admitAll('docs', 1))).toEqual(['rejected']);
  });

  it('keeps the slots of a live session past the lease time by its heartbeat', async () => {
    const h = createHarness({ engines: { local: undefined }, sites: { docs: { engine: 'local', limits: { max_concurrent: 1 } } } });
    await h.admitAll('docs', 1);
    await h.clock.advanceAsync(10 * 60_000);
    expect(statuses(await h.admitAll('docs', 1))).toEqual(['rejected']);
  });
});
