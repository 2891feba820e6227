/**
 * Warnings about a valid configuration: settings that load but will likely surprise the site
 * owner (an over-subscribed quota, no spending cap on a paid engine, plain-http origins …).
 */
import { joinPath } from './issues.js';
import type { ConfigIssue, ConfigSeverity } from './issues.js';
import type { Locator } from './positions.js';
import type { GatewayConfig } from './schema.js';
import { findModel } from '../usage/models.js';
import { modelNamesOf } from '../usage/pricing.js';
import { transportWarnings } from './transport-warnings.js';

/** Where warnings point: the file's name and a path-to-line locator (both optional). */
export interface WarningOptions {
  file?: string;
  locate?: Locator;
  /** Today, for retirement warnings (default: the clock's). */
  now?: number;
}

/** A retirement this close (or past) is worth a warning. */
const RETIREMENT_NOTICE_DAYS = 30;
const DAY_MS = 86_400_000;

const PAID_ENGINES = new Set(['azure-openai', 'openai', 'azure-voice-live']);
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const MIN_STATUS_TOKEN_LENGTH = 16;

/** Lists the warnings (and notes) for a validated configuration; never errors. */
export function configWarnings(config: GatewayConfig, options: WarningOptions = {}): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const add = (severity: ConfigSeverity, path: PropertyKey[], message: string): void => {
    const position = options.locate?.(path) ?? { line: 0, column: undefined };
    const issue: ConfigIssue = { severity, file: options.file ?? '', line: position.line, path: joinPath(path), message };
    if (position.column !== undefined) issue.column = position.column;
    issues.push(issue);
  };
  const sites = Object.entries(config.sites);

  for (const [engineName, engine] of Object.entries(config.engines)) {
    for (const warning of modelWarnings(engine, options.now ?? Date.now())) add('warning', ['engines', engineName, ...warning.path], warning.message);
    const users = sites.filter(([, site]) => site.engine === engineName);
    if (users.length === 0) {
      add('info', ['engines', engineName], `no site uses engine "${engineName}"`);
      continue;
    }
    const quota = engine.quota?.connections_per_minute;
    if (quota === undefined) continue;
    const shares = users.map(([id, site]) => [id, site.limits.connections_per_minute] as const);
    const total = shares.reduce((sum, [, share]) => sum + (share ?? 0), 0);
    if (total > quota) {
      const list = shares.map(([id, share]) => `${id} ${share ?? 0}`).join(', ');
      add('warning', ['engines', engineName, 'quota', 'connections_per_minute'],
        `the sites' connections_per_minute add up to ${total} (${list}), more than this engine's quota of ${quota}: sites will queue and be refused before reaching their share`);
    }
    for (const [id, share] of shares) {
      if (share !== undefined) continue;
      add('warning', ['sites', id, 'limits'],
        `site "${id}" has no limits.connections_per_minute, so it can use all ${quota} connections per minute of engine "${engineName}" and starve other sites`);
    }
  }

  for (const [id, site] of sites) {
    const engine = config.engines[site.engine];
    const limits = site.limits;
    const share = limits.connections_per_minute ?? engine?.quota?.connections_per_minute;
    if (limits.per_visitor_per_minute !== undefined && share !== undefined && limits.per_visitor_per_minute > share) {
      add('warning', ['sites', id, 'limits', 'per_visitor_per_minute'],
        `per_visitor_per_minute (${limits.per_visitor_per_minute}) is more than the site's ${share} connections per minute: one visitor can use the whole share`);
    }
    if (engine && PAID_ENGINES.has(engine.kind) && limits.daily_budget_usd === undefined && engine.quota?.daily_budget_usd === undefined) {
      add('warning', ['sites', id, 'limits'],
        `site "${id}" uses a paid engine (${engine.kind}) with no daily_budget_usd: its spending is not capped`);
    }
    if (site.reasoning && engine && engine.kind !== 'offline') {
      const name = modelNamesOf(engine)[0];
      if (findModel(name)?.reasoning === false) {
        add('warning', ['sites', id, 'reasoning'], `model ${name} is not a reasoning model: the service may refuse reasoning.effort`);
      }
    }
    if (!isKnownZone(limits.budget_time_zone)) {
      add('warning', ['sites', id, 'limits', 'budget_time_zone'],
        `budget_time_zone "${limits.budget_time_zone}" is not an IANA time zone this Node knows: budget days will start at midnight UTC`);
    }
    site.origins.forEach((origin, index) => {
      const url = new URL(origin);
      if (url.protocol === 'http:' && !LOCAL_HOSTS.has(url.hostname)) {
        add('warning', ['sites', id, 'origins', index],
          `${origin} is plain http: browsers only allow the microphone on https pages (or localhost)`);
      }
    });
  }

  for (const warning of transportWarnings(config)) add('warning', warning.path, warning.message);

  const token = config.server.status_token;
  if (token !== undefined && token !== '' && token.length < MIN_STATUS_TOKEN_LENGTH) {
    add('warning', ['server', 'status_token'],
      `status_token is ${token.length} characters; use at least ${MIN_STATUS_TOKEN_LENGTH} random characters`);
  }
  return issues;
}

/** Unknown prices and near retirements of an engine's model (docs/CONFIG.md, `check`). */
function modelWarnings(engine: GatewayConfig['engines'][string], now: number): Array<{ path: string[]; message: string }> {
  if (engine.kind === 'offline') return [];
  if (engine.kind === 'azure-voice-live') {
    return engine.pricing ? [] : [{ path: [], message: "Azure Voice Live bills its own prices, which the model table does not hold, and the engine has no pricing: budgets count its usage at gpt-realtime-2.1's prices; set pricing" }];
  }
  const name = modelNamesOf(engine)[0]!;
  const model = findModel(name);
  const warnings: Array<{ path: string[]; message: string }> = [];
  if (!model?.price && !engine.pricing) {
    const subject = model ? `model ${model.name} has no known list price` : `"${name}" is not a model the gateway knows`;
    const hint = engine.kind === 'azure-openai' && !model ? ' (set `model` to the model behind the deployment)' : '';
    warnings.push({ path: [], message: `${subject}${hint} and the engine has no pricing: budgets count its usage at gpt-realtime-2.1's prices; set pricing` });
  }
  const retirement = model?.retirement;
  if (retirement && engine.kind === 'azure-openai') {
    const days = Math.ceil((Date.parse(retirement.date) - now) / DAY_MS);
    if (days <= RETIREMENT_NOTICE_DAYS) {
      const when = days < 0 ? `retired on ${retirement.date}` : `retires on ${retirement.date} (in ${days} days)`;
      warnings.push({
        path: [],
        message: `Azure's ${model.name} version ${retirement.version} ${when}: move the deployment to a newer model (${retirement.source})`,
      });
    }
  }
  return warnings;
}

// The limiter falls back to UTC for a zone Intl rejects (limits/day.ts); say so before it runs.
function isKnownZone(zone: string): boolean {
  if (zone === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
