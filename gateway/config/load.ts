/**
 * Reads a configuration file and returns it validated and frozen, or throws one ConfigError
 * listing every problem.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Env } from './env.js';
import { ConfigError } from './issues.js';
import type { ConfigIssue } from './issues.js';
import { parseConfig } from './parse.js';
import type { GatewayConfig } from './schema.js';

/** A loaded configuration with where it came from; relative paths in it resolve against `dir`. */
export interface LoadedConfig {
  /** Validated, defaults applied, deep-frozen. */
  config: GatewayConfig;
  warnings: ConfigIssue[];
  /** Absolute path of the file. */
  file: string;
  /** Absolute folder of the file: `sources` globs, `root` and `cache_dir` are relative to it. */
  dir: string;
}

/** The file `voice-rag` reads when no `--config` is given. */
export const DEFAULT_CONFIG_PATH = 'voice-rag.config.yaml';

/** Loads and validates a configuration file; rejects with a ConfigError naming file, line and key path. */
export async function loadConfig(path: string, env: Env = process.env): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read the file (${String(error)})`;
    throw new ConfigError([{ severity: 'error', file: path, line: 0, path: '', message: reason }]);
  }
  const result = parseConfig(text, { file: path, env });
  if (!result.ok) throw new ConfigError(result.errors, result.warnings);
  const file = resolve(path);
  return { config: result.config, warnings: result.warnings, file, dir: dirname(file) };
}

/** Resolves a path written in the config (a glob base, `root`, `cache_dir`) against the config's folder. */
export function resolveConfigPath(loaded: Pick<LoadedConfig, 'dir'>, path: string): string {
  return resolve(loaded.dir, path);
}
