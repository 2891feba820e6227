/**
 * The widget's states and transcript model, shared by the element, its events and its strings.
 */
import type { CitationSource } from '../gateway/protocol.js';

/** Where a session is: idle → connecting → (queued) → listening ⇄ searching ⇄ speaking; error; ended. */
export type WidgetState = 'idle' | 'connecting' | 'queued' | 'listening' | 'searching' | 'speaking' | 'error' | 'ended';

/** Every state, in lifecycle order. */
export const WIDGET_STATES: readonly WidgetState[] = [
  'idle', 'connecting', 'queued', 'listening', 'searching', 'speaking', 'error', 'ended',
];

/** One turn of the transcript. */
export interface Turn {
  /** The protocol's `item_id`. */
  id: string;
  role: 'user' | 'assistant';
  text: string;
  /** True once the text is final (`final: true` or `assistant_transcript_done`). */
  final: boolean;
  /** An answer the visitor interrupted: `text` is what was heard of it. */
  interrupted?: boolean;
  sources: CitationSource[];
}


/** What `<voice-rag>` shows of its session (`SessionController.view`). */
export interface SessionView {
  state: WidgetState;
  /** A conversation is open or opening. */
  active: boolean;
  /** Opened by typing: no microphone. */
  textOnly: boolean;
  /** The push-to-talk button is held. */
  talking: boolean;
  turns: readonly Turn[];
  /** The polite live region's text. */
  announcement: string;
  /** The shown error; empty when none. */
  error: string;
  /** A non-error notice (microphone unavailable, audio paused, session ended). */
  notice: string;
  /** Seconds to an automatic retry; 0 when none is scheduled. */
  countdown: number;
  /** Seconds of the waiting line announced by `queued`. */
  queueSeconds: number;
}
