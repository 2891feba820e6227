/** The `insights` block of a site (docs/CONFIG.md, docs/PRIVACY.md): the insight store, off unless given. */
import { z } from 'zod';
import { positiveInt } from './schema-parts.js';

/** The PII patterns the gateway ships (gateway/insights/redact.ts). */
export const BUILT_IN_REDACTIONS = ['email', 'phone', 'card'] as const;

const compiles = (pattern: string): boolean => {
  try {
    new RegExp(pattern, 'gu');
    return true;
  } catch {
    return false;
  }
};

export const redactionSchema = z.union([
  z.enum(BUILT_IN_REDACTIONS),
  z.strictObject({
    pattern: z.string().min(1).refine(compiles, { message: 'must be a valid regular expression (JavaScript syntax, matched with the u flag)' }),
    replace_with: z.string().max(40).default('[redacted]'),
  }),
]);

export const insightsSchema = z.strictObject({
  store: z
    .string()
    .min(1)
    .describe('"redis" (the top-level store\'s Redis) or the path of a SQLite file, relative to the config file'),
  retention_days: positiveInt().max(3650).default(30).describe('rows older than this are deleted (on start and hourly)'),
  redact: z
    .array(redactionSchema)
    .default([...BUILT_IN_REDACTIONS])
    .describe('removed from questions, search queries and feedback reasons before storage'),
  unanswered_below: z
    .number()
    .nonnegative()
    .default(0)
    .describe('a searched question whose best passage scores at most this is "unanswered" in the report'),
});

export type InsightsConfig = z.output<typeof insightsSchema>;
export type RedactionConfig = z.output<typeof redactionSchema>;

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `insights.store: redis` needs the top-level store to be Redis. */
export function insightsCrossCheck(data: Dict, sites: Dict): Array<{ path: PropertyKey[]; message: string }> {
  const storeKind = isDict(data.store) ? data.store.kind : undefined;
  return Object.entries(sites)
    .filter(([, site]) => isDict(site) && isDict(site.insights) && site.insights.store === 'redis' && storeKind !== 'redis')
    .map(([siteId]) => ({
      path: ['sites', siteId, 'insights', 'store'],
      message: 'insights.store "redis" uses the top-level store\'s Redis, but store.kind is not redis; give a SQLite file path instead',
    }));
}
