/** A content part of a message item, as on the wire (audio bytes are never echoed). */
export type ContentPart =
  | { type: 'input_text'; text: string }
  | { type: 'input_audio'; transcript: string | null }
  | { type: 'output_audio'; transcript: string | null }
  | { type: 'output_text'; text: string }
  | { type: 'text'; text: string };

/** A conversation item in its GA wire shape. */
export type Item =
  | { id: string; object: 'realtime.item'; type: 'message'; status: ItemStatus; role: 'user' | 'assistant' | 'system'; content: ContentPart[] }
  | { id: string; object: 'realtime.item'; type: 'function_call'; status: ItemStatus; name: string; call_id: string; arguments: string }
  | { id: string; object: 'realtime.item'; type: 'function_call_output'; call_id: string; output: string; status: ItemStatus };

/** Item status as the service reports it. */
export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** What the engine knows about an item beyond its wire shape. */
export interface ItemMeta {
  /** Milliseconds of audio: received for user items, generated for assistant items. */
  audioMs: number;
  /** Set by `conversation.item.truncate`: the audio the listener heard. */
  truncatedMs?: number;
}

/** The default conversation of a session: items in order, with their audio lengths. */
export class Conversation {
  readonly items: Item[] = [];
  private readonly meta = new Map<string, ItemMeta>();

  /** Adds an item after `previousId` (default: at the end); returns the id of the item before it. */
  add(item: Item, audioMs = 0, previousId?: string | null): string | null {
    let index = this.items.length;
    if (previousId === null) index = 0;
    else if (previousId !== undefined) index = this.items.findIndex((i) => i.id === previousId) + 1;
    this.items.splice(index, 0, item);
    this.meta.set(item.id, { audioMs });
    return index > 0 ? this.items[index - 1]!.id : null;
  }

  get(id: string): Item | undefined {
    return this.items.find((item) => item.id === id);
  }

  has(id: string): boolean {
    return this.meta.has(id);
  }

  audio(id: string): ItemMeta {
    return this.meta.get(id) ?? { audioMs: 0 };
  }

  previousId(id: string): string | null {
    const index = this.items.findIndex((item) => item.id === id);
    return index > 0 ? this.items[index - 1]!.id : null;
  }

  lastId(): string | null {
    return this.items.at(-1)?.id ?? null;
  }

  delete(id: string): boolean {
    const index = this.items.findIndex((item) => item.id === id);
    if (index < 0) return false;
    this.items.splice(index, 1);
    this.meta.delete(id);
    return true;
  }

  /** The function call a `call_id` belongs to. */
  findCall(callId: string): Extract<Item, { type: 'function_call' }> | undefined {
    return this.items.find((item): item is Extract<Item, { type: 'function_call' }> => item.type === 'function_call' && item.call_id === callId);
  }
}
