import { describe, expect, it } from 'vitest';
import { createStatusHistory } from '../../../gateway/status/history.js';
import { renderStatusPage, sparkline } from '../../../gateway/status/page.js';
import type { StatusSnapshot } from '../../../gateway/status/types.js';
import { FakeClock, flushPromises } from '../../support/fake-clock.js';

const snapshot = (at: number, overrides: Partial<StatusSnapshot['sites'][number]> = {}): StatusSnapshot => ({
  at,
  storeUp: true,
  engines: [{ id: 'aoai', kind: 'azure-openai', connectionsLastMinute: 4, connectionsPerMinute: 6, tokensLastMinute: 1200, costTodayUsd: 1.5 }],
  sites: [
    {
      id: 'docs',
      engine: 'aoai',
      sessionsNow: 2,
      maxConcurrent: 10,
      connectionsLastMinute: 3,
      connectionsPerMinute: 3,
      queued: 1,
      tokensToday: 5400,
      toolCallsToday: 7,
      toolErrorsToday: 2,
      costTodayUsd: 1.5,
      dailyBudgetUsd: 25,
      ...overrides,
    },
  ],
});

describe('operator status page', () => {
  it('shows each site against its quota and budget, flagging one at its connection limit', () => {
    const html = renderStatusPage([snapshot(0), snapshot(10_000)]);
    expect(html).toContain('aria-label="site docs"');
    expect(html).toContain('3 / 3');
    expect(html).toContain('$1.500 / $25.00');
    expect(html).toMatch(/Tool calls today<\/div><div class="value">7 \(2 failed\)/);
    expect(html).toMatch(/<section class="site over"/);
    expect(html).not.toMatch(/<script/i);
  });

  it('escapes site names', () => {
    const html = renderStatusPage([snapshot(0, { id: '<img src=x>' })]);
    expect(html).not.toContain('<img src=x>');
    expect(html).toContain('&lt;img src=x&gt;');
  });

  it('draws the limit line and one point per sample', () => {
    const svg = sparkline([1, 2, 3], 6);
    expect(svg).toContain('class="limit"');
    expect(svg.match(/polyline points="([^"]+)"/)?.[1].split(' ')).toHaveLength(3);
  });

  it('keeps a bounded history sampled on the clock', async () => {
    const clock = new FakeClock(0);
    let n = 0;
    const history = createStatusHistory(() => snapshot(clock.now(), { sessionsNow: n++ }), clock, { everyMs: 1000, keep: 3 });
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      await flushPromises();
    }
    const samples = history.samples();
    expect(samples).toHaveLength(3);
    expect(samples.map((s) => s.sites[0].sessionsNow)).toEqual([2, 3, 4]);
    history.stop();
    clock.advance(5000);
    expect(history.samples()).toHaveLength(3);
  });
});
