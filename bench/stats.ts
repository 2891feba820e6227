/**
 * Samples and their summaries. Percentiles use the nearest-rank method on the sorted samples,
 * so every figure reported is a value that was actually measured.
 */

/** A growable list of numbers kept in a typed array (hundreds of thousands per step). */
export class Samples {
  #values = new Float64Array(1024);
  #count = 0;

  /** Adds one sample. */
  add(value: number): void {
    if (this.#count === this.#values.length) {
      const bigger = new Float64Array(this.#values.length * 2);
      bigger.set(this.#values);
      this.#values = bigger;
    }
    this.#values[this.#count++] = value;
  }

  get count(): number {
    return this.#count;
  }

  /** The samples, sorted ascending (a copy). */
  sorted(): Float64Array {
    return this.#values.slice(0, this.#count).sort();
  }

  /** The summary of these samples. */
  summary(): Summary {
    return summarize(this.sorted());
  }
}

/** p50/p99/max/mean of a set of samples, in the samples' unit. */
export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of ascending `sorted`; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Summarizes ascending `sorted` samples. */
export function summarize(sorted: ArrayLike<number>): Summary {
  let total = 0;
  for (let i = 0; i < sorted.length; i++) total += sorted[i];
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
    mean: sorted.length ? total / sorted.length : Number.NaN,
  };
}

/** Summarizes unsorted values. */
export function summarizeValues(values: readonly number[]): Summary {
  return summarize(Float64Array.from(values).sort());
}

/** `a − b` field by field (p50, p99, max), the gateway's added cost over the floor. */
export function difference(a: Summary, b: Summary): { p50: number; p99: number; max: number } {
  return { p50: a.p50 - b.p50, p99: a.p99 - b.p99, max: a.max - b.max };
}

/** Rounds for reports, keeping NaN visible as null in JSON. */
export function round(value: number, digits = 2): number | null {
  if (!Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
