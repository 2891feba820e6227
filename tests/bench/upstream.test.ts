import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ToolTiming } from '../../bench/upstream-tool.js';
import { startBenchUpstream, type BenchUpstream } from '../../bench/upstream.js';

interface Event {
  type: string;
  item?: { type?: string; call_id?: string; arguments?: string };
}

function connect(port: number, model: string) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/openai/v1/realtime?model=${model}`, { headers: { 'api-key': 'bench-key' } });
  const events: Event[] = [];
  const waiters: Array<{ type: string; resolve: (event: Event) => void }> = [];
  socket.on('message', (data) => {
    const event = JSON.parse(data.toString()) as Event;
    events.push(event);
    const at = waiters.findIndex((w) => w.type === event.type);
    if (at !== -1) waiters.splice(at, 1)[0].resolve(event);
  });
  const next = (type: string) =>
    new Promise<Event>((resolve) => {
      const seen = events.findIndex((e) => e.type === type);
      if (seen !== -1) resolve(events.splice(seen, 1)[0]);
      else waiters.push({ type, resolve });
    });
  const send = (event: Record<string, unknown>) => socket.send(JSON.stringify(event));
  return { socket, next, send };
}

describe('bench upstream', () => {
  let upstream: BenchUpstream;
  beforeAll(async () => {
    upstream = await startBenchUpstream();
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('answers session.update with session.updated and notes how the client authenticated', async () => {
    const client = connect(upstream.port, 'bench');
    await client.next('session.created');
    client.send({ type: 'session.update', session: { type: 'realtime' } });
    await client.next('session.updated');
    expect(upstream.seen.paths.has('/openai/v1/realtime?model=bench')).toBe(true);
    expect(upstream.seen.withApiKey).toBeGreaterThan(0);
    client.socket.close();
  });

  it('answers a user turn with a completed search call and times the function_call_output', async () => {
    const client = connect(upstream.port, 'bench-tool');
    await client.next('session.created');
    const timing = new Promise<ToolTiming>((resolve) => {
      upstream.onToolTiming = resolve;
    });
    const turnEnded = new Promise<void>((resolve) => {
      upstream.onTurnEnd = resolve;
    });
    client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'eye exams' }] } });
    client.send({ type: 'response.create' });
    const done = await client.next('response.output_item.done');
    expect(done.item?.type).toBe('function_call');
    expect(JSON.parse(done.item?.arguments ?? '{}')).toEqual({ query: 'eye exams' });
    await client.next('response.done');
    client.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: done.item?.call_id, output: '[a]: A\ntext' } });
    const measured = await timing;
    expect(measured.query).toBe('eye exams');
    expect(measured.output).toBe('[a]: A\ntext');
    expect(measured.answeredAt).toBeGreaterThan(measured.calledAt);
    client.send({ type: 'response.create' });
    await turnEnded;
    client.socket.close();
  });
});
