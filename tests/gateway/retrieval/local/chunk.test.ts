import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkSections, splitText } from '../../../../gateway/retrieval/local/chunk.js';

const sentence = (n: number) => `Sentence number ${n} says something specific about limits.`;

describe('chunkSections', () => {
  it('keeps a short section whole with its heading and anchor', () => {
    expect(chunkSections([{ heading: 'Limits', anchor: 'limits', text: 'Three devices.' }], { size: 800, overlap: 100 })).toEqual([
      { heading: 'Limits', anchor: 'limits', text: 'Three devices.' },
    ]);
  });

  it('splits a long section into chunks no longer than size, each under the same heading', () => {
    const text = Array.from({ length: 40 }, (_, i) => sentence(i)).join(' ');
    const pieces = chunkSections([{ heading: 'Limits', anchor: 'limits', text }], { size: 300, overlap: 60 });
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces) {
      expect(piece.text.length).toBeLessThanOrEqual(300);
      expect(piece.heading).toBe('Limits');
    }
  });

  it('cuts at sentence ends and starts each chunk with a whole sentence of the one before', () => {
    const text = Array.from({ length: 20 }, (_, i) => sentence(i)).join(' ');
    const chunks = splitText(text, 200, 80);
    for (const chunk of chunks) {
      expect(chunk).toMatch(/^Sentence number \d+/);
      expect(chunk).toMatch(/limits\.$/);
    }
    for (let i = 1; i < chunks.length; i++) {
      const lastOfPrevious = chunks[i - 1].match(/Sentence number \d+ [^.]*\.$/)![0];
      expect(chunks[i].startsWith(lastOfPrevious)).toBe(true);
    }
  });

  it('prefers paragraph boundaries', () => {
    const a = 'First paragraph. '.repeat(8).trim();
    const b = 'Second paragraph. '.repeat(8).trim();
    expect(splitText(`${a}\n\n${b}`, 200, 0)).toEqual([a, b]);
  });

  it('splits Japanese text at 。', () => {
    const text = Array.from({ length: 30 }, (_, i) => `これは${i}番目の文で、同期の制限について説明します。`).join('');
    const chunks = splitText(text, 120, 30);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(120);
      expect(chunk.endsWith('。')).toBe(true);
    }
  });

  it('cuts text without any boundary at size', () => {
    const chunks = splitText('あ'.repeat(1000), 300, 0);
    expect(chunks.map((c) => c.length)).toEqual([300, 300, 300, 100]);
  });

  it('never exceeds size and never loses a word', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z]{1,12}[.!?]?$/), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 60, max: 400 }),
        fc.integer({ min: 0, max: 120 }),
        (words, size, overlap) => {
          const text = words.join(' ');
          const chunks = splitText(text, size, overlap);
          for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(size);
          const seen = chunks.join(' ').split(/\s+/);
          for (const word of words) expect(seen).toContain(word);
        },
      ),
      { numRuns: 150 },
    );
  });
});
