/**
 * Playback controller: assistant PCM16 → playback worklet → speakers, with the count of samples
 * actually played (the `played_ms` of an interrupt).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { PLAYBACK_PROCESSOR } from './messages.js';
import type { PlaybackCommand, PlaybackEvent } from './messages.js';
import { loadWorklets } from './worklets.js';

const WIRE_SAMPLES_PER_MS = 24;
/** How long a flush waits for the worklet's exact count before using the last report. */
const FLUSH_TIMEOUT_MS = 250;

/** Callbacks from playback. */
export interface PlaybackHandlers {
  /** Output level (0–1) while audio plays. */
  onLevel?(level: number): void;
  /** The current response was heard to its end. */
  onDrained?(playedMs: number): void;
}

/** Owns the playback worklet node; released on stop and on disconnect. */
export class PlaybackController implements ReactiveController {
  #node: AudioWorkletNode | undefined;
  #context: AudioContext | undefined;
  readonly #handlers: PlaybackHandlers;
  #playedSamples = 0;
  #queuedSamples = 0;
  #pendingFlush: ((samples: number) => void) | undefined;
  /** Commands sent while the worklet module loads; answers can start arriving before it is ready. */
  #early: { command: PlaybackCommand; transfer: Transferable[] }[] | undefined;

  constructor(host: ReactiveControllerHost, handlers: PlaybackHandlers = {}) {
    this.#handlers = handlers;
    host.addController(this);
  }

  /** Milliseconds of the current response played so far (last report from the worklet). */
  get playedMs(): number {
    return Math.floor(this.#playedSamples / WIRE_SAMPLES_PER_MS);
  }

  /** Milliseconds of the current response received but not yet played. */
  get bufferedMs(): number {
    return Math.max(0, Math.floor((this.#queuedSamples - this.#playedSamples) / WIRE_SAMPLES_PER_MS));
  }

  /** Whether the worklet plays, or is loading and keeps what arrives meanwhile. */
  get active(): boolean {
    return this.#node !== undefined || this.#early !== undefined;
  }

  /** Creates the playback node on `context` and connects it to the speakers. */
  async start(context: AudioContext): Promise<void> {
    this.stop();
    const early: { command: PlaybackCommand; transfer: Transferable[] }[] = [];
    this.#early = early;
    try {
      await loadWorklets(context);
    } catch (error) {
      if (this.#early === early) this.#early = undefined;
      throw error;
    }
    if (context.state === 'closed' || this.#early !== early) return;
    this.#early = undefined;
    const node = new AudioWorkletNode(context, PLAYBACK_PROCESSOR, {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
    });
    node.port.onmessage = (event: MessageEvent<PlaybackEvent>) => this.#handle(event.data);
    node.connect(context.destination);
    this.#node = node;
    this.#context = context;
    for (const { command, transfer } of early) node.port.postMessage(command, transfer);
  }

  /** Queues PCM16 24 kHz audio (the buffer is transferred). */
  push(pcm: ArrayBuffer): void {
    if (!this.#node && !this.#early) return;
    this.#queuedSamples += pcm.byteLength >> 1;
    this.#send({ type: 'audio', pcm }, [pcm]);
  }

  /** Starts counting a new response from zero. */
  reset(): void {
    this.#playedSamples = 0;
    this.#queuedSamples = 0;
    this.#send({ type: 'reset' });
  }

  /** Marks the end of the response's audio, so a short tail plays without waiting for the jitter buffer. */
  end(): void {
    this.#send({ type: 'end' });
  }

  /** Drops all buffered audio at once and resolves with the milliseconds actually heard. */
  flush(): Promise<number> {
    if (this.#early) this.#early.length = 0;
    if (!this.#node) return Promise.resolve(this.playedMs);
    return new Promise<number>((resolve) => {
      const timer = setTimeout(() => finish(this.#playedSamples), FLUSH_TIMEOUT_MS);
      const finish = (samples: number): void => {
        clearTimeout(timer);
        this.#pendingFlush = undefined;
        this.#playedSamples = samples;
        this.#queuedSamples = samples;
        resolve(Math.max(0, Math.floor(samples / WIRE_SAMPLES_PER_MS) - this.#latencyMs()));
      };
      this.#pendingFlush = finish;
      this.#send({ type: 'flush' });
    });
  }

  /** Disconnects the node; buffered audio is dropped. */
  stop(): void {
    this.#early = undefined;
    this.#pendingFlush?.(this.#playedSamples);
    if (this.#node) {
      this.#node.port.onmessage = null;
      this.#node.disconnect();
    }
    this.#node = undefined;
    this.#context = undefined;
    this.#queuedSamples = this.#playedSamples;
  }

  hostDisconnected(): void {
    this.stop();
  }

  #handle(event: PlaybackEvent): void {
    switch (event.type) {
      case 'played':
        this.#playedSamples = event.samples;
        this.#handlers.onLevel?.(event.level);
        break;
      case 'drained':
        this.#playedSamples = event.samples;
        this.#handlers.onLevel?.(0);
        this.#handlers.onDrained?.(this.playedMs);
        break;
      case 'flushed':
        this.#pendingFlush?.(event.samples);
        this.#handlers.onLevel?.(0);
        break;
    }
  }

  /**
   * What the worklet rendered reaches the ear this much later (long over Bluetooth); the model
   * must not believe the visitor heard it. Browsers without `outputLatency` (Safari) give 0.
   */
  #latencyMs(): number {
    const context = this.#context;
    return context ? Math.round(((context.baseLatency || 0) + (context.outputLatency || 0)) * 1000) : 0;
  }

  #send(command: PlaybackCommand, transfer: Transferable[] = []): void {
    if (this.#early) this.#early.push({ command, transfer });
    else this.#node?.port.postMessage(command, transfer);
  }
}
