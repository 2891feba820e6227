/** A store's reachable-or-not state and the listeners told of each transition. */
import type { Store } from './store.js';

/** Health with its setter; `healthy` and `onHealthChange` drop into a Store as they are. */
export interface Health extends Pick<Store, 'healthy' | 'onHealthChange'> {
  /** Records the state; true when it changed (the listeners were told). */
  set(healthy: boolean): boolean;
  /** Forgets every listener (on close). */
  clear(): void;
}

/** Health starting at `initial` (a Redis store is down until it first connects). */
export function createHealth(initial: boolean): Health {
  const listeners = new Set<(healthy: boolean) => void>();
  let up = initial;
  return {
    set(healthy) {
      if (up === healthy) return false;
      up = healthy;
      for (const listener of listeners) listener(healthy);
      return true;
    },
    healthy: () => up,
    onHealthChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear: () => listeners.clear(),
  };
}
