/**
 * A light Realtime upstream for the soak: accepts sessions (session.created, session.updated),
 * hashes every appended audio byte instead of keeping it, and streams assistant audio at real
 * time on each tick, hashing what it sends. Memory stays flat however long it runs, which the
 * recording scripted upstream (tests/support/) is not built for.
 */
import { createHash, type Hash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** Bytes of assistant audio per tick (100 ms of 24 kHz PCM16). */
export const TICK_BYTES = 4800;
/** Deltas per response, and quiet ticks between responses. */
const RESPONSE_TICKS = 10;
const GAP_TICKS = 5;

/** One upstream session and what crossed it. */
export interface StreamingConnection {
  /** The first text the visitor typed (tests use it to pair sessions). */
  label?: string;
  open: boolean;
  inBytes: number;
  inFrames: number;
  readonly inHash: Hash;
  outBytes: number;
  outFrames: number;
  readonly outHash: Hash;
  responses: number;
}

interface Live extends StreamingConnection {
  ws: WebSocket;
  response?: { id: string; left: number };
  gap: number;
  counter: number;
}

const APPEND_PREFIX = '{"type":"input_audio_buffer.append","audio":"';
let serial = 0;

/** A running streaming upstream. */
export class StreamingUpstream {
  readonly url: string;
  readonly connections: StreamingConnection[] = [];
  private readonly live: Live[] = [];
  private readonly wss: WebSocketServer;

  private constructor(wss: WebSocketServer) {
    this.wss = wss;
    this.url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
    wss.on('connection', (ws) => this.accept(ws));
  }

  /** Starts on 127.0.0.1 and a free port. */
  static start(): Promise<StreamingUpstream> {
    return new Promise((resolve) => {
      const wss: WebSocketServer = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false }, () => resolve(new StreamingUpstream(wss)));
    });
  }

  /** Sends the next 100 ms of assistant audio on every labelled session (responses with gaps). */
  tick(): void {
    for (const c of this.live) {
      if (!c.open || c.label === undefined) continue;
      if (!c.response) {
        if (c.gap-- > 0) continue;
        c.response = { id: `resp_soak${++serial}`, left: RESPONSE_TICKS };
        this.send(c, { type: 'response.created', event_id: 'e', response: { id: c.response.id, status: 'in_progress', output: [] } });
      }
      const pcm = Buffer.alloc(TICK_BYTES, c.counter & 0xff);
      pcm.writeUInt32LE(c.counter++, 0);
      c.outHash.update(pcm);
      c.outBytes += pcm.byteLength;
      c.outFrames++;
      const id = c.response.id;
      this.send(c, { type: 'response.output_audio.delta', event_id: 'e', response_id: id, item_id: `item_${id}`, output_index: 0, content_index: 0, delta: pcm.toString('base64') });
      if (--c.response.left === 0) {
        this.send(c, { type: 'response.output_audio.done', event_id: 'e', response_id: id, item_id: `item_${id}`, output_index: 0, content_index: 0 });
        this.send(c, { type: 'response.done', event_id: 'e', response: { id, status: 'completed', output: [] } });
        c.response = undefined;
        c.gap = GAP_TICKS;
        c.responses++;
      }
    }
  }

  /** Stops reading the session with this label (a stalled upstream): its socket's buffers fill up. */
  pause(label: string): void {
    this.live.find((c) => c.label === label)?.ws.pause();
  }

  /** Ends the responses in flight so every sent frame is followed by its response.done. */
  finish(): void {
    for (const c of this.live) {
      if (!c.open || !c.response) continue;
      this.send(c, { type: 'response.done', event_id: 'e', response: { id: c.response.id, status: 'completed', output: [] } });
      c.response = undefined;
    }
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private send(c: Live, event: Record<string, unknown>): void {
    if (c.open) c.ws.send(JSON.stringify(event));
  }

  private accept(ws: WebSocket): void {
    const c: Live = { ws, open: true, inBytes: 0, inFrames: 0, inHash: createHash('sha256'), outBytes: 0, outFrames: 0, outHash: createHash('sha256'), responses: 0, gap: 0, counter: 0 };
    this.connections.push(c);
    this.live.push(c);
    ws.on('close', () => {
      c.open = false;
      this.live.splice(this.live.indexOf(c), 1);
    });
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith(APPEND_PREFIX)) {
        const pcm = Buffer.from(text.slice(APPEND_PREFIX.length, text.lastIndexOf('"')), 'base64');
        c.inHash.update(pcm);
        c.inBytes += pcm.byteLength;
        c.inFrames++;
        return;
      }
      const event = JSON.parse(text) as { type?: string; session?: Record<string, unknown>; item?: { content?: Array<{ text?: string }> } };
      if (event.type === 'session.update') this.send(c, { type: 'session.updated', event_id: 'e', session: { ...event.session, model: 'gpt-realtime' } });
      else if (event.type === 'conversation.item.create' && c.label === undefined) c.label = event.item?.content?.[0]?.text;
      else if (event.type === 'input_audio_buffer.append') {
        // The gateway's fast path above did not match: hash it all the same.
        const pcm = Buffer.from(String((event as { audio?: string }).audio ?? ''), 'base64');
        c.inHash.update(pcm);
        c.inBytes += pcm.byteLength;
        c.inFrames++;
      }
    });
    this.send(c, { type: 'session.created', event_id: 'e', session: { id: `sess_soak${++serial}`, model: 'gpt-realtime', object: 'realtime.session' } });
  }
}
