/**
 * Optional hooks for metrics. Method names and signatures match the metrics module's
 * GatewayMetrics, so a metrics object can be passed as is.
 */
import type { TokenUsage } from '../usage/types.js';

/** Why a session was refused; the subset of RefusalReason the session layer produces. */
export type SessionRefusal = 'unknown_site' | 'origin' | 'unauthorized' | 'rate_limited' | 'over_budget' | 'upstream_unavailable' | 'shutting_down';

/** A visitor's rating of one answer (the `feedback` extension); never any audio. */
export interface AnswerFeedback {
  sessionId: string;
  responseId: string;
  rating: 'up' | 'down';
  /** Optional short reason the visitor typed, ≤ 500 characters. */
  reason?: string;
}

/** One passage a search found: its id and score (never its text). */
export interface RecordedPassage {
  id: string;
  score: number;
}

/**
 * One answered turn, for the insight store (docs/PRIVACY.md): the visitor's question as text,
 * what was searched and found, what was cited, and what it cost. Never any audio.
 */
export interface RecordedTurn {
  sessionId: string;
  /** The visitor token's `sub`, when the site signs visitors in; never an address. */
  visitor?: string;
  /** When the question was asked (ms since the epoch). */
  at: number;
  question: string;
  searches: Array<{ query: string; passages: RecordedPassage[]; failed?: boolean }>;
  citations: Array<{ id: string; title: string; url?: string }>;
  /** The responses that answered it (feedback names one of them). */
  responseIds: string[];
  costUsd: number;
}

export interface SessionObserver {
  sessionOpened?(site: string): void;
  sessionClosed?(site: string, code: string): void;
  refused?(site: string, reason: SessionRefusal): void;
  upstreamConnect?(engine: string, seconds: number): void;
  toolCall?(site: string, tool: string, seconds: number, ok: boolean): void;
  usage?(site: string, engine: string, usage: TokenUsage, costUsd: number): void;
  feedback?(site: string, feedback: AnswerFeedback): void;
  /** (extension `renewal`) The session moved to a new upstream session. */
  sessionRenewed?(site: string, reason: 'expiring' | 'expired'): void;
  /** (extension `resume`) A dropped browser came back (`resumed`) or its token was refused (`refused`). */
  sessionResumed?(site: string, outcome: 'resumed' | 'refused'): void;
  /** A turn ended (next question or session end); only called for sites with `insights` on. */
  turnRecorded?(site: string, turn: RecordedTurn): void;
}
