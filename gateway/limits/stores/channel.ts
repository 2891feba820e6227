/**
 * A limits store reached over a message channel: workers of one gateway (`serve --workers N`)
 * share the primary's memory store through it, so every limit holds across them as it does
 * across nodes through Redis. Runtime-free: the channel is two functions (node/cluster.ts
 * wires them to cluster IPC).
 */
import { StoreUnavailableError, type Store } from './store.js';

/** One end of a message channel (structured-clone or JSON messages). */
export interface StoreChannel {
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
}

const CALLS = [
  'takeTokens',
  'peekTokens',
  'blockBucket',
  'addToCounter',
  'incrementBelow',
  'readCounters',
  'acquireSlots',
  'refreshSlots',
  'releaseSlots',
  'countSlots',
  'joinLine',
  'takeInTurn',
  'refreshTicket',
  'leaveLine',
] as const satisfies ReadonlyArray<keyof Store>;
type Call = (typeof CALLS)[number];

/** Marks this channel's messages among others on the same IPC link. */
const TAG = 'voice-rag/limits-store';

interface CallMessage {
  tag: typeof TAG;
  id: number;
  call: Call;
  args: unknown[];
}
interface ReplyMessage {
  tag: typeof TAG;
  id: number;
  value?: unknown;
  error?: string;
}

const isOurs = (message: unknown): message is Record<string, unknown> =>
  typeof message === 'object' && message !== null && (message as { tag?: unknown }).tag === TAG;

/**
 * The worker's side: a Store whose every call runs in the store at the other end. A call that
 * gets no answer within `timeoutMs` fails as StoreUnavailableError, like an unreachable Redis.
 */
export function createChannelStore(channel: StoreChannel, options: { timeoutMs?: number } = {}): Store {
  const timeoutMs = options.timeoutMs ?? 2000;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void; timer: ReturnType<typeof setTimeout> }>();
  let nextId = 0;
  channel.onMessage((message) => {
    if (!isOurs(message) || typeof message.id !== 'number') return;
    const call = pending.get(message.id);
    if (!call) return;
    pending.delete(message.id);
    clearTimeout(call.timer);
    if (typeof message.error === 'string') call.reject(new StoreUnavailableError(message.error));
    else call.resolve(message.value);
  });
  const remote = (call: Call) => (...args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new StoreUnavailableError(`the primary's limits store did not answer ${call} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      channel.post({ tag: TAG, id, call, args } satisfies CallMessage);
    });
  const calls = Object.fromEntries(CALLS.map((call) => [call, remote(call)])) as Pick<Store, Call>;
  return {
    kind: 'memory',
    ...calls,
    healthy: () => true,
    onHealthChange: () => () => {},
    async close() {
      for (const [id, call] of pending) {
        clearTimeout(call.timer);
        call.reject(new StoreUnavailableError('the limits store is closed'));
        pending.delete(id);
      }
    },
  };
}

/** The primary's side: answers the calls that arrive on `channel` from `store`. */
export function serveStoreOverChannel(store: Store, channel: StoreChannel): void {
  channel.onMessage((message) => {
    if (!isOurs(message) || typeof message.id !== 'number' || !CALLS.includes(message.call as Call) || !Array.isArray(message.args)) return;
    const id = message.id;
    const method = store[message.call as Call] as (...args: unknown[]) => Promise<unknown>;
    method.apply(store, message.args).then(
      (value) => channel.post({ tag: TAG, id, value } satisfies ReplyMessage),
      (error: unknown) => channel.post({ tag: TAG, id, error: error instanceof Error ? error.message : String(error) } satisfies ReplyMessage),
    );
  });
}
