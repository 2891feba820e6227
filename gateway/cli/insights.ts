/**
 * `voice-rag insights`: prints a site's insight report (unanswered questions, pages cited most,
 * answers rated down, cost per conversation) as Markdown, CSV or JSON, or deletes one session's
 * or one visitor's rows on request (docs/PRIVACY.md).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import { REPORT_FORMATS, formatReport, type ReportFormat } from '../insights/format.js';
import { buildReport } from '../insights/report.js';
import type { Subject } from '../insights/types.js';
import { loadConfig } from '../node/config-file.js';
import { openInsightStore, storeKey } from '../node/insights-sites.js';
import type { CliIo } from './main.js';

export const INSIGHTS_USAGE = `Usage: voice-rag insights --site ID [--since 7d] [--format md|csv|json] [--below SCORE] [--config FILE]
       voice-rag insights --site ID --find TEXT [--since 30d] [--config FILE]
       voice-rag insights --delete-session ID | --delete-visitor SUB [--site ID] [--config FILE]

  --since      period: 30m, 24h, 7d (default 7d) or a date (2026-12-01)
  --format     md (default), csv or json
  --below      a searched question whose best passage scores at most this is unanswered
               (default: the site's insights.unanswered_below)
  --find TEXT  list the sessions whose stored questions contain TEXT (to find a visitor's rows)
  --delete-session ID   delete every row of that session (its id is the widget's session_id)
  --delete-visitor SUB  delete every session of that signed-in visitor (the token's sub)
`;

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `7d`, `24h`, `30m` before `now`, or a date; undefined when neither. */
export function parseSince(value: string, now: number): number | undefined {
  const relative = /^(\d+)([mhd])$/.exec(value);
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2]!]!;
  const date = Date.parse(value);
  return /^\d{4}-\d{2}-\d{2}/.test(value) && Number.isFinite(date) ? date : undefined;
}

/** Runs the command with its arguments (after `insights`); resolves to the exit code. */
export async function insightsCommand(argv: readonly string[], io: CliIo, now = Date.now()): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        site: { type: 'string', short: 's' },
        since: { type: 'string', default: '7d' },
        format: { type: 'string', default: 'md' },
        below: { type: 'string' },
        find: { type: 'string' },
        'delete-session': { type: 'string' },
        'delete-visitor': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    io.stderr(`voice-rag insights: ${(error as Error).message}\n\n${INSIGHTS_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(INSIGHTS_USAGE);
    return 0;
  }
  const fail = (message: string, code = 2) => {
    io.stderr(`voice-rag insights: ${message}\n`);
    return code;
  };
  const loaded = await loadConfig(values.config ?? DEFAULT_CONFIG_PATH, io.env);
  const sites = Object.entries(loaded.config.sites).filter(([id, site]) => site.insights && (values.site === undefined || id === values.site));
  if (values.site !== undefined && !loaded.config.sites[values.site]) return fail(`no site "${values.site}" in the configuration`);
  if (sites.length === 0) return fail(values.site ? `site "${values.site}" has no insights block: nothing is recorded for it` : 'no site has an insights block', 1);

  const subject: Subject | undefined =
    values['delete-session'] !== undefined ? { sessionId: values['delete-session'] } : values['delete-visitor'] !== undefined ? { visitor: values['delete-visitor'] } : undefined;
  if (subject) {
    if (values['delete-session'] !== undefined && values['delete-visitor'] !== undefined) return fail('give --delete-session or --delete-visitor, not both');
    const keys = new Set(sites.map(([, site]) => storeKey(site.insights!, loaded)));
    let removed = 0;
    for (const key of keys) {
      const store = await openInsightStore(key, loaded.config);
      try {
        removed += await store.deleteSubject(subject);
      } finally {
        await store.close();
      }
    }
    io.stdout(`deleted ${removed} row${removed === 1 ? '' : 's'}\n`);
    return 0;
  }

  if (values.site === undefined) return fail('--site is required for a report');
  const format = values.format as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) return fail(`--format must be md, csv or json, not "${values.format}"`);
  const since = parseSince(values.since, now);
  if (since === undefined) return fail(`--since must look like 30m, 24h, 7d or 2026-12-01, not "${values.since}"`);
  const insights = sites[0]![1].insights!;
  const below = values.below === undefined ? insights.unanswered_below : Number(values.below);
  if (!Number.isFinite(below) || below < 0) return fail(`--below must be a number ≥ 0, not "${values.below}"`);
  // Read only: the report may run beside the gateway that owns the file.
  const store = await openInsightStore(storeKey(insights, loaded), loaded.config, { readOnly: true });
  try {
    const [turns, feedback] = await Promise.all([store.turns(values.site, since), store.feedback(values.site, since)]);
    if (values.find !== undefined) {
      const needle = values.find.toLowerCase();
      for (const turn of turns.filter((t) => t.question.toLowerCase().includes(needle)))
        io.stdout(`${turn.sessionId}\t${new Date(turn.at).toISOString()}\t${turn.question}\n`);
      return 0;
    }
    io.stdout(formatReport(buildReport(turns, feedback, { site: values.site, since, until: now, unansweredBelow: below }), format));
  } finally {
    await store.close();
  }
  return 0;
}
