/**
 * AudioWorklet processor: microphone at the context's rate → 24 kHz PCM16 frames of 20 ms,
 * posted to the main thread as transferred ArrayBuffers. Built into `voice-rag-capture.js`.
 */
import { SincResampler, toPcm16 } from './dsp/resampler.js';
import { CAPTURE_PROCESSOR } from './messages.js';
import type { CaptureCommand, CaptureEvent } from './messages.js';
import type { AudioWorkletProcessorClass, RegisterProcessor } from './worklet-scope.js';

declare const AudioWorkletProcessor: AudioWorkletProcessorClass;
declare const registerProcessor: RegisterProcessor;
declare const sampleRate: number;

const WIRE_RATE = 24_000;
const FRAME_SAMPLES = 480;

class CaptureProcessor extends AudioWorkletProcessor {
  readonly #resampler = new SincResampler(sampleRate, WIRE_RATE);
  readonly #scratch = new Float32Array(this.#resampler.maxOutput(128));
  #frame = new Int16Array(FRAME_SAMPLES);
  #filled = 0;
  #energy = 0;
  #running = true;

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<CaptureCommand>) => {
      if (event.data.type === 'stop') this.#running = false;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (!this.#running) return false;
    if (!channel) return true;
    const count = this.#resampler.process(channel, this.#scratch);
    for (let i = 0; i < count; i++) {
      const s = this.#scratch[i]!;
      this.#energy += s * s;
      this.#frame[this.#filled] = toPcm16(s);
      if (++this.#filled === FRAME_SAMPLES) this.#emit();
    }
    return true;
  }

  #emit(): void {
    const level = Math.sqrt(this.#energy / FRAME_SAMPLES);
    const message: CaptureEvent = { type: 'frame', pcm: this.#frame.buffer, level };
    this.port.postMessage(message, [this.#frame.buffer]);
    this.#frame = new Int16Array(FRAME_SAMPLES);
    this.#filled = 0;
    this.#energy = 0;
  }
}

registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);
