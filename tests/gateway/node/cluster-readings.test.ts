// /status of `serve --workers N`: each worker's sample merged into one of the whole cluster.
import { describe, expect, it } from 'vitest';
import { mergeStatus } from '../../../gateway/node/cluster-readings.js';
import type { SiteStatus, StatusSnapshot } from '../../../gateway/status/types.js';

const site = (fields: Partial<SiteStatus>): SiteStatus => ({
  id: 'docs',
  engine: 'main',
  sessionsNow: 0,
  connectionsLastMinute: 0,
  queued: 0,
  tokensToday: 0,
  toolCallsToday: 0,
  toolErrorsToday: 0,
  costTodayUsd: 0,
  ...fields,
});
const engine = { id: 'main', kind: 'azure-openai', connectionsLastMinute: 9, tokensLastMinute: 500, costTodayUsd: 1.5 };

describe('merging the workers\' status samples', () => {
  it('sums what each process counts itself and takes the shared store\'s figures once', () => {
    // The store's slots (concurrent 5) include the queued sessions of both workers (1 + 2).
    const a: StatusSnapshot = { at: 10, storeUp: true, engines: [engine], sites: [site({ sessionsNow: 4, queued: 1, tokensToday: 100, toolCallsToday: 3, toolErrorsToday: 1, connectionsLastMinute: 9, costTodayUsd: 1.5 })] };
    const b: StatusSnapshot = { at: 12, storeUp: true, engines: [engine], sites: [site({ sessionsNow: 3, queued: 2, tokensToday: 50, toolCallsToday: 2, connectionsLastMinute: 9, costTodayUsd: 1.5 })] };
    const merged = mergeStatus([a, b]);
    expect(merged.at).toBe(12);
    expect(merged.engines).toEqual([engine]);
    expect(merged.sites[0]).toMatchObject({ sessionsNow: 2, queued: 3, tokensToday: 150, toolCallsToday: 5, toolErrorsToday: 1, connectionsLastMinute: 9, costTodayUsd: 1.5 });
  });

  it('says the store is down when any worker cannot reach it, and refuses no samples', () => {
    const up: StatusSnapshot = { at: 1, storeUp: true, engines: [], sites: [] };
    expect(mergeStatus([up, { ...up, storeUp: false }]).storeUp).toBe(false);
    expect(mergeStatus([up])).toEqual(up);
    expect(() => mergeStatus([])).toThrow(/no status samples/);
  });
});
