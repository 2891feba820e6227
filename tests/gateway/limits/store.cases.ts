/**
 * One suite for every Store (STYLE.md §8): memory on a fake clock, Redis and Redis Cluster on
 * the real one. Durations are short so the real-clock run stays fast.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BucketSpec, Store } from '../../../gateway/limits/stores/store.js';

/** A store under test and the time it runs on. */
export interface StoreFixture {
  store: Store;
  now(): number;
  /** Lets `ms` pass: advances a fake clock, or sleeps on the real one. */
  pass(ms: number): Promise<void>;
  dispose(): Promise<void>;
}

/** Registers the shared Store cases; `skip` is a reason, or undefined to run. */
export function storeCases(name: string, make: () => Promise<StoreFixture>, skip?: string): void {
  const suite = skip ? describe.skip : describe;
  suite(`${name} store${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let fixture: StoreFixture;
    let store: Store;
    // Keys one call touches together share a hash tag, as the limiter's do (a Redis Cluster
    // refuses a script across slots); each test has its own, so tests spread over the nodes.
    let tag = 0;
    const key = (name: string): string => `{case-${tag}}${name}`;
    beforeEach(async () => {
      tag++;
      fixture = await make();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    // One token a second. Bucket state follows the caller's `now`, so the steps pass explicit
    // times instead of waiting (the real clock of a busy machine would make this flaky).
    const bucket = (key: string, capacity = 2): BucketSpec => ({ key, capacity, refillPerSecond: 1 });

    it('gives a full bucket its capacity at once, then refuses with the wait for one token', async () => {
      const spec = bucket(key('b'), 2);
      const t = fixture.now();
      expect((await store.takeTokens([spec], t)).taken).toBe(true);
      expect((await store.takeTokens([spec], t)).taken).toBe(true);
      expect(await store.takeTokens([spec], t + 250)).toEqual({ taken: false, waitMs: 750 });
    });

    it('refills at its rate', async () => {
      const spec = bucket(key('b'), 1);
      const t = fixture.now();
      expect((await store.takeTokens([spec], t)).taken).toBe(true);
      expect((await store.takeTokens([spec], t + 999)).taken).toBe(false);
      expect((await store.takeTokens([spec], t + 1_000)).taken).toBe(true);
    });

    it('takes from every bucket or from none', async () => {
      const a = bucket(key('a'), 1);
      const b = bucket(key('b'), 1);
      const t = fixture.now();
      expect((await store.takeTokens([b], t)).taken).toBe(true);
      expect((await store.takeTokens([a, b], t)).taken).toBe(false);
      expect(await store.peekTokens([a, b], t)).toEqual([1, 0]);
      expect((await store.takeTokens([a], t)).taken).toBe(true);
    });

    it('reports a fresh bucket full and an unlimited one as Infinity', async () => {
      const unlimited: BucketSpec = { key: key('u'), capacity: Infinity, refillPerSecond: 1 };
      expect(await store.peekTokens([bucket(key('fresh'), 3), unlimited], fixture.now())).toEqual([3, Infinity]);
    });

    it('always gives from an unlimited bucket until it is blocked, then waits out the block', async () => {
      const unlimited: BucketSpec = { key: key('u'), capacity: Infinity, refillPerSecond: 1 };
      const t = fixture.now();
      for (let index = 0; index < 5; index++) expect((await store.takeTokens([unlimited], t)).taken).toBe(true);
      await store.blockBucket(unlimited, t + 2_000, t);
      expect(await store.takeTokens([unlimited], t + 500)).toEqual({ taken: false, waitMs: 1_500 });
      expect(await store.peekTokens([unlimited], t + 500)).toEqual([0]);
      expect((await store.takeTokens([unlimited], t + 2_000)).taken).toBe(true);
    });

    it('empties a blocked bucket and refills it only after the block', async () => {
      const spec = bucket(key('b'), 2);
      const t = fixture.now();
      await store.blockBucket(spec, t + 2_000, t);
      expect(await store.takeTokens([spec], t)).toEqual({ taken: false, waitMs: 3_000 });
      expect((await store.takeTokens([spec], t + 2_999)).taken).toBe(false);
      expect((await store.takeTokens([spec], t + 3_000)).taken).toBe(true);
    });

    it('keeps the later of two blocks', async () => {
      const spec = bucket(key('b'), 2);
      const t = fixture.now();
      await store.blockBucket(spec, t + 3_000, t);
      await store.blockBucket(spec, t + 1_000, t);
      expect((await store.takeTokens([spec], t + 3_500)).taken).toBe(false);
      expect((await store.takeTokens([spec], t + 4_000)).taken).toBe(true);
    });

    it('takes no more than its capacity within one window, even once refilled', async () => {
      const spec: BucketSpec = { key: key('w'), capacity: 2, refillPerSecond: 1, windowMs: 10_000 };
      const t = fixture.now();
      expect((await store.takeTokens([spec], t)).taken).toBe(true);
      expect((await store.takeTokens([spec], t + 1)).taken).toBe(true);
      expect(await store.peekTokens([spec], t + 3_000)).toEqual([0]);
      expect(await store.takeTokens([spec], t + 3_000)).toEqual({ taken: false, waitMs: 7_000 });
      expect((await store.takeTokens([spec], t + 10_000)).taken).toBe(true);
      expect(await store.takeTokens([spec], t + 10_000)).toEqual({ taken: false, waitMs: 1 });
      expect((await store.takeTokens([spec], t + 10_001)).taken).toBe(true);
    });

    it('adds fractional amounts to counters and reads a missing counter as 0', async () => {
      await store.addToCounter(key('c'), 0.25, 10_000);
      expect(await store.addToCounter(key('c'), 1.5, 10_000)).toBeCloseTo(1.75);
      expect(await store.readCounters([key('c'), key('missing')])).toEqual([1.75, 0]);
    });

    it('forgets a counter after its time to live', async () => {
      await store.addToCounter(key('c'), 3, 60);
      await store.addToCounter(key('c'), 3, 60_000);
      await fixture.pass(120);
      expect(await store.readCounters([key('c')])).toEqual([0]);
    });

    it('increments below a limit and refuses at it', async () => {
      expect(await store.incrementBelow(key('v'), 2, 10_000)).toEqual({ ok: true, value: 1 });
      expect(await store.incrementBelow(key('v'), 2, 10_000)).toEqual({ ok: true, value: 2 });
      expect(await store.incrementBelow(key('v'), 2, 10_000)).toEqual({ ok: false, value: 2 });
      expect(await store.readCounters([key('v')])).toEqual([2]);
    });

    it('acquires slots in every set or in none, naming the full one', async () => {
      const now = fixture.now();
      expect(await store.acquireSlots([{ key: key('a'), limit: 1 }], 'h1', now + 10_000, now)).toEqual({ acquired: true });
      const refused = await store.acquireSlots(
        [
          { key: key('b'), limit: 5 },
          { key: key('a'), limit: 1 },
        ],
        'h2',
        now + 10_000,
        now,
      );
      expect(refused).toEqual({ acquired: false, fullKey: key('a') });
      expect(await store.countSlots([key('a'), key('b')], now)).toEqual([1, 0]);
    });

    it('counts slots without a limit and frees them on release, twice harmlessly', async () => {
      const now = fixture.now();
      await store.acquireSlots([{ key: key('s'), limit: Infinity }], 'h1', now + 10_000, now);
      await store.acquireSlots([{ key: key('s'), limit: Infinity }], 'h2', now + 10_000, now);
      expect(await store.countSlots([key('s')], now)).toEqual([2]);
      await store.releaseSlots([key('s')], 'h1');
      await store.releaseSlots([key('s')], 'h1');
      expect(await store.countSlots([key('s')], now)).toEqual([1]);
      expect((await store.acquireSlots([{ key: key('s'), limit: 2 }], 'h3', now + 10_000, now)).acquired).toBe(true);
    });

    it('lets a slot expire unless its holder refreshes it', async () => {
      // Slot expiry follows the caller's `now`, so the steps need no waiting.
      const start = fixture.now();
      await store.acquireSlots([{ key: key('s'), limit: 2 }], 'kept', start + 10_000, start);
      await store.acquireSlots([{ key: key('s'), limit: 2 }], 'lost', start + 10_000, start);
      await store.refreshSlots([key('s')], 'kept', start + 15_000, start + 5_000);
      const later = start + 12_000;
      expect(await store.countSlots([key('s')], later)).toEqual([1]);
      expect((await store.acquireSlots([{ key: key('s'), limit: 2 }], 'new', later + 10_000, later)).acquired).toBe(true);
      expect((await store.acquireSlots([{ key: key('s'), limit: 2 }], 'more', later + 10_000, later)).acquired).toBe(false);
    });

    it('does not bring back a released slot on refresh', async () => {
      const now = fixture.now();
      await store.acquireSlots([{ key: key('s'), limit: 1 }], 'h', now + 10_000, now);
      await store.releaseSlots([key('s')], 'h');
      await store.refreshSlots([key('s')], 'h', now + 20_000, now);
      expect(await store.countSlots([key('s')], now)).toEqual([0]);
    });

    it('orders tickets by arrival and keeps a place when the same ticket joins again', async () => {
      const t = fixture.now();
      const line = key('line');
      expect(await store.joinLine(line, 'first', t + 10_000, t)).toBe(0);
      expect(await store.joinLine(line, 'second', t + 10_000, t)).toBe(1);
      expect(await store.joinLine(line, 'third', t + 10_000, t)).toBe(2);
      expect(await store.joinLine(line, 'second', t + 10_000, t)).toBe(1);
      await store.leaveLine(line, 'first');
      await store.leaveLine(line, 'first');
      expect(await store.joinLine(line, 'third', t + 10_000, t)).toBe(1);
    });

    it('lets only the head of the line take, without costing a token to those behind', async () => {
      const t = fixture.now();
      const line = key('line');
      const spec = bucket(key('b'), 2);
      await store.joinLine(line, 'head', t + 10_000, t);
      expect(await store.takeInTurn(line, 'behind', t + 10_000, [spec], t)).toEqual({ taken: false, waitMs: 0, ahead: 1 });
      expect(await store.peekTokens([spec], t)).toEqual([2]);
      expect(await store.takeInTurn(line, 'head', t + 10_000, [spec], t)).toEqual({ taken: true, waitMs: 0, ahead: 0 });
      expect(await store.takeInTurn(line, 'behind', t + 10_000, [spec], t)).toEqual({ taken: true, waitMs: 0, ahead: 0 });
      // The head waits for the bucket like anyone; the line is empty again after the two takes.
      expect(await store.takeInTurn(line, 'late', t + 10_000, [spec], t + 250)).toEqual({ taken: false, waitMs: 750, ahead: 0 });
      expect(await store.joinLine(line, 'later', t + 10_000, t + 250)).toBe(1);
    });

    it('reports the wait for a token to those behind the head too', async () => {
      const t = fixture.now();
      const line = key('line');
      const spec = bucket(key('b'), 1);
      expect((await store.takeTokens([spec], t)).taken).toBe(true);
      await store.joinLine(line, 'head', t + 10_000, t);
      expect(await store.takeInTurn(line, 'behind', t + 10_000, [spec], t + 400)).toEqual({ taken: false, waitMs: 600, ahead: 1 });
    });

    it("drops a ticket whose lease ran out (a dead node's), unless it was renewed", async () => {
      const t = fixture.now();
      const line = key('line');
      await store.joinLine(line, 'dead', t + 1_000, t);
      await store.joinLine(line, 'alive', t + 1_000, t);
      await store.joinLine(line, 'last', t + 5_000, t);
      await store.refreshTicket(line, 'alive', t + 5_000, t + 500);
      expect(await store.joinLine(line, 'last', t + 5_000, t + 1_000)).toBe(1);
      expect((await store.takeInTurn(line, 'alive', t + 5_000, [bucket(key('b'))], t + 1_000)).taken).toBe(true);
      expect(await store.joinLine(line, 'last', t + 5_000, t + 1_000)).toBe(0);
    });

    it('does not bring back a ticket on refresh once it left, or once its lease ran out', async () => {
      const t = fixture.now();
      const line = key('line');
      await store.joinLine(line, 'gone', t + 1_000, t);
      await store.joinLine(line, 'expired', t + 1_000, t);
      await store.leaveLine(line, 'gone');
      await store.refreshTicket(line, 'gone', t + 10_000, t);
      await store.refreshTicket(line, 'expired', t + 10_000, t + 1_000);
      expect(await store.joinLine(line, 'new', t + 10_000, t + 1_000)).toBe(0);
    });
  });
}
