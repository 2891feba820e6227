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
  sources: CitationSource[];
}
