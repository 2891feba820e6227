/**
 * Collects one session's turns for the insight store: the question (typed, or the visitor's
 * final transcript), the searches with the passages' ids and scores, the citations, the
 * response ids and the cost, and hands each turn over when the next one starts or the session
 * ends. Created only for sites with `insights` on; it never sees audio.
 */
import type { ServerMessage } from '../protocol.js';
import type { Passage } from '../retrieval/types.js';
import type { RecordedTurn } from './observer.js';

export interface TurnRecorder {
  /** Every message the session sends to the browser (transcripts, citations, response ends). */
  message(message: ServerMessage): void;
  /** The visitor typed or committed: a new question begins. */
  inputStarted(): void;
  searched(query: string, passages: readonly Passage[], failed: boolean): void;
  cost(usd: number | undefined): void;
  /** The visitor token's `sub`, once verified. */
  identify(sub: string | undefined): void;
  /** The session ended: hands over the last turn. */
  end(): void;
}

type OpenTurn = Omit<RecordedTurn, 'sessionId' | 'visitor'>;

const emptyTurn = (at: number): OpenTurn => ({ at, question: '', searches: [], citations: [], responseIds: [], costUsd: 0 });

/** Creates the recorder of one session; `emit` receives each finished turn that had a question. */
export function createTurnRecorder(sessionId: string, now: () => number, emit: (turn: RecordedTurn) => void): TurnRecorder {
  let visitor: string | undefined;
  let turn = emptyTurn(now());
  // Cost of responses before the first question (a greeting) goes to the first turn.
  let carriedCost = 0;

  // Responses without a question (a greeting, a cough VAD took for speech) are not a turn:
  // their cost goes to the next question, the rest is dropped.
  const flush = () => {
    if (!turn.question) {
      carriedCost += turn.costUsd;
      turn = emptyTurn(now());
      return;
    }
    const finished = { ...turn, costUsd: turn.costUsd + carriedCost };
    carriedCost = 0;
    turn = emptyTurn(now());
    emit({ sessionId, ...(visitor ? { visitor } : {}), ...finished });
  };


  return {
    message(message) {
      switch (message.type) {
        // The visitor starts speaking: what came before (a greeting, an answered question) is done.
        case 'speech_started':
          return flush();
        case 'user_transcript':
          if (!message.final || !message.text.trim()) return;
          if (!turn.question) turn.at = now();
          turn.question = turn.question ? `${turn.question} ${message.text.trim()}` : message.text.trim();
          return;
        case 'citations':
          for (const source of message.sources)
            if (!turn.citations.some((c) => c.id === source.id))
              turn.citations.push({ id: source.id, title: source.title, ...(source.url ? { url: source.url } : {}) });
          return;
        case 'response_done':
          if (message.response_id) turn.responseIds.push(message.response_id);
          return;
        default:
          return;
      }
    },
    inputStarted: flush,
    searched(query, passages, failed) {
      turn.searches.push({ query, passages: passages.map((p) => ({ id: p.id, score: p.score })), ...(failed ? { failed } : {}) });
    },
    cost(usd) {
      if (usd !== undefined && Number.isFinite(usd)) turn.costUsd += usd;
    },
    identify(sub) {
      visitor = sub;
    },
    end: flush,
  };
}
