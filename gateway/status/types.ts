/** What the operator page shows of one site at one moment. */
export interface SiteStatus {
  id: string;
  engine: string;
  sessionsNow: number;
  maxConcurrent?: number;
  connectionsLastMinute: number;
  /** The site's share of its engine's connections per minute, when set. */
  connectionsPerMinute?: number;
  queued: number;
  tokensToday: number;
  /** Tool calls today (search and site tools), and how many of them failed. */
  toolCallsToday: number;
  toolErrorsToday: number;
  /** Answers rated up and down today (extension `feedback`). */
  ratedUpToday?: number;
  ratedDownToday?: number;
  costTodayUsd: number;
  dailyBudgetUsd?: number;
}

/** What the operator page shows of one engine at one moment. */
export interface EngineStatus {
  id: string;
  kind: string;
  connectionsLastMinute: number;
  connectionsPerMinute?: number;
  tokensLastMinute: number;
  tokensPerMinute?: number;
  costTodayUsd: number;
}

/** One sample of the whole gateway. */
export interface StatusSnapshot {
  at: number;
  storeUp: boolean;
  sites: SiteStatus[];
  engines: EngineStatus[];
}

/** One gauge reading of a limiter, taken when Prometheus scrapes. */
export interface LimiterReading {
  scope: 'engine' | 'site';
  name: string;
  tokensLeft: number;
}
