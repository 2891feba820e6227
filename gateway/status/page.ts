/**
 * The operator page (/status): per site, sessions now, connections in the last minute against
 * the quota, and tokens and cost today against the budget, each with a small chart of the last
 * hour, so an owner sees at a glance whether a site is near its limits. Plain HTML and inline
 * SVG: no script, so the page runs under `default-src 'none'`.
 */
import type { InsightReport } from '../insights/report.js';
import { escapeHtml, renderInsights } from './insights-section.js';
import type { EngineStatus, SiteStatus, StatusSnapshot } from './types.js';

/** The Content-Security-Policy the page is served with. */
export const STATUS_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const money = (usd: number) => `$${usd < 10 ? usd.toFixed(3) : usd.toFixed(2)}`;

/** Fraction of a limit in use, or undefined without a limit. */
function usage(value: number, limit: number | undefined): number | undefined {
  return limit === undefined || limit <= 0 ? undefined : value / limit;
}

function level(fraction: number | undefined): 'ok' | 'near' | 'over' | 'none' {
  if (fraction === undefined) return 'none';
  if (fraction >= 1) return 'over';
  return fraction >= 0.8 ? 'near' : 'ok';
}

/** A 160×32 sparkline of `values`, with a dashed line at `limit` when given. */
export function sparkline(values: readonly number[], limit?: number): string {
  const width = 160;
  const height = 32;
  const top = Math.max(1, limit ?? 0, ...values);
  const y = (v: number) => (height - 2 - (v / top) * (height - 4)).toFixed(1);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${y(v)}`).join(' ');
  const limitLine =
    limit === undefined ? '' : `<line x1="0" x2="${width}" y1="${y(limit)}" y2="${y(limit)}" class="limit"/>`;
  const line = values.length > 1 ? `<polyline points="${points}" class="line"/>` : '';
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-hidden="true">${limitLine}${line}</svg>`;
}

function meter(label: string, value: string, fraction: number | undefined, chart: string): string {
  const state = level(fraction);
  const percent = fraction === undefined ? '' : ` <span class="pct">${Math.round(fraction * 100)}%</span>`;
  return `<div class="meter ${state}"><div class="label">${label}</div><div class="value">${value}${percent}</div>${chart}</div>`;
}

function siteCard(site: SiteStatus, history: SiteStatus[]): string {
  const series = <K extends keyof SiteStatus>(key: K) => history.map((s) => Number(s[key] ?? 0));
  const connections = usage(site.connectionsLastMinute, site.connectionsPerMinute);
  const budget = usage(site.costTodayUsd, site.dailyBudgetUsd);
  const concurrency = usage(site.sessionsNow, site.maxConcurrent);
  const worst = level(Math.max(connections ?? 0, budget ?? 0, concurrency ?? 0));
  return `<section class="site ${worst}" aria-label="site ${escapeHtml(site.id)}">
<h2>${escapeHtml(site.id)} <small>engine ${escapeHtml(site.engine)}</small></h2>
${meter('Sessions now', `${site.sessionsNow}${site.maxConcurrent ? ` / ${site.maxConcurrent}` : ''}${site.queued ? ` (${site.queued} queued)` : ''}`, concurrency, sparkline(series('sessionsNow'), site.maxConcurrent))}
${meter('Connections, last minute', `${site.connectionsLastMinute}${site.connectionsPerMinute ? ` / ${site.connectionsPerMinute}` : ''}`, connections, sparkline(series('connectionsLastMinute'), site.connectionsPerMinute))}
${meter('Cost today', `${money(site.costTodayUsd)}${site.dailyBudgetUsd !== undefined ? ` / ${money(site.dailyBudgetUsd)}` : ''}`, budget, sparkline(series('costTodayUsd'), site.dailyBudgetUsd))}
${meter('Tokens today', site.tokensToday.toLocaleString('en-US'), undefined, sparkline(series('tokensToday')))}
${meter('Tool calls today', `${site.toolCallsToday}${site.toolErrorsToday ? ` (${site.toolErrorsToday} failed)` : ''}`, undefined, sparkline(series('toolCallsToday')))}
${meter('Answers rated today', `${site.ratedUpToday ?? 0} up · ${site.ratedDownToday ?? 0} down`, undefined, sparkline(series('ratedDownToday')))}
</section>`;
}

function engineRow(engine: EngineStatus): string {
  const cpm = engine.connectionsPerMinute ? ` / ${engine.connectionsPerMinute}` : '';
  const tpm = engine.tokensPerMinute ? ` / ${engine.tokensPerMinute.toLocaleString('en-US')}` : '';
  const state = level(Math.max(usage(engine.connectionsLastMinute, engine.connectionsPerMinute) ?? 0, usage(engine.tokensLastMinute, engine.tokensPerMinute) ?? 0));
  return `<tr class="${state}"><th scope="row">${escapeHtml(engine.id)}</th><td>${escapeHtml(engine.kind)}</td><td>${engine.connectionsLastMinute}${cpm}</td><td>${engine.tokensLastMinute.toLocaleString('en-US')}${tpm}</td><td>${money(engine.costTodayUsd)}</td></tr>`;
}

/** Renders the page from the samples, newest last (an empty history renders a notice), and the sites' insight reports. */
export function renderStatusPage(history: readonly StatusSnapshot[], insights: readonly InsightReport[] = []): string {
  const latest = history.at(-1);
  const body = !latest
    ? '<p>No samples yet.</p>'
    : `<p class="store ${latest.storeUp ? 'ok' : 'over'}">Limits store: ${latest.storeUp ? 'reachable' : 'UNREACHABLE'} · sampled ${new Date(latest.at).toISOString()}</p>
<table><caption>Engines</caption><thead><tr><th>engine</th><th>kind</th><th>connections, last minute</th><th>tokens, last minute</th><th>cost today</th></tr></thead>
<tbody>${latest.engines.map(engineRow).join('')}</tbody></table>
<div class="sites">${latest.sites
        .map((site) => siteCard(site, history.map((s) => s.sites.find((x) => x.id === site.id)).filter((s): s is SiteStatus => !!s)))
        .join('\n')}</div>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="refresh" content="10"><title>voice-rag status</title><style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1f24;background:#f6f7f9}h1{font-size:1.3rem}
table{border-collapse:collapse;background:#fff;margin:1rem 0}th,td{padding:.35rem .7rem;border-bottom:1px solid #e3e6ea;text-align:left}
caption{text-align:left;font-weight:600;padding:.3rem 0}.sites{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:1rem}
.site{background:#fff;border-radius:8px;padding:.8rem 1rem;border-left:6px solid #2da44e}.site.near{border-color:#bf8700}.site.over{border-color:#cf222e}
.site h2{font-size:1.05rem;margin:.2rem 0 .6rem}.site small{color:#57606a;font-weight:400}
.meter{display:grid;grid-template-columns:1fr auto;align-items:center;margin:.35rem 0}.meter svg{grid-column:1/3}
.label{color:#57606a}.value{font-variant-numeric:tabular-nums}.pct{color:#57606a}.near .pct{color:#9a6700}.over .pct,.over .value{color:#cf222e;font-weight:600}
tr.near td{color:#9a6700}tr.over td{color:#cf222e}.line{fill:none;stroke:#0969da;stroke-width:1.5}.limit{stroke:#cf222e;stroke-dasharray:3 3}
.store.over{color:#cf222e;font-weight:600}.insights li{margin:.15rem 0}.insights .n{color:#57606a;font-variant-numeric:tabular-nums}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}table,.site{background:#161b22}th,td{border-color:#30363d}.label,.pct,.site small{color:#8b949e}}
</style></head><body><h1>voice-rag gateway status</h1>${body}${renderInsights(insights)}</body></html>`;
}
