/** The visitor's socket to the gateway as the widget opens it, counting its bytes and messages each way and flagging audio as it arrives. */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import type { LinkCount } from '../../transport-figures.js';

/** The Origin every bench site allows. */
export const BENCH_ORIGIN = 'http://127.0.0.1';

/** Waits for the first audio the visitor receives after a moment, and remembers the last one. */
export class AudioWatch {
  lastAt = Number.NEGATIVE_INFINITY;
  private waiter: { after: number; resolve(at: number): void } | undefined;

  /** Audio arrived (a binary frame, an RTP packet). */
  heard(at = performance.now()): void {
    this.lastAt = at;
    if (this.waiter && at >= this.waiter.after) {
      this.waiter.resolve(at);
      this.waiter = undefined;
    }
  }

  /** Resolves with the arrival time of the first audio at or after `after`; undefined past `timeoutMs`. */
  next(after: number, timeoutMs: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.waiter = {
        after,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
    });
  }
}

export interface ControlSocket {
  socket: WebSocket;
  audio: AudioWatch;
  /** Bytes on the TCP stream (WebSocket frames and their headers) and messages, each way. */
  counts(): { up: LinkCount; down: LinkCount };
  /** The next JSON message of this type (or an `error`, which rejects). */
  next<T = Record<string, unknown>>(type: string, timeoutMs?: number): Promise<T>;
  sendBinary(data: Uint8Array): void;
  close(): Promise<void>;
}

/** Opens `/v1/realtime?site=SITE` (plus `extraQuery`) with the bench Origin. */
export async function openControlSocket(port: number, site: string, extraQuery = ''): Promise<ControlSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/v1/realtime?site=${site}${extraQuery}`, { headers: { Origin: BENCH_ORIGIN }, perMessageDeflate: false });
  const audio = new AudioWatch();
  const inbox: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  let sent = 0;
  let received = 0;
  socket.on('message', (data, isBinary) => {
    received++;
    if (isBinary) return audio.heard();
    try {
      inbox.push(JSON.parse(data.toString()) as Record<string, unknown>);
    } catch {
      return;
    }
    for (const wake of [...waiters]) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const tcp = (socket as unknown as { _socket: Socket })._socket;
  let closedCounts = { read: 0, written: 0 };
  tcp.once('close', () => (closedCounts = { read: tcp.bytesRead, written: tcp.bytesWritten }));
  return {
    socket,
    audio,
    counts: () => ({
      up: { bytes: tcp.destroyed ? closedCounts.written : tcp.bytesWritten, packets: sent },
      down: { bytes: tcp.destroyed ? closedCounts.read : tcp.bytesRead, packets: received },
    }),
    next<T>(type: string, timeoutMs = 20_000) {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const at = inbox.findIndex((message) => message.type === type || message.type === 'error');
          if (at === -1) return false;
          const [message] = inbox.splice(at, 1);
          waiters.delete(check);
          clearTimeout(timer);
          if (message.type === 'error') reject(new Error(`gateway error ${String(message.code)}: ${String(message.message)}`));
          else resolve(message as T);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${type} within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    sendBinary(data) {
      sent++;
      socket.send(data);
    },
    close() {
      if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
      return new Promise((resolve) => {
        socket.once('close', () => resolve());
        socket.close(1000);
        setTimeout(() => socket.terminate(), 2000).unref();
      });
    },
  };
}
