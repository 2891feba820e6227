/**
 * Limits: connection quota aligned to Azure's window, per-site shares, queueing, visitors,
 * concurrency, budgets and tokens per minute, over a memory or Redis store.
 */
export { createAdmission, CONCURRENCY_RETRY_MS, STORE_RETRY_MS } from './admission.js';
export type { AdmissionOptions, LimitsAdmission } from './admission.js';
export { createStore } from './create-store.js';
export { createMemoryStore } from './memory-store.js';
export { createRedisStore } from './redis-store.js';
export type { RedisStoreOptions } from './redis-store.js';
export { createFailoverStore } from './failover-store.js';
export type { FailoverOptions } from './failover-store.js';
export { StoreUnavailableError } from './store.js';
export type { BucketSpec, LimitsLogger, SlotSpec, Store, TakeResult } from './store.js';
export type { EngineSnapshot, LimitsSnapshot, ScopeSnapshot } from './snapshot.js';
export { dayKey, nextMidnight } from './day.js';
export { connectionBucket } from './keys.js';
export type { Admission, AdmissionRequest, Lease } from './types.js';
