/**
 * `/metrics` and `/status` of `serve --workers N` cover every worker: each worker offers its own
 * prom-client metrics and status sample, and the one that was asked merges them all: metrics
 * with prom-client's AggregatorRegistry (counters and histograms summed, each gauge by its
 * aggregator), status by summing what each process counts itself and taking the shared store's
 * figures once.
 */
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { SiteStatus, StatusSnapshot } from '../status/types.js';
import { answerGather, gather } from './cluster-gather.js';

/** What one process offers. */
export interface LocalReadings {
  metrics(): Promise<MetricObjectWithValues<MetricValue<string>>[]>;
  status(): Promise<StatusSnapshot>;
}

/** Readings of every worker. */
export interface ClusterReadings {
  metricsText(): Promise<string>;
  status(): Promise<StatusSnapshot>;
}

/** Site figures each process keeps for itself (its tally and its own queue); the rest come from the shared store. */
const PER_PROCESS: ReadonlyArray<keyof SiteStatus> = ['queued', 'tokensToday', 'toolCallsToday', 'toolErrorsToday'];

/** One status sample of the whole cluster from each worker's sample. */
export function mergeStatus(samples: readonly StatusSnapshot[]): StatusSnapshot {
  const [first, ...rest] = samples;
  if (!first) throw new Error('no status samples');
  const sites = first.sites.map((site) => {
    const merged: SiteStatus = { ...site };
    for (const other of rest) {
      const same = other.sites.find((candidate) => candidate.id === site.id);
      if (!same) continue;
      for (const key of PER_PROCESS) (merged[key] as number) += same[key] as number;
    }
    // The store's concurrency slots hold every worker's queued sessions: those are not "now" sessions.
    merged.sessionsNow = Math.max(0, site.sessionsNow + site.queued - merged.queued);
    return merged;
  });
  return {
    at: Math.max(...samples.map((sample) => sample.at)),
    storeUp: samples.every((sample) => sample.storeUp),
    engines: first.engines,
    sites,
  };
}

/** In a worker: offers this process's readings and returns the cluster-wide ones. */
export function shareReadings(local: LocalReadings): ClusterReadings {
  answerGather('metrics', () => local.metrics());
  answerGather('status', () => local.status());
  return {
    async metricsText() {
      const all = (await gather('metrics')) as Parameters<typeof AggregatorRegistry.aggregate>[0];
      return AggregatorRegistry.aggregate(all).metrics();
    },
    async status() {
      return mergeStatus((await gather('status')) as StatusSnapshot[]);
    },
  };
}
