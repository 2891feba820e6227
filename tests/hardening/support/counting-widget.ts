/**
 * A browser stand-in for the soak: streams microphone frames and hashes both directions
 * instead of keeping them, so hundreds of sessions can run for minutes in flat memory.
 */
import { createHash, type Hash } from 'node:crypto';
import { WebSocket } from 'ws';
import type { ServerMessage } from '../../../gateway/protocol.js';

/** One soak session seen from the browser. */
export class CountingWidget {
  sentBytes = 0;
  sentFrames = 0;
  readonly sentHash: Hash = createHash('sha256');
  receivedBytes = 0;
  receivedFrames = 0;
  readonly receivedHash: Hash = createHash('sha256');
  /** Count of each text message type. */
  readonly types = new Map<string, number>();
  readonly errors: ServerMessage[] = [];
  readonly closed: Promise<number>;
  readonly ready: Promise<void>;
  private readonly ws: WebSocket;
  private counter = 0;

  constructor(port: number, origin: string, site = 'docs') {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/v1/realtime?site=${site}`, { headers: { origin }, perMessageDeflate: false });
    this.closed = new Promise((resolve) => this.ws.once('close', (code) => resolve(code)));
    this.ready = new Promise((resolve, reject) => {
      this.ws.on('message', (data, binary) => {
        if (binary) {
          const bytes = data as Buffer;
          this.receivedHash.update(bytes);
          this.receivedBytes += bytes.byteLength;
          this.receivedFrames++;
          return;
        }
        const message = JSON.parse(data.toString()) as ServerMessage;
        this.types.set(message.type, (this.types.get(message.type) ?? 0) + 1);
        if (message.type === 'ready') resolve();
        if (message.type === 'error') {
          this.errors.push(message);
          reject(new Error(`session error: ${message.code}`));
        }
      });
      this.ws.once('close', (code) => reject(new Error(`closed ${code} before ready`)));
      this.ws.once('error', reject);
    });
    // ready() may be awaited late; its rejection is reported there.
    this.ready.catch(() => undefined);
  }

  /** Sends one microphone frame of `bytes` (numbered, so reordering would change the hash). */
  sendFrame(bytes: number): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const pcm = Buffer.alloc(bytes, this.counter & 0xff);
    pcm.writeUInt32LE(this.counter++, 0);
    this.sentHash.update(pcm);
    this.sentBytes += bytes;
    this.sentFrames++;
    this.ws.send(pcm, { binary: true });
  }

  sendText(text: string): void {
    this.ws.send(JSON.stringify({ type: 'text', text }));
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.ws.close(1000);
  }
}
