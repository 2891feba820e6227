/**
 * Cluster-wide readings for `serve --workers N`: the worker that answers `/metrics` or `/status`
 * asks the primary, the primary asks every worker for its own reading over the cluster's IPC
 * channel, and hands the list back. Each worker answers with what it registered for the topic.
 */
import type { Worker } from 'node:cluster';

/** What a worker can be asked for. */
export type GatherTopic = 'metrics' | 'status';

type GatherMessage =
  | { voiceRagGather: 'ask'; id: number; topic: GatherTopic }
  | { voiceRagGather: 'collect'; id: number; topic: GatherTopic }
  | { voiceRagGather: 'reading'; id: number; value?: unknown; error?: string }
  | { voiceRagGather: 'gathered'; id: number; values?: unknown[]; error?: string };

const isGather = (message: unknown): message is GatherMessage =>
  typeof message === 'object' && message !== null && typeof (message as { voiceRagGather?: unknown }).voiceRagGather === 'string';

/** How long the primary waits for every worker's reading, and a worker for the primary's answer. */
export const GATHER_TIMEOUT_MS = 3000;

/** In the primary: answers workers' `ask` messages by collecting a reading from every live worker. */
export function serveGather(workers: () => Worker[]): (worker: Worker) => void {
  let nextId = 0;
  const pending = new Map<number, (worker: Worker, message: GatherMessage) => void>();
  const ask = (asker: Worker, id: number, topic: GatherTopic) => {
    const live = workers().filter((worker) => worker.isConnected());
    const values: unknown[] = [];
    const collectId = nextId++;
    let waiting = live.length;
    const answer = (reply: Omit<Extract<GatherMessage, { voiceRagGather: 'gathered' }>, 'voiceRagGather' | 'id'>) => {
      clearTimeout(timer);
      pending.delete(collectId);
      if (asker.isConnected()) asker.send({ voiceRagGather: 'gathered', id, ...reply });
    };
    const timer = setTimeout(() => answer({ error: `${waiting} of ${live.length} workers did not answer within ${GATHER_TIMEOUT_MS} ms` }), GATHER_TIMEOUT_MS);
    pending.set(collectId, (_worker, message) => {
      if (message.voiceRagGather !== 'reading') return;
      if (message.error !== undefined) return answer({ error: message.error });
      values.push(message.value);
      if (--waiting === 0) answer({ values });
    });
    for (const worker of live) worker.send({ voiceRagGather: 'collect', id: collectId, topic });
  };
  // Called for each worker the primary forks.
  return (worker) => {
    worker.on('message', (message: unknown) => {
      if (!isGather(message)) return;
      if (message.voiceRagGather === 'ask') ask(worker, message.id, message.topic);
      else if (message.voiceRagGather === 'reading') pending.get(message.id)?.(worker, message);
    });
  };
}

const readers = new Map<GatherTopic, () => unknown>();
const waiting = new Map<number, (message: Extract<GatherMessage, { voiceRagGather: 'gathered' }>) => void>();
let listening = false;
let nextAsk = 0;

function listen(): void {
  if (listening) return;
  listening = true;
  process.on('message', (message: unknown) => {
    if (!isGather(message)) return;
    if (message.voiceRagGather === 'gathered') waiting.get(message.id)?.(message);
    else if (message.voiceRagGather === 'collect') {
      const reader = readers.get(message.topic);
      const reply = (body: { value?: unknown; error?: string }) => process.send?.({ voiceRagGather: 'reading', id: message.id, ...body });
      if (!reader) return reply({ error: `no ${message.topic} reading in worker ${process.pid}` });
      Promise.resolve()
        .then(reader)
        .then(
          (value) => reply({ value }),
          (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
        );
    }
  });
}

/** In a worker: what this worker answers when the primary collects `topic`. */
export function answerGather(topic: GatherTopic, read: () => unknown): void {
  readers.set(topic, read);
  listen();
}

/** In a worker: every worker's reading of `topic` (this one's included), through the primary. */
export function gather(topic: GatherTopic): Promise<unknown[]> {
  listen();
  const id = nextAsk++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error(`the primary did not answer within ${GATHER_TIMEOUT_MS * 2} ms`));
    }, GATHER_TIMEOUT_MS * 2);
    waiting.set(id, (message) => {
      clearTimeout(timer);
      waiting.delete(id);
      if (message.values) resolve(message.values);
      else reject(new Error(message.error ?? 'no readings'));
    });
    process.send?.({ voiceRagGather: 'ask', id, topic });
  });
}
