/**
 * AudioWorklet processor: plays 24 kHz PCM16 assistant audio from a ring buffer at the context's
 * rate (linear interpolation), after a small jitter buffer, and counts the samples actually played.
 * Built into `voice-rag-playback.js`.
 */
import { PLAYBACK_PROCESSOR } from './messages.js';
import type { PlaybackCommand, PlaybackEvent } from './messages.js';
import type { AudioWorkletProcessorClass, RegisterProcessor } from './worklet-scope.js';

declare const AudioWorkletProcessor: AudioWorkletProcessorClass;
declare const registerProcessor: RegisterProcessor;
declare const sampleRate: number;

const WIRE_RATE = 24_000;
/** 20 s of audio; answers arriving faster than real time spill into `overflow` until there is room. */
const RING_SAMPLES = WIRE_RATE * 20;
/** 80 ms buffered before playback starts, so network jitter does not cause gaps. */
const JITTER_SAMPLES = (WIRE_RATE * 80) / 1000;
/** Progress is reported about every 20 ms of output. */
const REPORT_FRAMES = Math.round(sampleRate / 50);

class PlaybackProcessor extends AudioWorkletProcessor {
  readonly #ring = new Float32Array(RING_SAMPLES);
  readonly #step = WIRE_RATE / sampleRate;
  #overflow: Int16Array[] = [];
  #head = 0;
  #available = 0;
  #frac = 0;
  #playing = false;
  #ended = false;
  #played = 0;
  #sinceReport = 0;
  #energy = 0;

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<PlaybackCommand>) => this.#handle(event.data);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const output = outputs[0];
    const out = output?.[0];
    if (!out) return true;
    if (!this.#playing && (this.#available >= JITTER_SAMPLES || (this.#ended && this.#available > 0))) this.#playing = true;
    const ring = this.#ring;
    const wasPlaying = this.#playing;
    for (let i = 0; i < out.length; i++) {
      if (!this.#playing || this.#available === 0) {
        out[i] = 0;
        continue;
      }
      const s0 = ring[this.#head]!;
      const s1 = this.#available > 1 ? ring[(this.#head + 1) % RING_SAMPLES]! : s0;
      const s = s0 + (s1 - s0) * this.#frac;
      out[i] = s;
      this.#energy += s * s;
      this.#frac += this.#step;
      while (this.#frac >= 1 && this.#available > 0) {
        this.#frac -= 1;
        this.#head = (this.#head + 1) % RING_SAMPLES;
        this.#available--;
        this.#played++;
      }
      if (this.#available === 0) this.#underrun();
    }
    for (let c = 1; c < (output?.length ?? 0); c++) output![c]!.set(out);
    this.#refill();
    if (wasPlaying) this.#report(out.length);
    return true;
  }

  #handle(command: PlaybackCommand): void {
    switch (command.type) {
      case 'audio':
        // A stray odd byte would make the Int16Array constructor throw and lose the whole chunk.
        this.#overflow.push(new Int16Array(command.pcm, 0, command.pcm.byteLength >> 1));
        this.#refill();
        break;
      case 'reset':
        this.#played = 0;
        this.#ended = false;
        break;
      case 'end':
        this.#ended = true;
        if (this.#available === 0 && this.#overflow.length === 0) this.#post({ type: 'drained', samples: this.#played });
        break;
      case 'flush':
        this.#overflow = [];
        this.#available = 0;
        this.#frac = 0;
        this.#playing = false;
        this.#post({ type: 'flushed', samples: this.#played });
        break;
    }
  }

  /** Moves queued chunks into the ring while they fit whole. */
  #refill(): void {
    while (this.#overflow.length > 0 && this.#available + this.#overflow[0]!.length <= RING_SAMPLES) {
      const chunk = this.#overflow.shift()!;
      let tail = (this.#head + this.#available) % RING_SAMPLES;
      for (let i = 0; i < chunk.length; i++) {
        this.#ring[tail] = chunk[i]! / 0x8000;
        tail = tail + 1 === RING_SAMPLES ? 0 : tail + 1;
      }
      this.#available += chunk.length;
    }
  }

  #underrun(): void {
    this.#refill();
    if (this.#available > 0) return;
    this.#playing = false;
    this.#frac = 0;
    if (this.#ended) {
      this.#ended = false;
      this.#post({ type: 'drained', samples: this.#played });
    }
  }

  #report(frames: number): void {
    this.#sinceReport += frames;
    if (this.#sinceReport < REPORT_FRAMES) return;
    const level = Math.sqrt(this.#energy / this.#sinceReport);
    this.#sinceReport = 0;
    this.#energy = 0;
    this.#post({ type: 'played', samples: this.#played, level });
  }

  #post(event: PlaybackEvent): void {
    this.port.postMessage(event);
  }
}

registerProcessor(PLAYBACK_PROCESSOR, PlaybackProcessor);
