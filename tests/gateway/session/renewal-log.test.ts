// The conversation a renewal replays is the one the visitor heard: in order, with an interrupted
// answer cut at the share of its audio that was played, at a word boundary.
import { describe, expect, it } from 'vitest';
import { createHeardConversation, heardPart, MAX_REPLAY_CHARS } from '../../../gateway/session/renewal-log.js';

describe('heard conversation', () => {
  it('cuts an answer at the played share, at a word boundary', () => {
    const text = 'The deductible is two thousand dollars per person.';
    expect(heardPart(text, 1)).toBe(text);
    expect(heardPart(text, 0.5)).toBe('The deductible is two');
    expect(heardPart(text, 0.01)).toBe('');
    expect(heardPart(text, 0)).toBe('');
  });

  it('keeps a spoken question before the answer that began while it was transcribed, and the interrupted answer as heard', () => {
    const log = createHeardConversation();
    log.observe({ type: 'speech_started' });
    log.observe({ type: 'assistant_transcript', item_id: 'a1', delta: 'Northwind Plus covers eye exams ' });
    log.observe({ type: 'user_transcript', item_id: 'u1', text: 'Does Plus cover eye exams?', final: true });
    log.observe({ type: 'assistant_transcript', item_id: 'a1', delta: 'and glasses once a year.' });
    log.interrupted('a1', 500, 1000);
    log.observe({ type: 'assistant_transcript_done', item_id: 'a1', text: 'Northwind Plus covers eye exams and glasses once a year.' });
    log.observe({ type: 'user_transcript', item_id: 'u2', text: 'And dental?', final: true });
    expect(log.turns()).toEqual([
      { role: 'user', text: 'Does Plus cover eye exams?' },
      { role: 'assistant', text: 'Northwind Plus covers eye' },
      { role: 'user', text: 'And dental?' },
    ]);
    expect(log.replayEvents('ga').map((e) => (e.item as { content: Array<{ type: string }> }).content[0]!.type)).toEqual(['input_text', 'output_text', 'input_text']);
    expect(log.replayEvents('beta')[1]).toMatchObject({ item: { role: 'assistant', content: [{ type: 'text', text: 'Northwind Plus covers eye' }] } });
  });

  it('replays only the newest turns that fit MAX_REPLAY_CHARS', () => {
    const log = createHeardConversation();
    const long = 'x'.repeat(MAX_REPLAY_CHARS / 4);
    for (let i = 0; i < 6; i++) log.observe({ type: 'user_transcript', item_id: `u${i}`, text: `${i}${long}`, final: true });
    const replayed = log.replayEvents('ga').map((e) => ((e.item as { content: Array<{ text: string }> }).content[0]!.text)[0]);
    expect(replayed).toEqual(['3', '4', '5']);
  });
});
