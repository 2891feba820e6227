/**
 * Turns a configuration file's text into a validated, frozen configuration, or throws one
 * ConfigError listing every problem. Reading the file is the Node adapter's job
 * (gateway/node/config-file.ts).
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

/** Where a configuration text came from: the path as given (for messages) and its absolute form. */
export interface ConfigOrigin {
  path: string;
  file: string;
  dir: string;
}

/** Validates a configuration file's text; throws a ConfigError naming file, line and key path. */
export function configFromText(text: string, origin: ConfigOrigin, env: Env): LoadedConfig {
  const result = parseConfig(text, { file: origin.path, env });
  if (!result.ok) throw new ConfigError(result.errors, result.warnings);
  return { config: result.config, warnings: result.warnings, file: origin.file, dir: origin.dir };
}

/** The ConfigError for a file that could not be read. */
export function unreadableConfig(path: string, reason: string): ConfigError {
  return new ConfigError([{ severity: 'error', file: path, line: 0, path: '', message: reason }]);
}
