/** Bounded waiting for tests: poll until a condition holds, or fail a promise that takes too long. */

/** Resolves once `check` holds, polling every 10 ms; rejects after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Awaits a promise, failing when it takes longer than `ms` (bounded-time assertions). */
export async function within<T>(ms: number, promise: Promise<T>, what = 'operation'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits, when needed, for the next clock minute, so that the next `spanMs` of the test fall in
 * one minute: counters kept per clock minute (per-visitor limits, tokens this minute) would
 * otherwise restart from zero in the middle of a check.
 */
export async function insideOneClockMinute(spanMs: number): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute + spanMs > 60_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 100));
}
