/** The operator page's insights section: shown only with reports, every visitor text escaped. */
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../gateway/insights/report.js';
import { renderStatusPage } from '../../../gateway/status/page.js';

const NOW = Date.UTC(2026, 11, 6);
const report = buildReport(
  [{ site: 'docs', sessionId: 's1', at: NOW, question: '<script>alert(1)</script> pay by bitcoin?', searches: [{ query: 'q', passages: [] }], citations: [], responseIds: ['r1'], costUsd: 0.02 }],
  [{ site: 'docs', sessionId: 's1', responseId: 'r1', rating: 'down', reason: '<b>bad</b>', at: NOW }],
  { site: 'docs', since: NOW - 7 * 86_400_000, until: NOW, unansweredBelow: 0 },
);

describe('the insights on the operator page', () => {
  it('are absent when no site has insights on', () => {
    expect(renderStatusPage([])).not.toContain('Insights');
  });

  it('show each report with visitor text escaped', () => {
    const page = renderStatusPage([], [report]);
    expect(page).toContain('<h2>Insights</h2>');
    expect(page).toContain('insights, last 7 days: 1 questions, 1 conversations');
    expect(page).toContain('<span class="n">1×</span> &lt;script&gt;alert(1)&lt;/script&gt; pay by bitcoin?');
    expect(page).toContain('<small>— &lt;b&gt;bad&lt;/b&gt;</small>');
    expect(page).toContain('mean $0.0200');
    expect(page).not.toContain('<script>');
  });
});
