/**
 * Entry of `voice-rag.js`: registers `<voice-rag>` (once, even if the script loads twice) and
 * exports its class, events and types.
 */
import { VoiceRag } from './voice-rag.js';

export { VoiceRag } from './voice-rag.js';
export type { TokenProvider } from './voice-rag.js';
export { VoiceRagCitationsEvent, VoiceRagErrorEvent, VoiceRagStateEvent, VoiceRagToolEvent, VoiceRagTranscriptEvent } from './events.js';
export type { Turn, WidgetState } from './state.js';
export type { Strings } from './ui/strings.js';

// Pages do load a script twice (a CMS block and a theme); a second define would throw.
if (!customElements.get('voice-rag')) customElements.define('voice-rag', VoiceRag);

declare global {
  interface HTMLElementTagNameMap {
    'voice-rag': VoiceRag;
  }
}
