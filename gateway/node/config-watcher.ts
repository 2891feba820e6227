/**
 * Node adapter: watches the configuration file and swaps in each valid edit. Invalid edits
 * are logged (file, line, key path, reason) and the last good configuration stays in force.
 */
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Env } from '../config/env.js';
import type { ConfigHolder } from '../config/holder.js';
import { ConfigError } from '../config/issues.js';
import { loadConfig } from './config-file.js';
import type { Logger } from '../logger.js';

// Read once at start-up (the listening socket, the limiter store); a reload cannot move them.
const RESTART_KEYS = ['port', 'host', 'store'] as const;

/** The log levels the watcher writes: a slice of the gateway's Logger. */
export type WatchLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** Options of watchConfig. */
export interface WatchConfigOptions {
  /** Variables for `${NAME}`; @default process.env */
  env?: Env;
  /** Quiet time after the last change event before reloading; @default 150 */
  debounceMs?: number;
}

/** Watches `path` and reloads it into `holder` on change; `close()` stops watching. */
export function watchConfig(
  path: string,
  holder: ConfigHolder,
  logger: WatchLogger,
  options: WatchConfigOptions = {},
): { close(): void } {
  const file = resolve(path);
  const name = basename(file);
  const env = options.env ?? process.env;
  const debounceMs = options.debounceMs ?? 150;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let running: Promise<void> = Promise.resolve();

  const reload = async (): Promise<void> => {
    try {
      const next = await loadConfig(path, env);
      if (closed) return;
      const previous = holder.current().config;
      for (const key of RESTART_KEYS) {
        const before = key === 'store' ? previous.store : previous.server[key];
        const after = key === 'store' ? next.config.store : next.config.server[key];
        if (JSON.stringify(before) !== JSON.stringify(after)) {
          logger.warn({ file, path: key === 'store' ? 'store' : `server.${key}` }, `${key === 'store' ? 'store' : `server.${key}`} changed: it takes effect after a restart`);
        }
      }
      try {
        holder.set(next);
      } catch (error) {
        logger.error({ file, err: error }, 'a config change listener failed');
      }
      logger.info({ file }, 'config reloaded');
      for (const warning of next.warnings) {
        if (warning.severity === 'warning') logger.warn({ file: warning.file, line: warning.line, path: warning.path }, warning.message);
      }
    } catch (error) {
      if (closed) return;
      if (!(error instanceof ConfigError)) {
        logger.error({ file, err: error }, 'config reload failed; the last good configuration stays in force');
        return;
      }
      for (const issue of error.issues) {
        logger.error(
          { file: issue.file, line: issue.line, column: issue.column, path: issue.path, reason: issue.message },
          `config not reloaded: ${issue.path ? `${issue.path}: ` : ''}${issue.message} (the last good configuration stays in force)`,
        );
      }
    }
  };

  const schedule = (): void => {
    if (closed) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      // Reloads run one after another, so an older read can never overwrite a newer one.
      running = running.then(reload);
    }, debounceMs);
  };

  // Watching the folder, not the file: editors that save by writing a new file and renaming it
  // over the old one would leave a file watcher attached to the deleted inode.
  // Kubernetes mounts a ConfigMap as `name -> ..data/name` and updates it by swapping the
  // `..data` link, so only a `..`-prefixed entry changes in this folder.
  const watcher: FSWatcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
    const entry = changed?.toString();
    if (entry === undefined || entry === name || entry.startsWith('..')) schedule();
  });
  watcher.on('error', (error) => logger.error({ file, err: error }, 'config watcher failed; edits are no longer picked up'));

  return {
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      watcher.close();
    },
  };
}
