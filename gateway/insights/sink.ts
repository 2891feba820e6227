/**
 * The session observer's side of the insight store: redacts each recorded turn and rating of
 * a site with `insights` on and writes it to that site's store. A failing store is logged and
 * never reaches the visitor's session.
 */
import type { InsightsConfig } from '../config/insights-schema.js';
import type { Logger } from '../logger.js';
import type { AnswerFeedback, RecordedTurn, SessionObserver } from '../session/observer.js';
import { createRedactor, type Redactor } from './redact.js';
import type { InsightStore, StoredTurn } from './types.js';

export interface InsightSinkOptions {
  /** The site's insights settings and its store; undefined when the site has insights off. */
  siteInsights(site: string): { config: InsightsConfig; store: InsightStore } | undefined;
  now(): number;
  logger: Logger;
}

export type InsightSink = Required<Pick<SessionObserver, 'turnRecorded' | 'feedback'>>;

/** A redacted copy of a turn: the question and the search queries. */
export function redactTurn(site: string, turn: RecordedTurn, redact: Redactor): StoredTurn {
  return {
    ...turn,
    site,
    question: redact(turn.question),
    searches: turn.searches.map((search) => ({ ...search, query: redact(search.query) })),
  };
}

/** Creates the sink; each site's redactor is built once per settings object (a reload makes a new one). */
export function createInsightSink(options: InsightSinkOptions): InsightSink {
  const redactors = new WeakMap<InsightsConfig, Redactor>();
  const redactorOf = (config: InsightsConfig) => {
    let redactor = redactors.get(config);
    if (!redactor) redactors.set(config, (redactor = createRedactor(config.redact)));
    return redactor;
  };
  const write = (site: string, what: string, work: (store: InsightStore, redact: Redactor) => Promise<void>) => {
    const target = options.siteInsights(site);
    if (!target) return;
    work(target.store, redactorOf(target.config)).catch((error: unknown) =>
      options.logger.warn({ site, err: error }, `insights: could not store a ${what}`),
    );
  };
  return {
    turnRecorded(site, turn) {
      write(site, 'turn', (store, redact) => store.addTurn(redactTurn(site, turn, redact)));
    },
    feedback(site, feedback) {
      write(site, 'rating', (store, redact) =>
        store.addFeedback({
          site,
          at: options.now(),
          sessionId: feedback.sessionId,
          responseId: feedback.responseId,
          rating: feedback.rating,
          ...(feedback.reason ? { reason: redact(feedback.reason) } : {}),
        }),
      );
    },
  };
}
