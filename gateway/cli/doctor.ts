/**
 * `voice-rag doctor`: checks a deployment's real services from the owner's machine, one line per
 * check with what to fix: each engine's credential, deployment and dialect, whether the site's
 * `session.update` is kept as sent, one short priced text turn and the quota the service reports;
 * each Azure AI Search index and the fields the config maps. One connection per engine at most.
 */
import { AzureKeyCredential, SearchIndexClient } from '@azure/search-documents';
import type { TokenCredential } from '@azure/identity';
import { systemClock, type Clock } from '../clock.js';
import type { AzureSearchConfig, EngineConfig, GatewayConfig, SiteConfig } from '../config/schema.js';
import { connectUpstream, type RealtimeConnection, type UpstreamEvent } from '../realtime/client.js';
import { responseCreateEvent, userTextEvent } from '../realtime/client-events.js';
import { buildUpstreamTarget, DEFAULT_ENTRA_SCOPE } from '../realtime/upstream-url.js';
import type { Logger } from '../logger.js';
import type { SocketFactory } from '../realtime/socket.js';
import type { TokenCache } from '../realtime/token-cache.js';
import { usageFromResponse } from '../usage/meter.js';
import { costUsd, knownPricing, pricingFor } from '../usage/pricing.js';

export type Verdict = 'ok' | 'FAIL' | 'info';

export interface DoctorOptions {
  config: GatewayConfig;
  /** Only this site (and its engine). */
  site?: string;
  print(line: string): void;
  socketFactory: SocketFactory;
  tokens?: TokenCache;
  /** Replaces engines' URLs (tests point them at a scripted upstream). */
  upstreamUrls?: Record<string, string>;
  /** Used for search services without `api_key`. */
  searchCredential?: () => Promise<TokenCredential>;
  clock?: Clock;
  /** How long to wait for each answer of the service (default 15 s). */
  answerTimeoutMs?: number;
}

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Fields sent in `session.update` that the echoed session lacks or changed, as dotted paths. */
export function sessionDifferences(sent: unknown, echoed: unknown, path = ''): string[] {
  const at = (key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);
  if (isDict(sent)) {
    if (!isDict(echoed)) return [`${path} (dropped)`];
    return Object.entries(sent).flatMap(([key, value]) => sessionDifferences(value, echoed[key], at(key)));
  }
  if (Array.isArray(sent)) {
    if (!Array.isArray(echoed)) return [`${path} (dropped)`];
    return sent.flatMap((value, index) => sessionDifferences(value, echoed[index], at(index)));
  }
  if (sent === echoed) return [];
  return [echoed === undefined ? `${path} (dropped)` : `${path} (sent ${JSON.stringify(sent)}, kept ${JSON.stringify(echoed)})`];
}

/** Waits for the first event `pick` accepts; rejects after `timeoutMs`. */
function nextEvent<T>(upstream: RealtimeConnection, pick: (event: UpstreamEvent) => T | undefined, clock: Clock, timeoutMs: number, seen: UpstreamEvent[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    upstream.onEvent((event) => {
      seen.push(event);
      const value = pick(event);
      if (value === undefined) return;
      clock.clearTimeout(timer);
      resolve(value);
    });
  });
}

/** Collects the operator hints the upstream client logs, to print them as the fix. */
function hintLogger(hints: string[]): Logger {
  const keep = (_fields: object, message?: string) => void (message && hints.push(message));
  const logger: Logger = { error: keep, warn: keep, info: () => {}, debug: () => {}, child: () => logger };
  return logger;
}

async function checkEngine(name: string, engine: EngineConfig, site: SiteConfig, options: DoctorOptions, report: (verdict: Verdict, text: string) => void): Promise<void> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.answerTimeoutMs ?? 15_000;
  const label = `engine ${name}`;
  const target = buildUpstreamTarget(engine, options.upstreamUrls?.[name]);
  if (target.auth.kind === 'entra') {
    try {
      await options.tokens!.get(target.auth.scope ?? DEFAULT_ENTRA_SCOPE);
      report('ok', `${label}: Entra ID token for ${target.auth.scope}`);
    } catch (error) {
      return report('FAIL', `${label}: no Entra ID token (${(error as Error).message}): sign in (az login) or give the machine an identity with the "Cognitive Services OpenAI User" role`);
    }
  }
  const hints: string[] = [];
  let upstream: RealtimeConnection;
  try {
    upstream = await connectUpstream({ engineId: name, engine, overrideUrl: options.upstreamUrls?.[name], socketFactory: options.socketFactory, tokens: options.tokens, clock, logger: hintLogger(hints) });
  } catch (error) {
    return report('FAIL', `${label}: ${hints.at(-1) ?? (error as Error).message}`);
  }
  const seen: UpstreamEvent[] = [];
  try {
    const model = typeof upstream.session.model === 'string' ? upstream.session.model : target.deployment;
    report('ok', `${label}: ${target.deployment} answers in the ${upstream.dialect.name} dialect${target.auth.kind === 'api-key' || target.auth.kind === 'bearer' ? ', the key is accepted' : ''} (model ${model})`);
    const update = upstream.dialect.buildSessionUpdate(site, engine) as { session: Dict };
    const eventId = upstream.send(update);
    const answer = await nextEvent(upstream, (e) => (e.type === 'session.updated' || (e.type === 'error' && isDict(e.event.error) && (e.event.error.event_id ?? eventId) === eventId) ? e : undefined), clock, timeoutMs, seen);
    if (answer.type === 'error') {
      const error = answer.event.error as Dict;
      report('FAIL', `${label}: session.update refused: ${String(error.param ?? error.code)}: ${String(error.message)}: remove that setting from the site or use a dialect that has it`);
    } else {
      const lost = sessionDifferences(update.session, answer.event.session);
      if (lost.length === 0) report('ok', `${label}: session.update accepted as sent`);
      else report('FAIL', `${label}: session.update not kept as sent: ${lost.join(', ')}: the service ignores these settings`);
    }
    upstream.send(userTextEvent('Say "OK".'));
    upstream.send(responseCreateEvent('Answer with the single word OK. Do not call any tool.'));
    const done = await nextEvent(upstream, (e) => (e.type === 'response.done' ? (e.event.response as Dict) : undefined), clock, timeoutMs, seen);
    const usage = usageFromResponse(done.usage);
    if (done.status !== 'completed' || !usage) {
      report('FAIL', `${label}: a text turn ended ${String(done.status)} ${JSON.stringify(done.status_details ?? null)}: check the deployment's quota and content filters`);
    } else {
      const priced = engine.pricing ? 'engine pricing' : knownPricing(engine, model) ? `list price of ${model}` : 'no known price: set pricing';
      const cost = costUsd(usage, pricingFor(engine, model));
      report('ok', `${label}: a text turn was answered: ${usage.textIn + usage.audioIn} tokens in, ${usage.textOut + usage.audioOut} out, $${cost.toFixed(6)} (${priced})`);
    }
    const limits = seen.filter((e) => e.type === 'rate_limits.updated').at(-1)?.event.rate_limits;
    const quota = Array.isArray(limits) ? limits.filter(isDict).map((l) => `${String(l.name)} ${String(l.remaining)}/${String(l.limit)}`).join(', ') : '';
    report('info', `${label}: quota left: ${quota || 'the service does not report it in the session'}`);
  } catch (error) {
    report('FAIL', `${label}: the service stopped answering (${(error as Error).message})`);
  } finally {
    upstream.close();
  }
}

async function checkSearch(siteId: string, search: AzureSearchConfig, options: DoctorOptions, report: (verdict: Verdict, text: string) => void): Promise<void> {
  const label = `site ${siteId}: search index ${search.index}`;
  try {
    const credential = search.api_key ? new AzureKeyCredential(search.api_key) : await options.searchCredential!();
    const client = new SearchIndexClient(search.endpoint, credential, { allowInsecureConnection: new URL(search.endpoint).protocol === 'http:', retryOptions: { maxRetries: 0 } });
    const index = await client.getIndex(search.index);
    const present = new Set((index.fields ?? []).map((field) => field.name));
    const mapped = Object.entries({ ...search.fields, ...(search.vector_field ? { vector_field: search.vector_field } : {}) }).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
    const missing = mapped.filter(([, field]) => !present.has(field));
    if (missing.length === 0) report('ok', `${label} exists with the mapped fields ${mapped.map(([, f]) => f).join(', ')}`);
    else report('FAIL', `${label} lacks ${missing.map(([key, field]) => `"${field}" (retrieval.fields.${key})`).join(', ')}: fix retrieval.fields or the index`);
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    const fix = status === 404 ? 'check retrieval.index' : status === 401 || status === 403 ? 'check retrieval.api_key or the "Search Index Data Reader" role' : 'check retrieval.endpoint';
    report('FAIL', `${label}: ${status ? `HTTP ${status}` : (error as Error).message}: ${fix}`);
  }
}

/** Runs every check; resolves to the exit code (1 when a check failed). */
export async function runDoctor(options: DoctorOptions): Promise<number> {
  const sites = Object.entries(options.config.sites).filter(([id]) => options.site === undefined || id === options.site);
  if (sites.length === 0) {
    options.print(`FAIL no site ${options.site ?? ''} in the configuration\n`);
    return 1;
  }
  const engines = new Map<string, SiteConfig>();
  for (const [, site] of sites) if (!engines.has(site.engine)) engines.set(site.engine, site);
  const paid = [...engines.keys()].filter((name) => options.config.engines[name]?.kind !== 'offline');
  const searches = sites.filter(([, site]) => site.retrieval.kind === 'azure-search').length;
  options.print(`voice-rag doctor: opens one connection to each of ${paid.length} engine(s) (one short text turn each, billed as usual) and reads ${searches} search index definition(s)\n`);
  let failed = false;
  const report = (verdict: Verdict, text: string) => {
    failed ||= verdict === 'FAIL';
    options.print(`${verdict.padEnd(4)} ${text}\n`);
  };
  for (const name of paid) await checkEngine(name, options.config.engines[name]!, engines.get(name)!, options, report);
  for (const [id, site] of sites) {
    if (site.retrieval.kind === 'azure-search') await checkSearch(id, site.retrieval, options, report);
    else report('info', `site ${id}: local index, nothing to reach (voice-rag index builds it)`);
  }
  return failed ? 1 : 0;
}

/** `voice-rag doctor`: loads the config and runs the checks against the real services. */
export async function doctorCommand(options: { configPath: string; site?: string; io: { stdout(text: string): void; env: Record<string, string | undefined> } }): Promise<number> {
  const [{ loadConfig }, { createWsSocketFactory }, { createDefaultCredential }, { createTokenCache }] = await Promise.all([
    import('../node/config-file.js'),
    import('../node/ws-upstream.js'),
    import('../node/entra-credential.js'),
    import('../realtime/token-cache.js'),
  ]);
  const { config } = await loadConfig(options.configPath, options.io.env);
  const credential = createDefaultCredential();
  return runDoctor({
    config,
    site: options.site,
    print: options.io.stdout,
    socketFactory: createWsSocketFactory(),
    tokens: createTokenCache(credential, systemClock),
    searchCredential: async () => credential as unknown as TokenCredential,
  });
}
