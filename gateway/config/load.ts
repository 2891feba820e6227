/**
 * Turns a configuration file's text into a validated, frozen configuration, or one ConfigError
 * listing every problem. Reading the file is the Node adapter's job (gateway/node/config-file.ts).
 */
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

/** Where a configuration's text came from: the path as given (for messages) and its absolute form. */
export interface ConfigSource {
  text: string;
  /** The path as the operator wrote it; issues name this. */
  path: string;
  /** Absolute path of the file. */
  file: string;
  /** Absolute folder of the file. */
  dir: string;
}

/** Validates a configuration file's text; throws a ConfigError naming file, line and key path. */
export function loadConfigText(source: ConfigSource, env: Env): LoadedConfig {
  const result = parseConfig(source.text, { file: source.path, env });
  if (!result.ok) throw new ConfigError(result.errors, result.warnings);
  return { config: result.config, warnings: result.warnings, file: source.file, dir: source.dir };
}

/** The ConfigError for a file that could not be read (`missing`: it does not exist). */
export function unreadableConfig(path: string, missing: boolean, error: unknown): ConfigError {
  const reason = missing ? 'file not found' : `cannot read the file (${String(error)})`;
  return new ConfigError([{ severity: 'error', file: path, line: 0, path: '', message: reason }]);
}
