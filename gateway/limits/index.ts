/**
 * Limits: connection quota aligned to Azure's window, per-site shares, queueing, visitors,
 * concurrency, budgets and tokens per minute, over a memory or Redis store.
 */
export { createAdmission, CONCURRENCY_RETRY_MS, STORE_RETRY_MS } from './admission.js';
export type { AdmissionOptions, LimitsAdmission } from './admission.js';
export { createStore } from './stores/create.js';
export { createMemoryStore } from './stores/memory.js';
export { createRedisStore } from './stores/redis.js';
export type { RedisStoreOptions } from './stores/redis.js';
export { createFailoverStore } from './stores/failover.js';
export type { FailoverOptions } from './stores/failover.js';
export { createChannelStore, serveStore } from './stores/channel.js';
export type { ChannelStoreOptions, StoreChannel, StoreRequest, StoreResponse } from './stores/channel.js';
export { StoreUnavailableError } from './stores/store.js';
export type { BucketSpec, LimitsLogger, SlotSpec, Store, TakeResult } from './stores/store.js';
export type { EngineSnapshot, LimitsSnapshot, ScopeSnapshot } from './snapshot.js';
export { dayKey, nextMidnight } from './day.js';
export { connectionBucket } from './buckets.js';
export type { Admission, AdmissionRequest, Lease } from './types.js';
