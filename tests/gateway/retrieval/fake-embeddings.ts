/**
 * A local stand-in for the embeddings REST API (Azure OpenAI `/openai/v1/embeddings`, OpenAI
 * `/v1/embeddings`), answering from a fixed table of text → vector, so fusion and fallback
 * results are exact. Records requests; can be told to be slow or to fail a number of times.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running double. */
export interface FakeEmbeddings {
  /** Base URL (http://127.0.0.1:PORT). */
  url: string;
  requests: Array<{ path: string; headers: IncomingHttpHeaders; body: { model?: string; input?: string[]; dimensions?: number } }>;
  delayMs: number;
  /** Answer this status to the next `failTimes` requests (then succeed). */
  failStatus: number;
  failTimes: number;
  close(): Promise<void>;
}

/** Starts the double; `vectorOf` is the fixed table (a text outside it is a 400, so a test never passes by accident). */
export async function startFakeEmbeddings(vectorOf: (text: string) => number[] | undefined): Promise<FakeEmbeddings> {
  const fake: FakeEmbeddings = { url: '', requests: [], delayMs: 0, failStatus: 500, failTimes: 0, close: async () => {} };
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as FakeEmbeddings['requests'][number]['body'];
      fake.requests.push({ path: req.url ?? '', headers: req.headers, body });
      const reply = (status: number, payload: unknown) => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const answer = () => {
        if (req.url !== '/openai/v1/embeddings' && req.url !== '/v1/embeddings') return reply(404, { error: { message: `no route ${req.url}` } });
        if (fake.failTimes > 0) {
          fake.failTimes--;
          return reply(fake.failStatus, { error: { message: 'fake outage' } });
        }
        const inputs = body.input ?? [];
        const vectors = inputs.map((text) => vectorOf(text));
        const unknown = inputs.findIndex((_, i) => !vectors[i]);
        if (unknown >= 0) return reply(400, { error: { message: `no vector in the table for input ${unknown}: ${inputs[unknown].slice(0, 60)}` } });
        reply(200, {
          object: 'list',
          model: body.model,
          data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
          usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
        });
      };
      if (fake.delayMs > 0) setTimeout(answer, fake.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
