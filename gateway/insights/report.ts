/**
 * The insight report of one site over a period: the searched questions no passage answered
 * (grouped by similarity), the pages cited most, the answers rated down, and the cost per
 * conversation. Built from stored rows only; the CLI and the operator page both print it.
 */
import { clusterByWords } from './cluster.js';
import type { StoredFeedback, StoredTurn } from './types.js';

export interface UnansweredGroup {
  /** The first question of the group, as asked. */
  question: string;
  count: number;
  /** Up to five other phrasings. */
  examples: string[];
}

export interface InsightReport {
  site: string;
  since: string;
  until: string;
  turns: number;
  conversations: number;
  unansweredTurns: number;
  unanswered: UnansweredGroup[];
  citedPages: Array<{ page: string; title: string; count: number }>;
  ratings: { up: number; down: number };
  ratedDown: Array<{ at: string; sessionId: string; question?: string; reason?: string }>;
  cost: {
    totalUsd: number;
    meanPerConversationUsd: number;
    medianPerConversationUsd: number;
    maxPerConversationUsd: number;
    /** The most expensive conversations, at most ten. */
    top: Array<{ sessionId: string; turns: number; costUsd: number }>;
  };
}

export interface ReportOptions {
  site: string;
  since: number;
  until: number;
  /** A searched question whose best passage scores at most this is unanswered. */
  unansweredBelow: number;
  /** Longest lists (default 20). */
  limit?: number;
}

/** True when the turn searched and no successful search found a passage above the threshold. */
export function isUnanswered(turn: StoredTurn, below: number): boolean {
  const searches = turn.searches.filter((search) => !search.failed);
  if (searches.length === 0) return false;
  return searches.every((search) => search.passages.every((passage) => passage.score <= below));
}

const iso = (ms: number) => new Date(ms).toISOString();
const cents = (usd: number) => Math.round(usd * 1e6) / 1e6;

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function citedPages(turns: readonly StoredTurn[], limit: number): InsightReport['citedPages'] {
  const pages = new Map<string, { page: string; title: string; count: number }>();
  for (const turn of turns)
    for (const citation of turn.citations) {
      // A page is its URL without the section anchor; sources without a URL count by title.
      const page = citation.url?.split('#')[0] ?? citation.title;
      const entry = pages.get(page) ?? { page, title: citation.title, count: 0 };
      entry.count++;
      pages.set(page, entry);
    }
  return [...pages.values()].sort((a, b) => b.count - a.count || a.page.localeCompare(b.page)).slice(0, limit);
}

function costs(turns: readonly StoredTurn[]): InsightReport['cost'] {
  const bySession = new Map<string, { sessionId: string; turns: number; costUsd: number }>();
  for (const turn of turns) {
    const entry = bySession.get(turn.sessionId) ?? { sessionId: turn.sessionId, turns: 0, costUsd: 0 };
    entry.turns++;
    entry.costUsd += turn.costUsd;
    bySession.set(turn.sessionId, entry);
  }
  const list = [...bySession.values()].map((entry) => ({ ...entry, costUsd: cents(entry.costUsd) }));
  const values = list.map((entry) => entry.costUsd);
  const total = values.reduce((sum, value) => sum + value, 0);
  return {
    totalUsd: cents(total),
    meanPerConversationUsd: cents(list.length ? total / list.length : 0),
    medianPerConversationUsd: cents(median(values)),
    maxPerConversationUsd: cents(Math.max(0, ...values)),
    top: list.sort((a, b) => b.costUsd - a.costUsd).slice(0, 10),
  };
}

/** Builds the report from a site's turns and ratings of the period. */
export function buildReport(turns: readonly StoredTurn[], feedback: readonly StoredFeedback[], options: ReportOptions): InsightReport {
  const limit = options.limit ?? 20;
  const unansweredTurns = turns.filter((turn) => isUnanswered(turn, options.unansweredBelow));
  const groups = clusterByWords(unansweredTurns, (turn) => turn.question);
  const questionOf = new Map<string, string>();
  for (const turn of turns) for (const id of turn.responseIds) questionOf.set(`${turn.sessionId} ${id}`, turn.question);
  const down = feedback.filter((rating) => rating.rating === 'down');
  return {
    site: options.site,
    since: iso(options.since),
    until: iso(options.until),
    turns: turns.length,
    conversations: new Set(turns.map((turn) => turn.sessionId)).size,
    unansweredTurns: unansweredTurns.length,
    unanswered: groups.slice(0, limit).map((group) => ({
      question: group.label,
      count: group.members.length,
      examples: [...new Set(group.members.slice(1).map((turn) => turn.question))].filter((q) => q !== group.label).slice(0, 5),
    })),
    citedPages: citedPages(turns, limit),
    ratings: { up: feedback.length - down.length, down: down.length },
    ratedDown: down
      .slice(-limit)
      .reverse()
      .map((rating) => {
        const question = questionOf.get(`${rating.sessionId} ${rating.responseId}`);
        return { at: iso(rating.at), sessionId: rating.sessionId, ...(question ? { question } : {}), ...(rating.reason ? { reason: rating.reason } : {}) };
      }),
    cost: costs(turns),
  };
}
