/**
 * What the local index needs from the machine, as plain interfaces; gateway/node/ fulfils them
 * (fs-sources.ts, fs-cache.ts) and tests pass in-memory ones.
 */
import type { Logger } from '../../logger.js';

/** Files of a site, addressed by POSIX paths relative to the config folder. */
export interface SourceFiles {
  /** Paths of the files matching `pattern`, relative to `cwd`, sorted. */
  glob(pattern: string, cwd: string): Promise<string[]>;
  read(path: string, cwd: string): Promise<Uint8Array>;
  /**
   * Calls `onChange` when a file under one of `dirs` (relative to `cwd`) is added, changed or
   * removed; paths under `ignore` are not watched; `onError` hears watcher failures (such as
   * running out of inotify watches). Resolves to a function that stops watching.
   */
  watch(
    dirs: readonly string[],
    cwd: string,
    onChange: (path: string) => void,
    ignore: readonly string[],
    onError?: (error: unknown) => void,
  ): Promise<() => Promise<void>>;
}

/** A small key → text store for the serialized index. */
export interface CacheStore {
  read(name: string): Promise<string | undefined>;
  write(name: string, text: string): Promise<void>;
}

/** The slice of the gateway's Logger the index uses. */
export type RetrievalLogger = Omit<Logger, 'child'>;
