import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../gateway/config/index.js';
import type { LimitsSnapshot } from '../../../gateway/limits/index.js';
import { createTokenTally, toLimiterReadings, toStatusSnapshot } from '../../../gateway/status/from-limits.js';

const yaml = `
engines:
  aoai: { kind: azure-openai, endpoint: https://r.openai.azure.com, deployment: d, api_key: k, quota: { connections_per_minute: 6, tokens_per_minute: 1000 } }
  local: { kind: offline }
sites:
  docs:
    origins: [https://docs.example.com]
    engine: aoai
    limits: { connections_per_minute: 3, max_concurrent: 4, daily_budget_usd: 2 }
    retrieval: { kind: local, sources: [./x/*.md] }
`;

const limits: LimitsSnapshot = {
  storeHealthy: true,
  engines: {
    aoai: { tokensLeft: 0.5, connectionsLastMinute: 5, concurrent: 3, queued: 1, costTodayUsd: 1.25, tokensThisMinute: 640 },
    local: { tokensLeft: null, connectionsLastMinute: 0, concurrent: 0, queued: 0, costTodayUsd: 0, tokensThisMinute: 0 },
  },
  sites: { docs: { tokensLeft: 1, connectionsLastMinute: 3, concurrent: 3, queued: 1, costTodayUsd: 1.25 } },
};

describe('status from the limits snapshot', () => {
  const parsed = parseConfig(yaml, { file: 'test.yaml', env: {} });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));

  it('pairs each site and engine with its configured limits', () => {
    const tally = createTokenTally();
    const now = Date.UTC(2026, 10, 24, 12);
    tally.add('docs', { textIn: 10, cachedTextIn: 0, textOut: 20, audioIn: 30, cachedAudioIn: 0, audioOut: 40 }, now);
    const status = toStatusSnapshot(parsed.config, limits, tally, now);
    expect(status.sites[0]).toMatchObject({
      id: 'docs',
      sessionsNow: 2,
      queued: 1,
      maxConcurrent: 4,
      connectionsLastMinute: 3,
      connectionsPerMinute: 3,
      costTodayUsd: 1.25,
      dailyBudgetUsd: 2,
      tokensToday: 100,
    });
    expect(status.engines.find((e) => e.id === 'aoai')).toMatchObject({ connectionsPerMinute: 6, tokensPerMinute: 1000, tokensLastMinute: 640 });
  });

  it('counts tool calls and failures per site, reset at midnight UTC', () => {
    const tally = createTokenTally();
    const day = Date.UTC(2026, 10, 24, 23, 59);
    tally.toolCall('docs', true, day);
    tally.toolCall('docs', false, day);
    tally.toolCall('shop', true, day);
    expect(toStatusSnapshot(parsed.config, limits, tally, day).sites[0]).toMatchObject({ id: 'docs', toolCallsToday: 2, toolErrorsToday: 1 });
    expect(tally.toolCallsToday('docs', day + 2 * 60_000)).toEqual({ calls: 0, errors: 0 });
  });

  it('resets the token tally at midnight UTC', () => {
    const tally = createTokenTally();
    const day = Date.UTC(2026, 10, 24, 23, 59);
    tally.add('docs', { textIn: 5, cachedTextIn: 0, textOut: 0, audioIn: 0, cachedAudioIn: 0, audioOut: 0 }, day);
    expect(tally.today('docs', day)).toBe(5);
    expect(tally.today('docs', day + 2 * 60_000)).toBe(0);
  });

  it('reports gauges only for buckets that exist', () => {
    expect(toLimiterReadings(limits)).toEqual([
      { scope: 'engine', name: 'aoai', tokensLeft: 0.5 },
      { scope: 'site', name: 'docs', tokensLeft: 1 },
    ]);
  });
});
