/** Reads a configuration file from disk and validates it (the Node side of config/load.ts). */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Env } from '../config/env.js';
import { configFromText, unreadableConfig, type LoadedConfig } from '../config/load.js';

/** Loads and validates a configuration file; rejects with a ConfigError naming file, line and key path. */
export async function loadConfig(path: string, env: Env = process.env): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read the file (${String(error)})`;
    throw unreadableConfig(path, reason);
  }
  const file = resolve(path);
  return configFromText(text, { path, file, dir: dirname(file) }, env);
}

/** Resolves a path written in the config (a glob base, `root`, `cache_dir`) against the config's folder. */
export function resolveConfigPath(loaded: Pick<LoadedConfig, 'dir'>, path: string): string {
  return resolve(loaded.dir, path);
}
