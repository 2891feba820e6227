/** The insight store's rows and its seam: implemented on SQLite and on Redis (gateway/node/insights-*.ts). */
import type { AnswerFeedback, RecordedTurn } from '../session/observer.js';

/** One stored turn: the recorded turn after redaction, with the site it belongs to. */
export interface StoredTurn extends RecordedTurn {
  site: string;
}

/** One stored rating, with when it arrived. */
export interface StoredFeedback extends AnswerFeedback {
  site: string;
  at: number;
}

/** Whose rows a deletion request names: one session, or a signed-in visitor's `sub`. */
export type Subject = { sessionId: string; visitor?: undefined } | { visitor: string; sessionId?: undefined };

export interface InsightStore {
  addTurn(turn: StoredTurn): Promise<void>;
  addFeedback(feedback: StoredFeedback): Promise<void>;
  /** A site's turns and ratings at or after `since` (ms since the epoch), oldest first. */
  turns(site: string, since: number): Promise<StoredTurn[]>;
  feedback(site: string, since: number): Promise<StoredFeedback[]>;
  /** Deletes a site's rows older than `before`; answers how many went. */
  deleteBefore(site: string, before: number): Promise<number>;
  /** Deletes a session's or a visitor's rows (turns and ratings) on every site; answers how many went. */
  deleteSubject(subject: Subject): Promise<number>;
  close(): Promise<void>;
}
