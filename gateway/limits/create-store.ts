import type { Clock } from '../clock.js';
import type { StoreConfig } from '../config/schema.js';
import { createFailoverStore } from './failover-store.js';
import { createMemoryStore } from './memory-store.js';
import { createRedisStore } from './redis-store.js';
import type { LimitsLogger, Store } from './store.js';

/** The store `store:` in the config asks for: memory, or Redis with a memory fallback per `on_failure`. */
export function createStore(config: StoreConfig, deps: { logger: LimitsLogger; clock: Clock }): Store {
  if (config.kind === 'memory') return createMemoryStore(deps.clock);
  return createFailoverStore({
    primary: createRedisStore({ url: config.url, keyPrefix: config.key_prefix }),
    fallback: createMemoryStore(deps.clock),
    onFailure: config.on_failure,
    clock: deps.clock,
    logger: deps.logger,
  });
}
