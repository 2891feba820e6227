/** Builds the store the config's `store:` block asks for. */
import type { Clock } from '../../clock.js';
import type { StoreConfig } from '../../config/schema.js';
import { createFailoverStore } from './failover.js';
import { createMemoryStore } from './memory.js';
import type { LimitsLogger, Store } from './store.js';

/**
 * The store `store:` in the config asks for: memory, or Redis with a memory fallback per
 * `on_failure`. The Redis client (≈ 8 MB resident) loads only when the config names Redis.
 */
export async function createStore(config: StoreConfig, deps: { logger: LimitsLogger; clock: Clock }): Promise<Store> {
  if (config.kind === 'memory') return createMemoryStore(deps.clock);
  const { createRedisStore } = await import('./redis.js');
  return createFailoverStore({
    primary: createRedisStore(
      config.cluster ? { cluster: config.cluster, keyPrefix: config.key_prefix } : { url: config.url!, keyPrefix: config.key_prefix },
    ),
    fallback: createMemoryStore(deps.clock),
    onFailure: config.on_failure,
    clock: deps.clock,
    logger: deps.logger,
  });
}
