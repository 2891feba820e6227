/** The transcript of a session: turns, their sources, the live-region line, and the events for final text. */
import type { CitationSource } from '../../gateway/protocol.js';
import { VoiceRagCitationsEvent, VoiceRagTranscriptEvent } from '../events.js';
import type { Turn } from '../state.js';
import type { Strings } from '../ui/strings.js';

/** Turns in the order they started; replaced, never mutated, so a change is a new array. */
export class Transcript {
  #list: readonly Turn[] = [];
  /** What the polite live region reads: the latest final text, or a state. */
  announcement = '';
  readonly #target: EventTarget;

  constructor(target: EventTarget) {
    this.#target = target;
  }

  /** Every turn so far. */
  get turns(): readonly Turn[] {
    return this.#list;
  }

  /** Appends an assistant delta, unless the turn is already final. */
  appendAssistant(id: string, delta: string, strings: Strings): void {
    const turn = this.#find(id);
    if (turn?.final) return;
    this.upsert(id, 'assistant', (turn?.text ?? '') + delta, false, strings);
  }

  /** Sets a turn's text; a first final text is announced and fires `voice-rag-transcript`. */
  upsert(id: string, role: Turn['role'], text: string, final: boolean, strings: Strings, interrupted = false): void {
    const previous = this.#find(id);
    // The words of an interrupted answer stay what was heard, whatever arrives after.
    if (previous?.interrupted) return;
    this.#put(id, { id, role, text, final, sources: previous?.sources ?? [], ...(interrupted ? { interrupted } : {}) });
    if (final && (!previous?.final || interrupted)) {
      // Only final text reaches the live region; deltas would make a screen reader stutter.
      const said = interrupted ? `${text} (${strings.interrupted})` : text;
      this.announcement = `${role === 'user' ? strings.you : strings.assistant}: ${said}`;
      this.#target.dispatchEvent(new VoiceRagTranscriptEvent(role, text, id, interrupted));
    }
  }

  /** Barge-in: the answer's text becomes what was heard of it, marked interrupted. */
  interrupt(id: string, heard: string, strings: Strings): void {
    if (this.#find(id)?.interrupted) return;
    this.upsert(id, 'assistant', heard, true, strings, true);
  }

  /** Attaches an answer's sources and fires `voice-rag-citations`. */
  setSources(id: string, sources: CitationSource[]): void {
    const turn = this.#find(id);
    this.#put(id, turn ? { ...turn, sources } : { id, role: 'assistant', text: '', final: false, sources });
    this.#target.dispatchEvent(new VoiceRagCitationsEvent(id, sources));
  }

  #find(id: string): Turn | undefined {
    return this.#list.find((t) => t.id === id);
  }

  #put(id: string, turn: Turn): void {
    const index = this.#list.findIndex((t) => t.id === id);
    this.#list = index >= 0 ? this.#list.map((t, i) => (i === index ? turn : t)) : [...this.#list, turn];
  }
}
