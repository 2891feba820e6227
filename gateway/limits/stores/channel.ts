/**
 * A store that lives in another process (a primary) and is reached over a message channel:
 * `createChannelStore` in each worker sends requests, `serveStore` in the primary answers them.
 * The channel is any pair of `send` and `onMessage`, such as Node's cluster IPC.
 */
import type { Clock, ClockTimer } from '../../clock.js';
import { createHealth } from './health.js';
import { StoreUnavailableError } from './store.js';
import type { Store } from './store.js';

/** One end of a message channel; messages are JSON values (Node IPC's default serialization). */
export interface StoreChannel {
  send(message: unknown): void;
  /** Calls `listener` for each message from the other end; may return an unsubscribe. */
  onMessage(listener: (message: unknown) => void): (() => void) | void;
}

/** The store operations that travel over the channel. */
export type StoreOperation = Exclude<keyof Store, 'kind' | 'healthy' | 'onHealthChange' | 'close'>;

const OPERATIONS: readonly StoreOperation[] = [
  'takeTokens', 'peekTokens', 'blockBucket', 'addToCounter', 'incrementBelow', 'readCounters', 'acquireSlots',
  'refreshSlots', 'releaseSlots', 'countSlots', 'joinLine', 'takeInTurn', 'refreshTicket', 'leaveLine',
];

/** A request from a worker: `{ voiceRagStore: 'request', id, op, args }`. */
export interface StoreRequest {
  voiceRagStore: 'request';
  id: number;
  op: StoreOperation;
  args: unknown[];
}

/** The primary's answer: the value, or an error (`unavailable`: the store's backing service is down). */
export interface StoreResponse {
  voiceRagStore: 'response';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { message: string; unavailable: boolean };
}

/** JSON has no Infinity (an unlimited bucket or slot set): it travels as `{ $inf: 1 }` or `{ $inf: -1 }`. */
function encode(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value) && !Number.isNaN(value)) return { $inf: value > 0 ? 1 : -1 };
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, encode(item)]));
  return value;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (Object.keys(record).length === 1 && (record.$inf === 1 || record.$inf === -1)) return record.$inf === 1 ? Infinity : -Infinity;
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, decode(item)]));
  }
  return value;
}

const isRequest = (message: unknown): message is StoreRequest =>
  typeof message === 'object' && message !== null && (message as StoreRequest).voiceRagStore === 'request';
const isResponse = (message: unknown): message is StoreResponse =>
  typeof message === 'object' && message !== null && (message as StoreResponse).voiceRagStore === 'response';

/** Answers a worker's requests on `store` (in the primary); returns a function that stops answering. */
export function serveStore(store: Store, channel: StoreChannel): () => void {
  const stop = channel.onMessage((message) => {
    if (!isRequest(message)) return;
    const answer = (response: Omit<StoreResponse, 'voiceRagStore' | 'id'>): void => channel.send({ voiceRagStore: 'response', id: message.id, ...response });
    if (!OPERATIONS.includes(message.op)) return answer({ ok: false, error: { message: `unknown store operation ${String(message.op)}`, unavailable: false } });
    const run = store[message.op] as (...args: unknown[]) => Promise<unknown>;
    run(...(decode(message.args) as unknown[])).then(
      (value) => answer({ ok: true, value: encode(value) }),
      (error: unknown) =>
        answer({ ok: false, error: { message: error instanceof Error ? error.message : String(error), unavailable: error instanceof StoreUnavailableError } }),
    );
  });
  return () => stop?.();
}

/** Options of {@link createChannelStore}. */
export interface ChannelStoreOptions {
  channel: StoreChannel;
  clock: Clock;
  /** A request unanswered this long fails as unavailable. @default 1000 */
  timeoutMs?: number;
}

/**
 * A store whose every operation is a request to the primary over `channel`. An unanswered
 * request fails with {@link StoreUnavailableError}, so a failover store can apply `on_failure`.
 */
export function createChannelStore(options: ChannelStoreOptions): Store {
  const { channel, clock } = options;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void; timer: ClockTimer }>();
  const health = createHealth(true);
  let nextId = 0;
  let closed = false;

  const stop = channel.onMessage((message) => {
    if (!isResponse(message)) return;
    const call = pending.get(message.id);
    if (!call) return;
    pending.delete(message.id);
    clock.clearTimeout(call.timer);
    health.set(true);
    if (message.ok) call.resolve(decode(message.value));
    else if (message.error?.unavailable) call.reject(new StoreUnavailableError(message.error.message));
    else call.reject(new Error(message.error?.message ?? 'store operation failed'));
  });

  function request(op: StoreOperation, args: unknown[]): Promise<unknown> {
    if (closed) return Promise.reject(new StoreUnavailableError('channel store closed'));
    const id = ++nextId;
    return new Promise((resolve, reject) => {
      const timer = clock.setTimeout(() => {
        pending.delete(id);
        health.set(false);
        reject(new StoreUnavailableError(`the primary did not answer ${op} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      try {
        channel.send({ voiceRagStore: 'request', id, op, args: encode(args) as unknown[] } satisfies StoreRequest);
      } catch (error) {
        pending.delete(id);
        clock.clearTimeout(timer);
        health.set(false);
        reject(new StoreUnavailableError('the channel to the primary is closed', { cause: error }));
      }
    });
  }

  const operations = Object.fromEntries(OPERATIONS.map((op) => [op, (...args: unknown[]) => request(op, args)])) as Pick<Store, StoreOperation>;
  return {
    kind: 'channel',
    ...operations,
    healthy: health.healthy,
    onHealthChange: health.onHealthChange,
    async close(): Promise<void> {
      closed = true;
      stop?.();
      health.clear();
      for (const [id, call] of pending) {
        clock.clearTimeout(call.timer);
        call.reject(new StoreUnavailableError('channel store closed'));
        pending.delete(id);
      }
    },
  };
}
