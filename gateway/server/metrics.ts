/**
 * Prometheus metrics of the gateway (prom-client), on a registry of its own so several
 * gateways in one process (tests) do not share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AnswerFeedback } from '../session/observer.js';
import type { TokenUsage } from '../usage/types.js';
import type { LimiterReading } from '../status/types.js';

export type { LimiterReading } from '../status/types.js';

/** Why a session was refused or ended early, as counted in `voice_rag_refusals_total`. */
export type RefusalReason =
  | 'unknown_site'
  | 'origin'
  | 'unauthorized'
  | 'rate_limited'
  | 'over_budget'
  | 'upstream_unavailable'
  | 'shutting_down';

export interface GatewayMetrics {
  registry: Registry;
  sessionOpened(site: string): void;
  sessionClosed(site: string, code: string): void;
  refused(site: string, reason: RefusalReason): void;
  queueWait(site: string, seconds: number): void;
  upstreamConnect(engine: string, seconds: number): void;
  toolCall(site: string, tool: string, seconds: number, ok: boolean): void;
  usage(site: string, engine: string, usage: TokenUsage, costUsd: number): void;
  storeUp(up: boolean): void;
  /** A visitor rated an answer (extension `feedback`); only the rating is counted. */
  feedback(site: string, feedback: AnswerFeedback): void;
  /** (extensions `renewal`, `resume`) A session moved to a new upstream session; a dropped browser resumed or was refused. */
  sessionRenewed(site: string, reason: 'expiring' | 'expired'): void;
  sessionResumed(site: string, outcome: 'resumed' | 'refused'): void;
  /** Supplies limiter readings at scrape time (the limits module's snapshot). */
  readLimiters(read: () => LimiterReading[] | Promise<LimiterReading[]>): void;
}

const TOKEN_KINDS = ['textIn', 'cachedTextIn', 'textOut', 'audioIn', 'cachedAudioIn', 'audioOut'] as const;
const SNAKE: Record<(typeof TOKEN_KINDS)[number], string> = {
  textIn: 'text_in',
  cachedTextIn: 'cached_text_in',
  textOut: 'text_out',
  audioIn: 'audio_in',
  cachedAudioIn: 'cached_audio_in',
  audioOut: 'audio_out',
};

/** Creates the gateway's metrics; `defaults` adds Node's process metrics (CPU, memory, event loop). */
export function createMetrics(options: { defaults?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaults !== false) collectDefaultMetrics({ register: registry, prefix: 'voice_rag_' });
  const registers = [registry];

  const active = new Gauge({ name: 'voice_rag_sessions_active', help: 'Sessions open now', labelNames: ['site'], registers });
  const opened = new Counter({ name: 'voice_rag_sessions_opened_total', help: 'Sessions that reached ready', labelNames: ['site'], registers });
  const closed = new Counter({ name: 'voice_rag_sessions_closed_total', help: 'Sessions ended, by close code name', labelNames: ['site', 'code'], registers });
  const refusals = new Counter({ name: 'voice_rag_refusals_total', help: 'Sessions refused, by reason', labelNames: ['site', 'reason'], registers });
  const queue = new Histogram({
    name: 'voice_rag_queue_wait_seconds',
    help: 'Time a session waited for a connection slot',
    labelNames: ['site'],
    buckets: [0.05, 0.25, 1, 2, 4, 8, 16, 30],
    registers,
  });
  const connect = new Histogram({
    name: 'voice_rag_upstream_connect_seconds',
    help: 'Upstream handshake to session.updated',
    labelNames: ['engine'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers,
  });
  const tools = new Histogram({
    name: 'voice_rag_tool_seconds',
    help: 'Tool call latency (search, report_grounding, site tools)',
    labelNames: ['site', 'tool', 'outcome'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 3],
    registers,
  });
  const toolCalls = new Counter({ name: 'voice_rag_tool_calls_total', help: 'Tool calls, by tool and outcome', labelNames: ['site', 'tool', 'outcome'], registers });
  const tokens = new Counter({ name: 'voice_rag_tokens_total', help: 'Metered tokens by kind', labelNames: ['site', 'engine', 'kind'], registers });
  const renewals = new Counter({ name: 'voice_rag_session_renewals_total', help: 'Upstream sessions renewed within a conversation, by reason', labelNames: ['site', 'reason'], registers });
  const resumes = new Counter({ name: 'voice_rag_session_resumes_total', help: 'Resume attempts after a dropped browser socket, by outcome', labelNames: ['site', 'outcome'], registers });
  const cost = new Counter({ name: 'voice_rag_cost_usd_total', help: 'Metered cost in USD', labelNames: ['site', 'engine'], registers });
  const ratings = new Counter({ name: 'voice_rag_feedback_total', help: 'Answers rated by visitors, by rating', labelNames: ['site', 'rating'], registers });
  // Across the workers of `serve --workers` (prom-client's AggregatorRegistry) a gauge of the one
  // shared store is not a sum: the store is up when every worker reaches it; buckets are read once.
  const store = new Gauge({ name: 'voice_rag_store_up', help: '1 when the limits store is reachable', registers, aggregator: 'min' });
  store.set(1);

  let readLimiters: () => LimiterReading[] | Promise<LimiterReading[]> = () => [];
  new Gauge({
    name: 'voice_rag_limiter_tokens',
    help: 'Connection tokens left in each bucket',
    labelNames: ['scope', 'name'],
    registers,
    aggregator: 'first',
    async collect() {
      this.reset();
      for (const reading of await readLimiters()) this.set({ scope: reading.scope, name: reading.name }, reading.tokensLeft);
    },
  });

  return {
    registry,
    sessionOpened(site) {
      opened.inc({ site });
      active.inc({ site });
    },
    sessionClosed(site, code) {
      closed.inc({ site, code });
      active.dec({ site });
    },
    refused: (site, reason) => refusals.inc({ site, reason }),
    queueWait: (site, seconds) => queue.observe({ site }, seconds),
    upstreamConnect: (engine, seconds) => connect.observe({ engine }, seconds),
    toolCall(site, tool, seconds, ok) {
      const labels = { site, tool, outcome: ok ? 'ok' : 'error' };
      tools.observe(labels, seconds);
      toolCalls.inc(labels);
    },
    usage(site, engine, usage, costUsd) {
      for (const kind of TOKEN_KINDS) if (usage[kind] > 0) tokens.inc({ site, engine, kind: SNAKE[kind] }, usage[kind]);
      if (costUsd > 0) cost.inc({ site, engine }, costUsd);
    },
    storeUp: (up) => store.set(up ? 1 : 0),
    feedback: (site, feedback) => ratings.inc({ site, rating: feedback.rating }),
    sessionRenewed: (site, reason) => renewals.inc({ site, reason }),
    sessionResumed: (site, outcome) => resumes.inc({ site, outcome }),
    readLimiters(read) {
      readLimiters = read;
    },
  };
}
