/** Wraps the shared store so an outage is decided once, by `on_failure`, and logged once per transition. */
import type { Clock } from '../../clock.js';
import { createHealth } from './health.js';
import { StoreUnavailableError } from './store.js';
import type { LimitsLogger, Store } from './store.js';

/** Options of {@link createFailoverStore}. */
export interface FailoverOptions {
  primary: Store;
  /** Serves requests while the primary is down when `onFailure` is `open`. */
  fallback: Store;
  /** `closed`: operations throw {@link StoreUnavailableError}; `open`: they run on the fallback. */
  onFailure: 'closed' | 'open';
  clock: Clock;
  logger: LimitsLogger;
  /** While down, try the primary again at most this often. @default 1000 */
  probeMs?: number;
}

type Method = Exclude<keyof Store, 'kind' | 'healthy' | 'onHealthChange' | 'close'>;

/**
 * Wraps a shared store so an outage is decided once, by `on_failure`, and logged once per
 * transition (down, up) rather than per request.
 */
export function createFailoverStore(options: FailoverOptions): Store {
  const { primary, fallback, onFailure, clock, logger } = options;
  const probeMs = options.probeMs ?? 1_000;
  const health = createHealth(true);
  let lastFailure = -Infinity;

  function setUp(value: boolean, cause?: unknown): void {
    if (health.healthy() === value) return;
    if (value) logger.info({ store: primary.kind }, 'limits store reachable again');
    else
      logger.warn(
        { store: primary.kind, onFailure, err: cause instanceof Error ? (cause.cause ?? cause) : cause },
        onFailure === 'open' ? 'limits store unreachable: admitting on local limits' : 'limits store unreachable: refusing new sessions',
      );
    health.set(value);
  }

  primary.onHealthChange((healthy) => {
    if (healthy) {
      // Reconnected (ioredis checked the server answers): use it again from the next call.
      lastFailure = -Infinity;
      setUp(true);
    } else {
      lastFailure = clock.now();
      setUp(false);
    }
  });

  function call<M extends Method>(method: M, args: Parameters<Store[M]>): ReturnType<Store[M]> {
    const onFallback = (cause: unknown): ReturnType<Store[M]> => {
      if (onFailure === 'closed') throw cause instanceof StoreUnavailableError ? cause : new StoreUnavailableError('limits store unreachable', { cause });
      return (fallback[method] as (...a: unknown[]) => ReturnType<Store[M]>)(...args);
    };
    const run = async (): Promise<unknown> => {
      if (!health.healthy() && clock.now() - lastFailure < probeMs) return onFallback(new StoreUnavailableError('limits store unreachable'));
      let result: unknown;
      try {
        result = await (primary[method] as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        lastFailure = clock.now();
        setUp(false, error);
        return onFallback(error);
      }
      // A call with nothing to ask (no keys) succeeds without Redis: only a connected primary counts.
      if (primary.healthy()) setUp(true);
      return result;
    };
    return run() as ReturnType<Store[M]>;
  }

  return {
    kind: primary.kind,
    takeTokens: (...args) => call('takeTokens', args),
    peekTokens: (...args) => call('peekTokens', args),
    blockBucket: (...args) => call('blockBucket', args),
    addToCounter: (...args) => call('addToCounter', args),
    incrementBelow: (...args) => call('incrementBelow', args),
    readCounters: (...args) => call('readCounters', args),
    acquireSlots: (...args) => call('acquireSlots', args),
    refreshSlots: (...args) => call('refreshSlots', args),
    releaseSlots: (...args) => call('releaseSlots', args),
    countSlots: (...args) => call('countSlots', args),
    joinLine: (...args) => call('joinLine', args),
    takeInTurn: (...args) => call('takeInTurn', args),
    refreshTicket: (...args) => call('refreshTicket', args),
    leaveLine: (...args) => call('leaveLine', args),
    healthy: health.healthy,
    onHealthChange: health.onHealthChange,
    async close(): Promise<void> {
      health.clear();
      await Promise.all([primary.close(), fallback.close()]);
    },
  };
}
