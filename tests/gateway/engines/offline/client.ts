import WebSocket from 'ws';

/** A server event as received. */
export type ServerEvent = Record<string, any> & { type: string; event_id: string };

/** A test client of the offline engine: records every event and waits for the ones a test needs. */
export interface TestClient {
  events: ServerEvent[];
  send(event: Record<string, unknown>): void;
  sendRaw(data: string | Buffer): void;
  /** The next event (after `from`, an index into `events`) that matches. */
  next(type: string, predicate?: (event: ServerEvent) => boolean, from?: number, timeoutMs?: number): Promise<ServerEvent>;
  isOpen(): boolean;
  close(): Promise<void>;
}

export const RAG_TOOLS = [
  {
    type: 'function',
    name: 'search',
    description: 'Look up passages in the knowledge base.',
    parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'], additionalProperties: false },
  },
  {
    type: 'function',
    name: 'report_grounding',
    description: 'Cite the sources used.',
    parameters: { type: 'object', properties: { sources: { type: 'array', items: { type: 'string' } } }, required: ['sources'] },
  },
];

export async function connect(url: string): Promise<TestClient> {
  const ws = new WebSocket(`${url}?model=offline`);
  const events: ServerEvent[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    events.push(JSON.parse(data.toString()) as ServerEvent);
    for (const wake of [...waiters]) wake();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const client: TestClient = {
    events,
    send: (event) => ws.send(JSON.stringify(event)),
    sendRaw: (data) => ws.send(data),
    next(type, predicate = () => true, from = 0, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.slice(from).find((event) => event.type === type && predicate(event));
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${type}; got ${events.slice(from).map((e) => e.type).join(', ')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    isOpen: () => ws.readyState === WebSocket.OPEN,
    close: () =>
      new Promise((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
  await client.next('session.created');
  return client;
}

/** Decodes base64 PCM16 deltas into samples. */
export function decodeDeltas(deltas: string[]): Int16Array {
  const bytes = Buffer.concat(deltas.map((d) => Buffer.from(d, 'base64')));
  return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

export function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const sample of pcm) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, pcm.length));
}

/** Lets socket I/O and promise chains run without real timers. */
export const flushIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Advances a fake clock in small steps, letting I/O through, until `done()` holds. */
export async function advanceUntil(clock: { advance(ms: number): void }, done: () => boolean, stepMs = 50, wallMs = 20_000): Promise<void> {
  // Speech synthesis runs on a worker thread in real time, so besides moving the fake clock the
  // loop gives real time to the worker, bounded by a wall-clock deadline.
  const deadline = Date.now() + wallMs;
  while (!done() && Date.now() < deadline) {
    for (let i = 0; i < 5; i++) await flushIo();
    if (!done()) clock.advance(stepMs);
    if (!done()) await new Promise((resolve) => setTimeout(resolve, 2));
  }
  if (!done()) throw new Error('condition not reached');
}
