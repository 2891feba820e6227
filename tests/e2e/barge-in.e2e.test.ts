// Issue 8, e2e 3: the visitor speaks during a long answer. Playback stops within 100 ms of
// speech_started, the widget reports what was actually heard (interrupt played_ms), and the
// engine is asked to truncate the answer at that position.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fixtureDir, makeSpeechWav, missingAudioTools, type SpeechWav } from './support/audio.js';
import { snap } from './support/browser.js';
import { useStack } from './support/harness.js';
import { readProbe, samplesToMs, waitForFrame, waitForState, type ProbeRecord } from './support/probe.js';
import { askByText, widget } from './support/widget.js';

const TEST = 'barge-in';
// demo/site/sync.md, "## Conflicts": long sentences, so the answer plays for well over 5 s.
const QUESTION = 'What happens when two people edit the same note at the same time, and which changes cannot be merged?';
// The speech starts this long after the microphone opens: by then the answer is playing.
const SPEECH_AFTER_S = 6;

const fixtures = fixtureDir();
let wav: SpeechWav;
let probe: ProbeRecord;
let page: Page;
const stack = useStack(
  TEST,
  () => {
    const missing = missingAudioTools();
    if (missing.length) throw new Error(`missing ${missing.join(', ')} (apt-get install ${missing.join(' ')})`);
    wav = makeSpeechWav(fixtures.dir, 'barge-in', 'Wait, stop. Tell me about backups instead.', { padBefore: SPEECH_AFTER_S, padAfter: 2 });
    return { wav: wav.path };
  },
  () => fixtures.remove(),
);

describe('barge-in during a long answer', () => {
  it('stops playback within 100 ms of speech_started and reports the played position', async () => {
    ({ page } = await stack.open('index.html'));
    await widget(page).micButton.click();
    await waitForState(page, 'listening', 20_000);
    await askByText(page, QUESTION);
    await waitForState(page, 'speaking', 30_000);
    await snap(page, TEST, '01-speaking');

    const started = await waitForFrame(page, 'speech_started', wav.totalMs + 10_000);
    const interrupt = await waitForFrame(page, 'interrupt', 5_000, 'out');
    await snap(page, TEST, '02-interrupted');
    await page.waitForTimeout(500); // let any stray audio show up in the played counts
    probe = await readProbe(page);

    const flushedAt = probe.played.find((p) => p.type === 'flushed' && p.t >= started.t)?.t;
    console.info(`${TEST}: ${JSON.stringify({ interruptAfter: interrupt.t - started.t, flushedAfter: flushedAt && flushedAt - started.t, playedMs: interrupt.json?.played_ms })}`);
    const before = probe.states.filter((s) => s.t <= started.t);
    expect(before.at(-1)?.state, 'the answer was still playing when the visitor spoke').toBe('speaking');
    const after = probe.states.find((s) => s.t > started.t);
    expect(after, 'the widget left the speaking state').toBeDefined();
    expect(after!.state).not.toBe('speaking');
    expect(after!.t - started.t).toBeLessThan(100);

    expect(interrupt.t - started.t).toBeLessThan(100);
    const playedMs = Number(interrupt.json?.played_ms);
    expect(Number.isInteger(playedMs)).toBe(true);
    expect(playedMs).toBeGreaterThan(1000);

    // The playback worklet confirmed the flush right away, and played nothing more afterwards.
    const flushed = probe.played.find((p) => p.type === 'flushed' && p.t >= started.t);
    expect(flushed, 'the playback worklet was flushed').toBeDefined();
    expect(flushed!.t - started.t).toBeLessThan(100);
    // played_ms is what the worklet rendered less the output latency (baseLatency + outputLatency,
    // about 40 ms in headless Chromium): audio still on its way to the speaker was not heard.
    const renderedMs = samplesToMs(flushed!.samples);
    expect(playedMs).toBeLessThanOrEqual(renderedMs);
    expect(renderedMs - playedMs).toBeLessThanOrEqual(100);
    const nextResponse = probe.frames.find((f) => f.dir === 'in' && f.type === 'response_started' && f.t > started.t);
    const later = probe.played.filter((p) => p.t > flushed!.t && (!nextResponse || p.t < nextResponse.t));
    for (const report of later) expect(report.samples).toBeLessThanOrEqual(flushed!.samples);

    // What was received of the interrupted answer exceeds what was heard: there was audio left to drop.
    const answerStart = probe.frames.filter((f) => f.dir === 'in' && f.type === 'response_started' && f.t < started.t).at(-1)!;
    const receivedMs = probe.frames
      .filter((f) => f.dir === 'in' && f.type === 'binary' && f.t > answerStart.t && f.t < started.t)
      .reduce((ms, f) => ms + f.bytes / 48, 0);
    expect(playedMs).toBeLessThan(receivedMs);
  });

  it('answers the interrupting speech after it ends', async () => {
    expect(page, 'the first test opened the page').toBeDefined();
    await waitForFrame(page, 'speech_stopped', wav.totalMs + 10_000);
    await page.waitForFunction(
      () => window.__voiceRagProbe.frames.filter((f) => f.dir === 'in' && f.type === 'assistant_transcript_done').length >= 2,
      undefined,
      { timeout: 30_000 },
    );
    await snap(page, TEST, '03-answered-again');
    expect((await readProbe(page)).errors).toEqual([]);
  });

  // The offline engine logs each truncate it applies, at debug level (the harness runs the
  // gateway with LOG_LEVEL=debug): that line is what the engine received.
  it('the engine receives conversation.item.truncate with audio_end_ms at the played position', async () => {
    const interrupt = probe.frames.find((f) => f.dir === 'out' && f.type === 'interrupt');
    expect(interrupt, 'the first test saw the interrupt').toBeDefined();
    const line = await stack.gateway.waitForLog((l) => /offline engine: conversation\.item\.truncated/.test(l.raw) && /"audio_end_ms":\s*\d+/.test(l.raw), 5_000);
    const audioEndMs = Number(/"audio_end_ms":\s*(\d+)/.exec(line.raw)![1]);
    // floor(min(played_ms, audio sent)): the visitor cannot have heard more than was sent.
    expect(Math.abs(audioEndMs - Number(interrupt!.json?.played_ms))).toBeLessThanOrEqual(20);
  });
});
