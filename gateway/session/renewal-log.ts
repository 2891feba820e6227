/**
 * The conversation as the visitor heard it (their turns, and the assistant's cut where they
 * barged in), kept from the messages sent to the browser, and replayed as text items into a
 * renewed upstream session so the model keeps the context.
 */
import type * as Beta from 'openai/resources/beta/realtime/realtime';
import type * as GA from 'openai/resources/realtime/realtime';
import type { ServerMessage } from '../protocol.js';
import { userTextEvent, type ClientEvent } from '../realtime/client-events.js';
import type { DialectName } from '../realtime/dialect.js';

export interface HeardTurn {
  role: 'user' | 'assistant';
  text: string;
}

/** The replay keeps the newest turns up to this many characters (about 5 000 tokens): older ones are dropped. */
export const MAX_REPLAY_CHARS = 20_000;

interface Entry extends HeardTurn {
  itemId: string;
  /** Set by a barge-in: the share of the item's audio the visitor heard. */
  heard?: number;
}

/** The first `fraction` of `text`, ending at a word boundary (the transcript-to-audio proportion). */
export function heardPart(text: string, fraction: number): string {
  if (fraction >= 1) return text;
  const cut = Math.round(text.length * Math.max(0, fraction));
  if (cut >= text.length || /\s/.test(text[cut] ?? ' ')) return text.slice(0, cut).trimEnd();
  const lastSpace = text.slice(0, cut).search(/\s\S*$/);
  return lastSpace < 0 ? '' : text.slice(0, lastSpace).trimEnd();
}

/** An assistant text item in the dialect's own content type (GA `output_text`, preview `text`). */
export function assistantTextEvent(dialect: DialectName, text: string): ClientEvent {
  if (dialect === 'beta') {
    return {
      type: 'conversation.item.create',
      item: { type: 'message', role: 'assistant', content: [{ type: 'text', text }] },
    } satisfies Beta.ConversationItemCreateEvent;
  }
  return {
    type: 'conversation.item.create',
    item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] },
  } satisfies GA.ConversationItemCreateEvent;
}

export interface HeardConversation {
  /** Every message the session sends the browser passes here (transcripts are kept). */
  observe(message: ServerMessage): void;
  /** A barge-in cut this assistant item at `audioEndMs` of `sentMs` of audio. */
  interrupted(itemId: string, audioEndMs: number, sentMs: number): void;
  /** The turns as heard, oldest first. */
  turns(): HeardTurn[];
  /** `conversation.item.create` events that rebuild the conversation, newest MAX_REPLAY_CHARS. */
  replayEvents(dialect: DialectName): ClientEvent[];
}

/** Creates the heard-conversation log of one session. */
export function createHeardConversation(): HeardConversation {
  const entries: Entry[] = [];
  const entryOf = (itemId: string, role: Entry['role']) => {
    let entry = entries.find((e) => e.itemId === itemId);
    if (!entry) entries.push((entry = { itemId, role, text: '' }));
    return entry;
  };
  const textOf = (entry: Entry) => (entry.heard === undefined ? entry.text : heardPart(entry.text, entry.heard)).trim();

  const turns = () => entries.map((entry) => ({ role: entry.role, text: textOf(entry) })).filter((turn) => turn.text !== '');

  return {
    observe(message) {
      // Transcription ends after the answer has begun: the slot taken at speech_started keeps the order.
      if (message.type === 'speech_started') entries.push({ itemId: '', role: 'user', text: '' });
      else if (message.type === 'user_transcript' && message.final) {
        const slot = entries.some((e) => e.itemId === message.item_id) ? undefined : entries.find((e) => e.itemId === '');
        if (slot) slot.itemId = message.item_id;
        entryOf(message.item_id, 'user').text = message.text;
      }
      else if (message.type === 'assistant_transcript') entryOf(message.item_id, 'assistant').text += message.delta;
      else if (message.type === 'assistant_transcript_done') entryOf(message.item_id, 'assistant').text = message.text;
    },
    interrupted(itemId, audioEndMs, sentMs) {
      entryOf(itemId, 'assistant').heard = sentMs > 0 ? audioEndMs / sentMs : 0;
    },
    turns,
    replayEvents(dialect) {
      const kept: HeardTurn[] = [];
      let chars = 0;
      for (const turn of turns().reverse()) {
        chars += turn.text.length;
        if (chars > MAX_REPLAY_CHARS) break;
        kept.unshift(turn);
      }
      return kept.map((turn) => (turn.role === 'user' ? userTextEvent(turn.text) : assistantTextEvent(dialect, turn.text)));
    },
  };
}
