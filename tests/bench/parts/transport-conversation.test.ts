import { describe, expect, it } from 'vitest';
import { AudioWatch } from '../../../bench/parts/transports/control-socket.js';
import { converse, type Visitor } from '../../../bench/parts/transports/conversation.js';

describe('the transports section: the scripted conversation', () => {
  it('speaks each turn for exactly its frames and times the answer from the last voiced frame', async () => {
    const sent: boolean[] = [];
    const audio = new AudioWatch();
    let wasVoiced = false;
    const visitor: Visitor = {
      audio,
      sendFrame(voiced) {
        sent.push(voiced);
        // A service that answers 60 ms after the first unvoiced frame, with 40 ms of audio.
        if (wasVoiced && !voiced) for (const ms of [60, 80, 100]) setTimeout(() => audio.heard(), ms);
        wasVoiced = voiced;
      },
    };
    const talk = await converse(visitor, { turns: 2, speechMs: 100, gapMs: 20, quietMs: 60, answerTimeoutMs: 2000 });
    // Two runs of 5 voiced frames (100 ms), silence around them.
    const runs = sent.map((v) => (v ? '1' : '0')).join('').split(/0+/).filter(Boolean);
    expect(runs).toEqual(['11111', '11111']);
    expect(talk.missed).toBe(0);
    expect(talk.latenciesMs).toHaveLength(2);
    // The answer comes 60 ms after the first unvoiced frame, which follows the last voiced one.
    for (const ms of talk.latenciesMs) expect(ms).toBeGreaterThanOrEqual(59);
  });

  it('counts a turn with no answer as missed instead of waiting for ever', async () => {
    const visitor: Visitor = { audio: new AudioWatch(), sendFrame: () => undefined };
    const talk = await converse(visitor, { turns: 1, speechMs: 40, gapMs: 0, quietMs: 10, answerTimeoutMs: 100 });
    expect(talk).toMatchObject({ missed: 1, latenciesMs: [] });
  });

  it('hands a waiter only audio heard at or after its moment', async () => {
    const audio = new AudioWatch();
    const waiting = audio.next(1000, 500);
    audio.heard(999);
    audio.heard(1001);
    expect(await waiting).toBe(1001);
    expect(audio.lastAt).toBe(1001);
  });
});
