/**
 * What of an answer the visitor heard: aligns the answer's transcript with its audio as both
 * arrive, and cuts the text at the played position of a barge-in (docs/WIDGET.md, "Heard-only transcript").
 */

/** A point of the alignment: `chars` of the item's text begin at `ms` of the answer's audio. */
export interface AlignmentPoint {
  ms: number;
  chars: number;
}

/** One assistant item's text and where its words met the audio. */
export interface ItemAlignment {
  itemId: string;
  text: string;
  points: AlignmentPoint[];
  /** Audio of the answer received when the item's text was complete; set by `assistant_transcript_done`. */
  endMs?: number;
}

/**
 * The character of `item.text` being spoken at `playedMs`. Each delta is anchored at the audio
 * received when it arrived (the first delta at a position wins), the finished text at the audio
 * received by then; between anchors the position is proportional. With no anchor after
 * `playedMs` the rate so far (or, when all text came first, text ÷ audio received) carries on.
 */
export function charAtMs(item: ItemAlignment, playedMs: number, receivedMs: number): number {
  const points = item.endMs !== undefined ? [...item.points, { ms: item.endMs, chars: item.text.length }] : item.points;
  let before: AlignmentPoint = { ms: 0, chars: 0 };
  for (const point of points) {
    if (point.ms > playedMs) {
      const span = point.ms - before.ms;
      return clamp(before.chars + ((point.chars - before.chars) * (playedMs - before.ms)) / span, item.text.length);
    }
    before = point;
  }
  const rate = before.ms > 0 ? before.chars / before.ms : item.text.length / Math.max(receivedMs, 1);
  return clamp(before.chars + rate * (playedMs - before.ms), item.text.length);
}

const clamp = (chars: number, max: number) => Math.max(0, Math.min(max, chars));

/** The text up to the end of the word being spoken at character `chars` (a word begun was heard). */
export function cutAtWord(text: string, chars: number): string {
  if (chars <= 0) return '';
  const rest = /^\S*/.exec(text.slice(Math.floor(chars)))![0];
  const end = Math.floor(chars) + rest.length;
  return text.slice(0, end).trimEnd();
}

/** Follows the current answer's items and audio; `cut` says what was heard of it at a barge-in. */
export class HeardText {
  #items: ItemAlignment[] = [];
  #receivedMs = 0;

  /** `response_started`: a new answer, whose played position counts from zero. */
  start(): void {
    this.#items = [];
    this.#receivedMs = 0;
  }

  /** `assistant_transcript`: anchors the delta at the audio received so far. */
  text(itemId: string, delta: string): void {
    let item = this.#items.find((i) => i.itemId === itemId);
    if (!item) this.#items.push((item = { itemId, text: '', points: [] }));
    if (item.endMs !== undefined) return;
    const last = item.points.at(-1);
    if (!last || last.ms < this.#receivedMs) item.points.push({ ms: this.#receivedMs, chars: item.text.length });
    item.text += delta;
  }

  /** `assistant_transcript_done`: the item's text is complete at the audio received so far. */
  done(itemId: string, text: string): void {
    const item = this.#items.find((i) => i.itemId === itemId);
    if (!item || item.endMs !== undefined) return;
    if (text.startsWith(item.text)) item.text = text;
    item.endMs = this.#receivedMs;
  }

  /** Answer audio that reached playback. */
  audio(bytes: number): void {
    this.#receivedMs += bytes / 48;
  }

  /** The item being spoken at `playedMs` and its text up to the word then spoken; undefined if none. */
  cut(playedMs: number): { itemId: string; text: string; whole: boolean } | undefined {
    // Items of one answer play one after another; the spoken one is the last that had begun.
    const item = this.#items.filter((i) => (i.points[0]?.ms ?? 0) <= playedMs).at(-1) ?? this.#items[0];
    if (!item) return undefined;
    const text = cutAtWord(item.text, charAtMs(item, playedMs, this.#receivedMs));
    return { itemId: item.itemId, text, whole: item.endMs !== undefined && text === item.text.trimEnd() };
  }
}
