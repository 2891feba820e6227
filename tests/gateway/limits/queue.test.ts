import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../gateway/errors.js';
import { createHarness, statuses } from './harness.js';

// 6 per minute with a 10 s window: one token, a new one every 10 s.
const shape = (queueSeconds: number) => ({
  engines: { aoai: { connections_per_minute: 6 } },
  sites: { docs: { engine: 'aoai', limits: { queue_seconds: queueSeconds } } },
});

describe('queue', () => {
  it('tells each waiter its estimated wait and admits them in arrival order', async () => {
    const h = createHarness(shape(60));
    const [first, second] = await h.admitAll('docs', 2);
    await h.clock.advanceAsync(5_000);
    const third = h.admit('docs');
    await h.settle();
    expect(first!.onQueued).not.toHaveBeenCalled();
    expect(second!.onQueued).toHaveBeenCalledWith(10_000);
    expect(third.onQueued).toHaveBeenCalledWith(15_000);
    expect(statuses([first!, second!, third])).toEqual(['admitted', 'pending', 'pending']);
    await h.clock.advanceAsync(5_000);
    expect(statuses([second!, third])).toEqual(['admitted', 'pending']);
    await h.clock.advanceAsync(10_000);
    expect(third.status).toBe('admitted');
  });

  it('keeps a later arrival behind an earlier one waiting for the same buckets', async () => {
    const h = createHarness(shape(60));
    const attempts = await h.admitAll('docs', 5);
    for (let step = 1; step <= 4; step++) {
      await h.clock.advanceAsync(10_000);
      expect(statuses(attempts).filter((status) => status === 'admitted')).toHaveLength(step + 1);
      expect(attempts[step]!.status).toBe('admitted');
    }
    expect(attempts.map((attempt) => attempt.settledAt! - attempts[0]!.settledAt!)).toEqual([0, 10_000, 20_000, 30_000, 40_000]);
  });

  it('answers rate_limited with retryAfterMs when no token frees within queue_seconds', async () => {
    const h = createHarness(shape(8));
    const [, waiting] = await h.admitAll('docs', 2);
    await h.clock.advanceAsync(7_999);
    expect(waiting!.status).toBe('pending');
    await h.clock.advanceAsync(1);
    expect(waiting!.status).toBe('rejected');
    const error = waiting!.error as GatewayError;
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(2_000);
  });

  it('refuses at once without queueing when queue_seconds is 0', async () => {
    const h = createHarness(shape(0));
    const [, refused] = await h.admitAll('docs', 2);
    expect(refused!.status).toBe('rejected');
    expect((refused!.error as GatewayError).code).toBe('rate_limited');
    expect((refused!.error as GatewayError).retryAfterMs).toBe(10_000);
    expect(refused!.onQueued).not.toHaveBeenCalled();
  });

  it('frees the place of a visitor who leaves the queue', async () => {
    const h = createHarness(shape(60));
    const [, leaving, staying] = await h.admitAll('docs', 3);
    expect(staying!.onQueued).toHaveBeenCalledWith(20_000);
    leaving!.abort();
    await h.settle();
    expect(leaving!.status).toBe('rejected');
    expect((leaving!.error as Error).name).toBe('AbortError');
    await h.clock.advanceAsync(10_000);
    expect(staying!.status).toBe('admitted');
    expect((await h.admission.snapshot()).sites.docs!.queued).toBe(0);
  });

  it('frees the concurrency slot of a visitor who leaves the queue', async () => {
    const h = createHarness({
      engines: { aoai: { connections_per_minute: 6 } },
      sites: { docs: { engine: 'aoai', limits: { queue_seconds: 60, max_concurrent: 2 } } },
    });
    const [, leaving] = await h.admitAll('docs', 2);
    expect((await h.admission.snapshot()).sites.docs!.concurrent).toBe(2);
    leaving!.abort();
    await h.settle();
    expect((await h.admission.snapshot()).sites.docs!.concurrent).toBe(1);
  });

  it('keeps separate lines per site so one site does not wait behind another', async () => {
    const h = createHarness({
      engines: { aoai: { connections_per_minute: 60 } },
      sites: {
        small: { engine: 'aoai', limits: { connections_per_minute: 6, queue_seconds: 60 } },
        other: { engine: 'aoai', limits: { queue_seconds: 60 } },
      },
    });
    const small = await h.admitAll('small', 2);
    const other = await h.admitAll('other', 2);
    expect(statuses(small)).toEqual(['admitted', 'pending']);
    expect(statuses(other)).toEqual(['admitted', 'admitted']);
  });
});
