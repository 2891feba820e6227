/** Prints an insight report as Markdown, CSV (one row per item, a `section` column) or JSON. */
import type { InsightReport } from './report.js';

export const REPORT_FORMATS = ['md', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const usd = (value: number) => `$${value.toFixed(4)}`;
// A table cell: pipes and line breaks would break the Markdown table.
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

function markdown(report: InsightReport): string {
  const lines = [
    `# Insights: ${report.site}`,
    '',
    `${report.since} to ${report.until}: ${report.turns} questions in ${report.conversations} conversations.`,
    '',
    `## Unanswered questions (${report.unansweredTurns})`,
    '',
  ];
  if (report.unanswered.length === 0) lines.push('None: every searched question found a passage.');
  else {
    lines.push('| times | question | also asked as |', '| ---: | --- | --- |');
    for (const group of report.unanswered) lines.push(`| ${group.count} | ${cell(group.question)} | ${cell(group.examples.join(' / '))} |`);
  }
  lines.push('', '## Pages cited most', '');
  if (report.citedPages.length === 0) lines.push('No citations.');
  else {
    lines.push('| citations | page | title |', '| ---: | --- | --- |');
    for (const page of report.citedPages) lines.push(`| ${page.count} | ${cell(page.page)} | ${cell(page.title)} |`);
  }
  lines.push('', `## Answers rated down (${report.ratings.down} down, ${report.ratings.up} up)`, '');
  if (report.ratedDown.length === 0) lines.push('None.');
  else {
    lines.push('| when | question | reason | session |', '| --- | --- | --- | --- |');
    for (const r of report.ratedDown) lines.push(`| ${r.at} | ${cell(r.question ?? '')} | ${cell(r.reason ?? '')} | ${r.sessionId} |`);
  }
  const cost = report.cost;
  lines.push('', '## Cost per conversation', '',
    `Total ${usd(cost.totalUsd)}; per conversation: mean ${usd(cost.meanPerConversationUsd)}, median ${usd(cost.medianPerConversationUsd)}, max ${usd(cost.maxPerConversationUsd)}.`);
  if (cost.top.length > 0) {
    lines.push('', '| session | questions | cost |', '| --- | ---: | ---: |');
    for (const c of cost.top) lines.push(`| ${c.sessionId} | ${c.turns} | ${usd(c.costUsd)} |`);
  }
  return `${lines.join('\n')}\n`;
}

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
const csvField = (value: string | number) => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

function csv(report: InsightReport): string {
  const rows: Array<Array<string | number>> = [['section', 'item', 'count', 'detail']];
  for (const g of report.unanswered) rows.push(['unanswered', g.question, g.count, g.examples.join(' / ')]);
  for (const p of report.citedPages) rows.push(['cited', p.page, p.count, p.title]);
  for (const r of report.ratedDown) rows.push(['rated_down', r.question ?? '', 1, [r.at, r.sessionId, r.reason ?? ''].join(' · ')]);
  for (const c of report.cost.top) rows.push(['conversation_cost', c.sessionId, c.turns, c.costUsd.toFixed(6)]);
  rows.push(['cost_total', report.site, report.conversations, report.cost.totalUsd.toFixed(6)]);
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** The report in the format asked for. */
export function formatReport(report: InsightReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return format === 'csv' ? csv(report) : markdown(report);
}
