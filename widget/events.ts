/**
 * The DOM events `<voice-rag>` fires. They bubble, cross shadow roots, and fire on visitor or
 * session changes only, never because code set a property.
 */
import type { CitationSource, ErrorCode } from '../gateway/protocol.js';
import type { WidgetState } from './state.js';

const init: EventInit = { bubbles: true, composed: true };

/** `voice-rag-state`: the session moved to another state. */
export class VoiceRagStateEvent extends Event {
  readonly state: WidgetState;
  constructor(state: WidgetState) {
    super('voice-rag-state', init);
    this.state = state;
  }
}

/** `voice-rag-transcript`: a final text of the visitor or the assistant; of an interrupted answer, the words heard. */
export class VoiceRagTranscriptEvent extends Event {
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly itemId: string;
  /** The visitor interrupted this answer: `text` ends where they stopped hearing it. */
  readonly interrupted: boolean;
  constructor(role: 'user' | 'assistant', text: string, itemId: string, interrupted = false) {
    super('voice-rag-transcript', init);
    this.role = role;
    this.text = text;
    this.itemId = itemId;
    this.interrupted = interrupted;
  }
}

/** `voice-rag-citations`: the sources an answer used. */
export class VoiceRagCitationsEvent extends Event {
  readonly itemId: string;
  readonly sources: CitationSource[];
  constructor(itemId: string, sources: CitationSource[]) {
    super('voice-rag-citations', init);
    this.itemId = itemId;
    this.sources = sources;
  }
}

/** `voice-rag-error`: an error from the gateway, or `upstream_error` for a lost connection. */
export class VoiceRagErrorEvent extends Event {
  readonly code: ErrorCode;
  readonly message: string;
  readonly retryAfterMs: number | undefined;
  constructor(code: ErrorCode, message: string, retryAfterMs?: number) {
    super('voice-rag-error', init);
    this.code = code;
    this.message = message;
    this.retryAfterMs = retryAfterMs;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'voice-rag-state': VoiceRagStateEvent;
    'voice-rag-transcript': VoiceRagTranscriptEvent;
    'voice-rag-citations': VoiceRagCitationsEvent;
    'voice-rag-error': VoiceRagErrorEvent;
    'voice-rag-tool': VoiceRagToolEvent;
  }
}

/** `voice-rag-tool`: the assistant asks the page to run a tool. Cancellable: `preventDefault()` refuses. */
export class VoiceRagToolEvent extends Event {
  readonly name: string;
  readonly args: Record<string, unknown>;
  #answer: { value: unknown } | undefined;
  constructor(name: string, args: Record<string, unknown>) {
    super('voice-rag-tool', { ...init, cancelable: true });
    this.name = name;
    this.args = args;
  }
  /** Answers the call with any JSON value, or a promise of one (a rejection is a failure). */
  respond(result: unknown): void {
    this.#answer ??= { value: result };
  }
  /** What the handler answered, if anything. */
  get answer(): { value: unknown } | undefined {
    return this.#answer;
  }
}
