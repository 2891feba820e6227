/**
 * A browser stand-in for WebSocket tests: connects to the gateway's /v1/realtime with an
 * Origin, records text messages and audio frames, and waits for them by type.
 */
import { WebSocket } from 'ws';
import type { ServerMessage } from '../../gateway/protocol.js';

export interface WidgetConnectOptions {
  site?: string;
  origin?: string;
  token?: string;
  /** Extra raw query text appended after the site. */
  extraQuery?: string;
  headers?: Record<string, string>;
  /** Another gateway address, e.g. `wss://localhost:8443` through a proxy (default ws://127.0.0.1:port). */
  base?: string;
  /** Certificate authority to trust for a `wss:` base (a test's self-signed certificate). */
  ca?: string;
}

function urlOf(port: number, options: WidgetConnectOptions): string {
  const params = new URLSearchParams({ site: options.site ?? 'docs' });
  if (options.token) params.set('token', options.token);
  return `${options.base ?? `ws://127.0.0.1:${port}`}/v1/realtime?${params}${options.extraQuery ?? ''}`;
}

/** The HTTP status of an upgrade the gateway refuses (101 when it accepts). */
export function upgradeStatus(port: number, options: WidgetConnectOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(urlOf(port, options), { headers: { origin: options.origin ?? 'https://docs.example.com', ...options.headers } });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (error) => reject(error));
  });
}

export class WidgetClient {
  /** Text messages in arrival order. */
  readonly messages: ServerMessage[] = [];
  /** Audio frames in arrival order. */
  readonly audio: Buffer[] = [];
  /** Text and audio in one sequence, audio as `{type:'audio', bytes}`. */
  readonly sequence: Array<ServerMessage | { type: 'audio'; bytes: number }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly ws: WebSocket;
  private cursor = new Map<string, number>();
  private listeners: Array<() => void> = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const bytes = data as Buffer;
        this.audio.push(bytes);
        this.sequence.push({ type: 'audio', bytes: bytes.byteLength });
      } else {
        const message = JSON.parse(data.toString()) as ServerMessage;
        this.messages.push(message);
        this.sequence.push(message);
      }
      for (const listener of this.listeners.splice(0)) listener();
    });
    ws.on('close', () => {
      for (const listener of this.listeners.splice(0)) listener();
    });
  }

  static connect(port: number, options: WidgetConnectOptions = {}): Promise<WidgetClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(urlOf(port, options), { headers: { origin: options.origin ?? 'https://docs.example.com', ...options.headers }, ca: options.ca });
      const client = new WidgetClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.on('error', reject);
    });
  }

  /** Messages of one type received so far. */
  all<T extends ServerMessage['type']>(type: T): Array<Extract<ServerMessage, { type: T }>> {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }

  /** The next message of this type not yet returned by next(). */
  async next<T extends ServerMessage['type']>(type: T, timeoutMs = 5000): Promise<Extract<ServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = this.cursor.get(type) ?? 0;
      const matches = this.all(type);
      if (matches.length > seen) {
        this.cursor.set(type, seen + 1);
        return matches[seen]!;
      }
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`closed before "${type}"; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no "${type}" within ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.listeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  sendAudio(bytes: number | Uint8Array): void {
    this.ws.send(typeof bytes === 'number' ? Buffer.alloc(bytes) : bytes, { binary: true });
  }

  close(): void {
    this.ws.close(1000);
  }

  /** Cuts the connection without a close frame, as a lost network does (the gateway sees 1006). */
  drop(): void {
    this.ws.terminate();
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }
}
