/**
 * Abort helpers shared by the retrievers: a signal that fires on the caller's abort or after a
 * timeout, with the timer cleared by `dispose` so nothing outlives the call.
 */

/** A combined signal and the function that releases its timer and listener. */
export interface TimeoutSignal {
  signal: AbortSignal;
  dispose(): void;
}

/** The error a search rejects with when its own timeout passes. */
export class SearchTimeoutError extends Error {
  constructor(ms: number) {
    super(`search timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** Returns a signal aborted when `parent` aborts or `ms` milliseconds pass, whichever is first. */
export function timeoutSignal(ms: number, parent?: AbortSignal): TimeoutSignal {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new SearchTimeoutError(ms)), ms);
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    },
  };
}

/** Throws the signal's reason (or an AbortError) when it has already fired. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof Error ? signal.reason : abortError(signal.reason);
}

/** Rejects as soon as `signal` fires, otherwise settles like `promise`. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(reasonOf(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reasonOf(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function reasonOf(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : abortError(signal.reason);
}

function abortError(reason: unknown): Error {
  const error = new Error(reason === undefined ? 'aborted' : `aborted: ${String(reason)}`);
  error.name = 'AbortError';
  return error;
}
