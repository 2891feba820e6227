/** Input audio samples per millisecond (24 kHz). */
export const SAMPLES_PER_MS = 24;

/**
 * The input audio buffer on the session's input timeline: samples since the session started,
 * of which the buffer holds those from `startSample` on.
 */
export class InputBuffer {
  private chunks: Int16Array[] = [];
  private held = 0;
  /** Timeline position of the first held sample. */
  startSample = 0;

  /** Samples received since the session started. */
  get endSample(): number {
    return this.startSample + this.held;
  }

  get durationMs(): number {
    return this.held / SAMPLES_PER_MS;
  }

  append(pcm: Int16Array): void {
    if (!pcm.length) return;
    this.chunks.push(pcm);
    this.held += pcm.length;
  }

  /** Drops held samples before `sample` (a timeline position). */
  dropBefore(sample: number): void {
    let drop = Math.min(this.held, Math.max(0, sample - this.startSample));
    this.startSample += drop;
    this.held -= drop;
    while (drop > 0 && this.chunks.length) {
      const first = this.chunks[0]!;
      if (first.length <= drop) {
        this.chunks.shift();
        drop -= first.length;
      } else {
        this.chunks[0] = first.subarray(drop);
        drop = 0;
      }
    }
  }

  /** Removes and returns the samples up to `sample` (default: all). */
  take(sample = this.endSample): Int16Array {
    const count = Math.min(this.held, Math.max(0, sample - this.startSample));
    const out = new Int16Array(count);
    let offset = 0;
    for (const chunk of this.chunks) {
      if (offset >= count) break;
      const part = chunk.subarray(0, count - offset);
      out.set(part, offset);
      offset += part.length;
    }
    this.dropBefore(this.startSample + count);
    return out;
  }

  /** Empties the buffer; the timeline keeps its position. */
  clear(): void {
    this.dropBefore(this.endSample);
  }
}
