// The heard-only cut (widget/session/heard.ts) against two upstream shapes: words sent just ahead of
// their audio (the offline engine, sentence by sentence) and all text first (OpenAI often does this).
import { describe, expect, it } from 'vitest';
import { transcriptChunks } from '../../gateway/engines/offline/text.js';
import { charAtMs, cutAtWord, HeardText } from '../../widget/session/heard.js';
import { Transcript } from '../../widget/session/transcript.js';
import { en } from '../../widget/ui/strings.js';
import type { VoiceRagTranscriptEvent } from '../../widget/events.js';

const CHUNK_MS = 150;
const BYTES_PER_MS = 48;
const SENTENCES = [
  'When two people edit the same note at once, both edits are kept.',
  ' The later one is shown first, and the other is saved as a conflict copy next to it.',
  ' Attachments and deleted notes cannot be merged.',
];
// A speaking rate that differs per sentence, as synthesis does: ms of audio per character.
const MS_PER_CHAR = [62, 75, 55];

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Feeds `heard` as the offline engine emits (response-run.ts): deltas by sentence position, just ahead of each chunk. */
function offlineAnswer(heard: HeardText, itemId: string): { truthWordsAt(ms: number): number } {
  const spans: { start: number; ms: number; before: string; sentence: string }[] = [];
  let audioMs = 0;
  let said = '';
  SENTENCES.forEach((sentence, s) => {
    const ms = Math.round(sentence.length * MS_PER_CHAR[s]!);
    spans.push({ start: audioMs, ms, before: said, sentence });
    const deltas = transcriptChunks(sentence, 'en');
    const chunks = Math.ceil(ms / CHUNK_MS);
    let next = 0;
    let chars = 0;
    for (let k = 0; k < chunks; k++) {
      while (next < deltas.length && chars <= ((k + 1) / chunks) * sentence.length) {
        chars += deltas[next]!.length;
        heard.text(itemId, deltas[next++]!);
      }
      const chunkMs = Math.min(CHUNK_MS, ms - k * CHUNK_MS);
      heard.audio(chunkMs * BYTES_PER_MS);
      audioMs += chunkMs;
    }
    said += sentence;
  });
  return {
    // The engine's own truth: within a sentence, the spoken character is proportional to its audio.
    truthWordsAt(ms) {
      const span = spans.filter((p) => p.start <= ms).at(-1)!;
      const chars = Math.min(span.sentence.length, ((ms - span.start) / span.ms) * span.sentence.length);
      return words(cutAtWord(span.before + span.sentence, span.before.length + chars));
    },
  };
}

describe('heard-only cut', () => {
  it('ends within one word of what the offline engine spoke, at every played position', () => {
    const heard = new HeardText();
    heard.start();
    const engine = offlineAnswer(heard, 'item_1');
    const total = SENTENCES.reduce((ms, s, i) => ms + Math.round(s.length * MS_PER_CHAR[i]!), 0);
    let checked = 0;
    for (let played = 200; played < total; played += 173) {
      const cut = heard.cut(played)!;
      expect(cut.itemId).toBe('item_1');
      expect(Math.abs(words(cut.text) - engine.truthWordsAt(played)), `at ${played} ms: "${cut.text}"`).toBeLessThanOrEqual(1);
      expect(SENTENCES.join('').startsWith(cut.text)).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('uses the plain transcript-to-audio proportion when all text came before the audio', () => {
    const heard = new HeardText();
    heard.start();
    const text = SENTENCES.join('');
    for (const delta of transcriptChunks(text, 'en')) heard.text('item_2', delta);
    heard.audio(10_000 * BYTES_PER_MS);
    heard.done('item_2', text);
    const cut = heard.cut(5_000)!;
    // Half the audio is half the characters, cut at the end of the word then spoken.
    expect(cut.text).toBe(cutAtWord(text, text.length / 2));
    expect(cut.text.length).toBeGreaterThan(text.length / 2 - 1);
    expect(cut.text.length).toBeLessThan(text.length / 2 + 15);
    expect(cut.whole).toBe(false);
    expect(heard.cut(10_000)!.whole).toBe(true);
  });

  it('interpolates between anchors and never goes past the text received', () => {
    const item = { itemId: 'i', text: 'one two three four', points: [{ ms: 0, chars: 0 }, { ms: 1000, chars: 8 }] };
    expect(charAtMs(item, 500, 1000)).toBe(4);
    expect(charAtMs(item, 100_000, 1000)).toBe(item.text.length);
    expect(cutAtWord(item.text, 4)).toBe('one two');
    expect(cutAtWord(item.text, 0)).toBe('');
  });
});

describe('transcript of an interrupted answer', () => {
  it('shows the heard words, fires voice-rag-transcript with interrupted, and ignores the later full text', () => {
    const target = new EventTarget();
    const events: VoiceRagTranscriptEvent[] = [];
    target.addEventListener('voice-rag-transcript', (e) => events.push(e as VoiceRagTranscriptEvent));
    const transcript = new Transcript(target);
    transcript.appendAssistant('a1', 'Backups run every night and', en);
    transcript.interrupt('a1', 'Backups run', en);
    transcript.appendAssistant('a1', ' keep thirty days.', en);
    transcript.upsert('a1', 'assistant', 'Backups run every night and keep thirty days.', true, en);
    expect(transcript.turns).toEqual([{ id: 'a1', role: 'assistant', text: 'Backups run', final: true, interrupted: true, sources: [] }]);
    expect(events.map((e) => [e.text, e.interrupted])).toEqual([['Backups run', true]]);
    expect(transcript.announcement).toBe('Assistant: Backups run (interrupted)');
  });

  it('fires again, marked, when the full text had already been final', () => {
    const target = new EventTarget();
    const events: VoiceRagTranscriptEvent[] = [];
    target.addEventListener('voice-rag-transcript', (e) => events.push(e as VoiceRagTranscriptEvent));
    const transcript = new Transcript(target);
    transcript.upsert('a2', 'assistant', 'Sync runs in the background.', true, en);
    transcript.interrupt('a2', 'Sync runs', en);
    expect(events.map((e) => [e.text, e.interrupted])).toEqual([['Sync runs in the background.', false], ['Sync runs', true]]);
  });
});
