/** The operator page's insights: per site with insights on, the last days' report in short. */
import type { InsightReport } from '../insights/report.js';

export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);

const list = (items: readonly string[], empty: string) =>
  items.length === 0 ? `<p>${empty}</p>` : `<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`;

function siteInsights(report: InsightReport): string {
  const days = Math.round((Date.parse(report.until) - Date.parse(report.since)) / 86_400_000);
  const unanswered = report.unanswered.map((g) => `<span class="n">${g.count}×</span> ${escapeHtml(g.question)}`);
  const cited = report.citedPages.map((p) => `<span class="n">${p.count}×</span> ${escapeHtml(p.title)} <small>${escapeHtml(p.page)}</small>`);
  const down = report.ratedDown.map((r) => `${escapeHtml(r.question ?? '(question not stored)')}${r.reason ? ` <small>— ${escapeHtml(r.reason)}</small>` : ''}`);
  const cost = report.cost;
  return `<section class="site insights" aria-label="insights ${escapeHtml(report.site)}">
<h2>${escapeHtml(report.site)} <small>insights, last ${days} days: ${report.turns} questions, ${report.conversations} conversations</small></h2>
<h3>Unanswered (${report.unansweredTurns})</h3>${list(unanswered, 'None.')}
<h3>Cited most</h3>${list(cited, 'No citations.')}
<h3>Rated down (${report.ratings.down} down, ${report.ratings.up} up)</h3>${list(down, 'None.')}
<h3>Cost per conversation</h3><p>mean $${cost.meanPerConversationUsd.toFixed(4)}, median $${cost.medianPerConversationUsd.toFixed(4)}, max $${cost.maxPerConversationUsd.toFixed(4)}; total $${cost.totalUsd.toFixed(4)}</p>
</section>`;
}

/** The insights part of the page; empty when no site has insights on. */
export function renderInsights(reports: readonly InsightReport[]): string {
  if (reports.length === 0) return '';
  return `<h2>Insights</h2><div class="sites">${reports.map(siteInsights).join('\n')}</div>`;
}
