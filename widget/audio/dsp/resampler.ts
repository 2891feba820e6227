/**
 * Streaming sample-rate converter with a windowed-sinc anti-aliasing low-pass, for the capture
 * worklet (device rate → 24 kHz). Pure code, no imports, no allocation per call.
 */

/** Zero crossings of the sinc on each side of the centre: more means a sharper cut-off. */
const ZERO_CROSSINGS = 16;
/** Table points per input sample of kernel offset; the kernel is interpolated between them. */
const TABLE_RESOLUTION = 64;
/** Cut-off as a fraction of the lower Nyquist: leaves room for the transition band. */
const CUTOFF = 0.9;

/** Converts a stream of float samples from one rate to another, keeping state between calls. */
export class SincResampler {
  /** Input samples consumed per output sample. */
  readonly ratio: number;
  readonly #halfWidth: number;
  readonly #table: Float32Array;
  #buffer: Float32Array;
  #length: number;
  /** Position of the next output sample, in input samples from `buffer[0]`. */
  #position: number;

  constructor(inputRate: number, outputRate: number) {
    this.ratio = inputRate / outputRate;
    // Cut-off in cycles per input sample; below the output's Nyquist when downsampling.
    const cutoff = 0.5 * Math.min(1, outputRate / inputRate) * CUTOFF;
    this.#halfWidth = ZERO_CROSSINGS / (2 * cutoff);
    const points = Math.ceil(this.#halfWidth * TABLE_RESOLUTION) + 2;
    this.#table = new Float32Array(points);
    for (let i = 0; i < points; i++) {
      const t = i / TABLE_RESOLUTION;
      const x = 2 * cutoff * t;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const w = t >= this.#halfWidth ? 0 : blackman(t / this.#halfWidth);
      this.#table[i] = 2 * cutoff * sinc * w;
    }
    const pad = Math.ceil(this.#halfWidth);
    this.#buffer = new Float32Array(pad * 2 + 8192);
    // Leading zeros stand in for the silence before the stream started.
    this.#length = pad;
    this.#position = pad;
  }

  /** Largest output count one `process` call can produce for `inputLength` input samples. */
  maxOutput(inputLength: number): number {
    return Math.ceil((inputLength + this.#halfWidth * 2) / this.ratio) + 2;
  }

  /** Feeds `input` and writes every output sample now computable into `output`; returns the count. */
  process(input: Float32Array, output: Float32Array): number {
    this.#append(input);
    const reach = this.#halfWidth;
    const table = this.#table;
    const buffer = this.#buffer;
    let produced = 0;
    while (this.#position + reach < this.#length - 1 && produced < output.length) {
      const centre = this.#position;
      const first = Math.max(0, Math.ceil(centre - reach));
      const last = Math.floor(centre + reach);
      let sum = 0;
      for (let i = first; i <= last; i++) {
        const at = Math.abs(i - centre) * TABLE_RESOLUTION;
        const j = at | 0;
        const frac = at - j;
        sum += buffer[i]! * (table[j]! + (table[j + 1]! - table[j]!) * frac);
      }
      output[produced++] = sum;
      this.#position += this.ratio;
    }
    this.#compact();
    return produced;
  }

  #append(input: Float32Array): void {
    if (this.#length + input.length > this.#buffer.length) {
      const grown = new Float32Array((this.#length + input.length) * 2);
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
    }
    this.#buffer.set(input, this.#length);
    this.#length += input.length;
  }

  /** Drops samples no future output can reach, so the buffer never grows in a steady stream. */
  #compact(): void {
    const drop = Math.floor(this.#position - this.#halfWidth) - 1;
    if (drop <= 0) return;
    this.#buffer.copyWithin(0, drop, this.#length);
    this.#length -= drop;
    this.#position -= drop;
  }
}

function blackman(x: number): number {
  // x in [0, 1) from the centre outwards; the symmetric Blackman window.
  const n = 0.5 + x / 2;
  return 0.42 - 0.5 * Math.cos(2 * Math.PI * n) + 0.08 * Math.cos(4 * Math.PI * n);
}

/** Converts one float sample in [-1, 1] to a PCM16 value, clipping out-of-range input. */
export function toPcm16(sample: number): number {
  const c = sample > 1 ? 1 : sample < -1 ? -1 : sample;
  return c < 0 ? c * 0x8000 : c * 0x7fff;
}
