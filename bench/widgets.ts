/**
 * Simulated widgets. Against the gateway they speak the widget protocol (binary 20 ms frames
 * after `ready`); for the floor they speak the upstream's own protocol directly to the bench
 * upstream (base64 `input_audio_buffer.append`, JSON deltas). Both carry the same markers,
 * run in the same process and read the same clock.
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { base64Source, binarySource, createFrameFactory, HeaderScanner, HEADER_BYTES, readHeader } from './frame-header.js';
import type { StepRecorder } from './recorder.js';
import { within } from './timeouts.js';
import { DELTA_BYTES, MIC_FRAME_BYTES } from './upstream.js';

const FRAME_MS = 20;
/** A widget further behind than this skips frames instead of bursting (a stalled page would drop them). */
const MAX_BEHIND_MS = 1000;

/** Where the widgets connect. */
export type WidgetTarget =
  | { kind: 'gateway'; url: string; origin: string }
  | { kind: 'floor'; url: string; apiKey: string };

/** One simulated widget and the times of its connection. */
export interface SimWidget {
  socket: WebSocket;
  createdAt: number;
  openAt: number;
  readyAt: number;
  /** Resolves on `ready` (gateway) or `session.updated` (floor); rejects on close or error first. */
  ready: Promise<void>;
  nextDueAt: number;
  seq: number;
  closed: boolean;
}

/** What went wrong during a step, by kind, for the report. */
export type Problems = Map<string, number>;

function note(problems: Problems, key: string): void {
  problems.set(key, (problems.get(key) ?? 0) + 1);
}

/** Opens one widget; `recorder()` gives the step's recorder at the time a frame arrives. */
export function openWidget(target: WidgetTarget, recorder: () => StepRecorder | undefined, problems: Problems): SimWidget {
  const headers: Record<string, string> =
    target.kind === 'gateway' ? { Origin: target.origin } : { 'api-key': target.apiKey };
  const socket = new WebSocket(target.url, { headers, perMessageDeflate: false });
  const widget: SimWidget = {
    socket,
    createdAt: performance.now(),
    openAt: Number.NaN,
    readyAt: Number.NaN,
    ready: Promise.resolve(),
    nextDueAt: Number.POSITIVE_INFINITY,
    seq: 0,
    closed: false,
  };
  const scanner = new HeaderScanner(DELTA_BYTES);
  widget.ready = new Promise<void>((resolve, reject) => {
    socket.on('open', () => {
      widget.openAt = performance.now();
    });
    socket.on('error', (error) => {
      note(problems, `socket error: ${error.message.slice(0, 80)}`);
      reject(error);
    });
    socket.on('close', (code) => {
      widget.closed = true;
      if (Number.isNaN(widget.readyAt)) reject(new Error(`closed ${code} before ready`));
      else if (code !== 1000 && code !== 1005) note(problems, `closed by peer with ${code}`);
    });
    socket.on('message', (data, isBinary) => {
      const receivedAt = performance.now();
      if (isBinary) {
        const rec = recorder();
        scanner.push(binarySource(data as Buffer), (header) => rec?.down.record(header, receivedAt));
        if (rec) rec.down.corrupt += scanner.corrupt;
        scanner.corrupt = 0;
        return;
      }
      const text = (data as Buffer).toString();
      if (target.kind === 'floor' && text.startsWith('{"type":"response.output_audio.delta"')) {
        const start = text.indexOf('"delta":"') + 9;
        const header = readHeader(base64Source(text.slice(start, start + 32)).slice(0, HEADER_BYTES));
        const rec = recorder();
        if (header) rec?.down.record(header, receivedAt);
        else if (rec) rec.down.corrupt++;
        return;
      }
      const message = JSON.parse(text) as { type: string; code?: string };
      if (message.type === 'ready' || message.type === 'session.updated') {
        widget.readyAt = receivedAt;
        resolve();
      } else if (message.type === 'session.created' && target.kind === 'floor') {
        socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 'bench' } }));
      } else if (message.type === 'error') {
        note(problems, `error ${message.code ?? JSON.stringify(message).slice(0, 80)}`);
      }
    });
  });
  // Rejections are read through `problems` and `readyAt`; never unhandled.
  widget.ready.catch(() => undefined);
  return widget;
}

/** Opens `count` widgets in batches and waits for each batch to be ready (or to fail). */
export async function openFleet(
  count: number,
  target: WidgetTarget,
  recorder: () => StepRecorder | undefined,
  problems: Problems,
  options: { batch: number; timeoutMs: number },
): Promise<SimWidget[]> {
  const widgets: SimWidget[] = [];
  for (let start = 0; start < count; start += options.batch) {
    const batch: SimWidget[] = [];
    for (let i = start; i < Math.min(count, start + options.batch); i++) batch.push(openWidget(target, recorder, problems));
    widgets.push(...batch);
    await within(Promise.allSettled(batch.map((w) => w.ready)), options.timeoutMs);
  }
  for (const widget of widgets) if (Number.isNaN(widget.readyAt)) note(problems, 'not ready in time');
  return widgets.filter((w) => !Number.isNaN(w.readyAt) && !w.closed);
}

/**
 * Streams microphone audio from every widget at real-time pace (one ticker, each widget on its
 * own phase of the 20 ms period) until the returned stop function is called.
 */
export function streamMicrophones(widgets: SimWidget[], target: WidgetTarget, recorder: StepRecorder): () => void {
  const frames = createFrameFactory(MIC_FRAME_BYTES);
  const start = performance.now();
  widgets.forEach((widget, index) => {
    widget.nextDueAt = start + (index / widgets.length) * FRAME_MS;
  });
  const floor = target.kind === 'floor';
  const ticker = setInterval(() => {
    const now = performance.now();
    for (let index = 0; index < widgets.length; index++) {
      const widget = widgets[index];
      if (widget.closed) continue;
      if (now - widget.nextDueAt > MAX_BEHIND_MS) {
        widget.nextDueAt = now;
      }
      while (widget.nextDueAt <= now) {
        widget.nextDueAt += FRAME_MS;
        const header = { stream: index, seq: widget.seq++, sentAt: performance.now() };
        if (floor) widget.socket.send('{"type":"input_audio_buffer.append","audio":"' + frames.base64(header) + '"}');
        else widget.socket.send(frames.binary(header));
        recorder.up.sent++;
      }
    }
  }, 2);
  return () => clearInterval(ticker);
}

/** Closes every widget and waits (bounded) for the closes to complete. */
export async function closeFleet(widgets: SimWidget[], timeoutMs: number): Promise<void> {
  const closed = widgets.map(
    (widget) =>
      new Promise<void>((resolve) => {
        if (widget.socket.readyState === WebSocket.CLOSED) return resolve();
        widget.socket.once('close', () => resolve());
        widget.socket.close(1000);
      }),
  );
  await within(Promise.all(closed), timeoutMs);
  for (const widget of widgets) if (widget.socket.readyState !== WebSocket.CLOSED) widget.socket.terminate();
}
