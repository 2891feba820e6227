/**
 * Bounded waits: every wait in the bench ends, by itself, within a stated time.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves with the promise's value, or `undefined` after `ms`; the timer is always cleared. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Like {@link within}, but rejects with `message` on timeout. */
export async function withinOrThrow<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  const result = await within(promise.then((value) => ({ value })), ms);
  if (result === undefined) throw new Error(message);
  return result.value;
}

/** Polls `condition` every 20 ms until it holds (true) or `ms` pass (false). */
export async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}
