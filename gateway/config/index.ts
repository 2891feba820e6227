/** The gateway configuration: schema, loader, checks and the swappable holder. */
export { checkConfig } from './check.js';
export type { CheckOptions } from './check.js';
export { isSecretPath } from './env.js';
export type { Env } from './env.js';
export { deepFreeze } from './freeze.js';
export { createConfigHolder } from './holder.js';
export type { ConfigHolder, ConfigListener } from './holder.js';
export { ConfigError, formatIssue } from './issues.js';
export type { ConfigIssue, ConfigSeverity } from './issues.js';
export { configJsonSchema } from './json-schema.js';
export { DEFAULT_CONFIG_PATH, loadConfigText, unreadableConfig } from './load.js';
export type { ConfigSource, LoadedConfig } from './load.js';
export { parseConfig } from './parse.js';
export type { ParseOptions, ParseResult } from './parse.js';
export * from './schema.js';
