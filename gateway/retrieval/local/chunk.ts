/**
 * Sections → chunks of at most `size` characters, cut at paragraph, then sentence, then word
 * boundaries, each starting with up to `overlap` characters of the one before it (whole
 * sentences where possible), so a fact that straddles a cut is still found whole.
 */
import type { Section } from './document.js';

/** Chunk size and overlap in characters. */
export interface ChunkSettings {
  size: number;
  overlap: number;
}

/** A chunk's text with the heading it sits under. */
export interface SectionPiece {
  heading?: string;
  anchor?: string;
  text: string;
}

const SENTENCE_END = /(?<=[.!?。！？])\s+|(?<=[。！？])(?=\S)/u;
const CJK_END = /[。！？]$/u;

/** Splits sections into pieces of at most `settings.size` characters (plus the overlap). */
export function chunkSections(sections: readonly Section[], settings: ChunkSettings): SectionPiece[] {
  const size = Math.max(50, settings.size);
  const overlap = Math.max(0, Math.min(settings.overlap, Math.floor(size / 2)));
  const out: SectionPiece[] = [];
  for (const section of sections) {
    const text = section.text.replace(/\n{3,}/g, '\n\n').trim();
    if (!text) continue;
    const base = { ...(section.heading ? { heading: section.heading } : {}), ...(section.anchor ? { anchor: section.anchor } : {}) };
    for (const piece of splitText(text, size, overlap)) out.push({ ...base, text: piece });
  }
  return out;
}

/** Splits one section's text. */
export function splitText(text: string, size: number, overlap: number): string[] {
  if (text.length <= size) return [text];
  const units = text.split(/\n{2,}/).flatMap((paragraph, index) => toUnits(paragraph, size, index > 0));
  const chunks: string[] = [];
  let current = '';
  for (const unit of units) {
    const joined = current ? join(current, unit) : unit.text;
    if (joined.length <= size) {
      current = joined;
      continue;
    }
    if (current) chunks.push(current);
    const tail = current ? overlapTail(current, overlap) : '';
    current = tail && tail.length + 1 + unit.text.length <= size ? join(tail, { ...unit, paragraph: false }) : unit.text;
  }
  if (current) chunks.push(current);
  return chunks;
}

interface Unit {
  text: string;
  /** Starts a new paragraph (joined with a blank line rather than a space). */
  paragraph: boolean;
}

function join(current: string, unit: Unit): string {
  if (unit.paragraph) return `${current}\n\n${unit.text}`;
  return CJK_END.test(current) ? current + unit.text : `${current} ${unit.text}`;
}

/** A paragraph as units no longer than `size`: itself, or its sentences, or hard cuts. */
function toUnits(paragraph: string, size: number, newParagraph: boolean): Unit[] {
  const trimmed = paragraph.trim();
  if (!trimmed) return [];
  if (trimmed.length <= size) return [{ text: trimmed, paragraph: newParagraph }];
  const units: Unit[] = [];
  for (const sentence of trimmed.split(SENTENCE_END)) {
    const s = sentence.trim();
    if (!s) continue;
    for (const piece of s.length <= size ? [s] : hardSplit(s, size)) {
      units.push({ text: piece, paragraph: newParagraph && units.length === 0 });
    }
  }
  return units;
}

/** Cuts an over-long sentence at the last space before `size`, or at `size` for unspaced scripts. */
function hardSplit(text: string, size: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > size) {
    const space = rest.lastIndexOf(' ', size);
    const cut = space > size * 0.5 ? space : size;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) out.push(rest);
  return out;
}

/** The last `overlap` characters of a chunk, starting at a sentence or word start. */
function overlapTail(chunk: string, overlap: number): string {
  if (overlap <= 0) return '';
  const tail = chunk.slice(-overlap);
  const sentence = /(?:[.!?]\s+|[。！？]|\n\n)(?=\S)/gu;
  let start = -1;
  for (let m = sentence.exec(tail); m; m = sentence.exec(tail)) {
    start = m.index + m[0].length;
    break;
  }
  if (start > 0) return tail.slice(start).trim();
  const space = tail.indexOf(' ');
  return (space >= 0 && space < tail.length - 1 ? tail.slice(space + 1) : tail).trim();
}
