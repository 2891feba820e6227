/** The gateway configuration: schema, loader, checks and the swappable holder. */
export { configWarnings } from './warnings.js';
export type { WarningOptions } from './warnings.js';
export { isSecretPath } from './env.js';
export type { Env } from './env.js';
export { deepFreeze } from './freeze.js';
export { createConfigHolder } from './holder.js';
export type { ConfigHolder, ConfigListener } from './holder.js';
export { ConfigError, formatIssue } from './issues.js';
export type { ConfigIssue, ConfigSeverity } from './issues.js';
export { configJsonSchema } from './json-schema.js';
export { configFromText, DEFAULT_CONFIG_PATH } from './load.js';
export type { ConfigOrigin, LoadedConfig } from './load.js';
export { parseConfig } from './parse.js';
export type { ParseOptions, ParseResult } from './parse.js';
export * from './schema.js';
