/**
 * The current configuration as one swappable reference: sessions read `current()` once when
 * they start and keep that snapshot; a reload replaces the reference for later sessions.
 */
import type { LoadedConfig } from './load.js';

/** Called after the configuration was replaced. */
export type ConfigListener = (next: LoadedConfig, previous: LoadedConfig) => void;

/** Holds the configuration in force. */
export interface ConfigHolder {
  current(): LoadedConfig;
  /** Replaces the configuration and tells every listener; a listener that throws does not stop the others. */
  set(next: LoadedConfig): void;
  /** Subscribes to replacements; returns the unsubscribe function. */
  onChange(listener: ConfigListener): () => void;
}

/** Creates a holder starting with `initial`. */
export function createConfigHolder(initial: LoadedConfig): ConfigHolder {
  let value = initial;
  const listeners = new Set<ConfigListener>();
  return {
    current: () => value,
    set(next) {
      const previous = value;
      value = next;
      const errors: unknown[] = [];
      for (const listener of [...listeners]) {
        try {
          listener(next, previous);
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new AggregateError(errors, 'config change listeners failed');
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
