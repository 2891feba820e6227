/** PCM16 sample-rate conversion (streaming and whole-clip) for VAD input and TTS output. */
function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 30; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-10 * sum) break;
  }
  return sum;
}

/**
 * A streaming polyphase resampler for PCM16 mono: a Kaiser-windowed sinc low-pass at the
 * lower of the two Nyquist rates, so downsampling does not alias and upsampling does not image.
 * Feed chunks of any size; state carries over between chunks.
 */
export class Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  private readonly up: number;
  private readonly down: number;
  private readonly halfTaps: number;
  /** phases × (2·halfTaps) coefficients; phase p filters at fractional offset p/up. */
  private readonly table: Float32Array;
  private history: Float32Array;
  /** Absolute input index of history[0]. */
  private historyStart = 0;
  private inputCount = 0;
  private outputIndex = 0;

  constructor(inputRate: number, outputRate: number, halfTaps = 16) {
    const g = gcd(inputRate, outputRate);
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.up = outputRate / g;
    this.down = inputRate / g;
    // Cutoff relative to the input rate, a little under Nyquist so the transition band sits below it.
    const cutoff = Math.min(1, this.up / this.down) * 0.92;
    this.halfTaps = Math.ceil(halfTaps / Math.min(1, this.up / this.down));
    const width = 2 * this.halfTaps;
    const beta = 8;
    const i0Beta = besselI0(beta);
    this.table = new Float32Array(this.up * width);
    for (let phase = 0; phase < this.up; phase++) {
      const frac = phase / this.up;
      let sum = 0;
      for (let j = 0; j < width; j++) {
        // Tap j covers input sample floor(t) - halfTaps + 1 + j; distance from t:
        const distance = j - this.halfTaps + 1 - frac;
        const x = cutoff * distance;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        const r = distance / this.halfTaps;
        const window = Math.abs(r) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
        const value = sinc * window;
        this.table[phase * width + j] = value;
        sum += value;
      }
      // Unity gain at DC for every phase.
      for (let j = 0; j < width; j++) this.table[phase * width + j]! /= sum;
    }
    this.history = new Float32Array(this.halfTaps);
    this.historyStart = -this.halfTaps;
  }

  /** Resamples one chunk; returns the output samples that are complete so far. */
  push(input: Int16Array): Int16Array {
    const merged = new Float32Array(this.history.length + input.length);
    merged.set(this.history);
    for (let i = 0; i < input.length; i++) merged[this.history.length + i] = input[i]!;
    this.inputCount += input.length;
    return this.drain(merged, false);
  }

  /** Flushes the filter tail (pads with silence); call once at the end of a stream. */
  flush(): Int16Array {
    const padded = new Float32Array(this.history.length + this.halfTaps);
    padded.set(this.history);
    return this.drain(padded, true);
  }

  private drain(buffer: Float32Array, final: boolean): Int16Array {
    const width = 2 * this.halfTaps;
    const out: number[] = [];
    const available = this.historyStart + buffer.length;
    const lastInput = final ? this.inputCount : available;
    for (;;) {
      const position = this.outputIndex * this.down;
      const base = Math.floor(position / this.up);
      if (base >= lastInput) break;
      const first = base - this.halfTaps + 1;
      if (first + width > available) break;
      const phase = position - base * this.up;
      const offset = first - this.historyStart;
      let acc = 0;
      for (let j = 0; j < width; j++) {
        const index = offset + j;
        if (index >= 0) acc += buffer[index]! * this.table[phase * width + j]!;
      }
      out.push(acc > 32767 ? 32767 : acc < -32768 ? -32768 : Math.round(acc));
      this.outputIndex++;
    }
    // Keep only what the next output still needs.
    const nextFirst = Math.floor((this.outputIndex * this.down) / this.up) - this.halfTaps + 1;
    const keepFrom = Math.max(0, Math.min(buffer.length, nextFirst - this.historyStart));
    this.history = buffer.slice(keepFrom);
    this.historyStart += keepFrom;
    return Int16Array.from(out);
  }
}

/** Resamples a whole clip at once. */
export function resample(input: Int16Array, inputRate: number, outputRate: number): Int16Array {
  if (inputRate === outputRate) return input.slice();
  const resampler = new Resampler(inputRate, outputRate);
  const head = resampler.push(input);
  const tail = resampler.flush();
  const out = new Int16Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
