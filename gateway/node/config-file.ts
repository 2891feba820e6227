/** Node adapter: reads a configuration file from disk and hands its text to the core loader. */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Env } from '../config/env.js';
import { loadConfigText, unreadableConfig, type LoadedConfig } from '../config/load.js';

/** Loads and validates a configuration file; rejects with a ConfigError naming file, line and key path. */
export async function loadConfig(path: string, env: Env = process.env): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw unreadableConfig(path, (error as NodeJS.ErrnoException).code === 'ENOENT', error);
  }
  const file = resolve(path);
  return loadConfigText({ text, path, file, dir: dirname(file) }, env);
}
