// Issue 8, e2e 2: a question spoken through Chromium's fake microphone. The gateway reports
// speech_started when the speech begins and speech_stopped after it ends, and an answer follows
// (the offline engine says it cannot understand speech yet).
import { describe, expect, it } from 'vitest';
import { fixtureDir, makeSpeechWav, missingAudioTools, type SpeechWav } from './support/audio.js';
import { snap } from './support/browser.js';
import { useStack } from './support/harness.js';
import { readProbe, waitForFrame, waitForState } from './support/probe.js';
import { transcriptText, widget } from './support/widget.js';

const TEST = 'spoken-question';
// Loudness (frame RMS, 0–1) above which an outgoing 20 ms frame counts as speech.
const SPEECH_RMS = 0.02;
// demo config: server_vad with the default silence_duration_ms.
const SILENCE_MS = 500;

const fixtures = fixtureDir();
let wav: SpeechWav;
const stack = useStack(
  TEST,
  () => {
    const missing = missingAudioTools();
    if (missing.length) throw new Error(`missing ${missing.join(', ')} (apt-get install ${missing.join(' ')})`);
    wav = makeSpeechWav(fixtures.dir, 'question', 'How many devices can I use on the free plan?');
    return { wav: wav.path };
  },
  () => fixtures.remove(),
);

describe('spoken question through the fake microphone', () => {
  it('reports speech_started and speech_stopped where the speech lies, then answers', async () => {
    const { page } = await stack.open('index.html');
    await widget(page).micButton.click();
    await waitForState(page, 'listening', 20_000);
    await snap(page, TEST, '01-listening');

    const started = await waitForFrame(page, 'speech_started', wav.totalMs + 10_000);
    await snap(page, TEST, '02-speech-started');
    const stopped = await waitForFrame(page, 'speech_stopped', wav.totalMs + 10_000);
    await waitForFrame(page, 'assistant_transcript_done', 30_000);
    await snap(page, TEST, '03-answered');

    const probe = await readProbe(page);
    const sent = probe.frames.filter((f) => f.dir === 'out' && f.type === 'binary');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((f) => f.bytes === 960)).toBe(true);
    const loud = sent.filter((f) => (f.rms ?? 0) > SPEECH_RMS);
    expect(loud.length, 'the microphone carried the speech').toBeGreaterThan(10);
    const speechSentAt = loud[0]!.t;
    const speechEndSentAt = loud[loud.length - 1]!.t;
    const timings = { startedAfterOnset: started.t - speechSentAt, stoppedAfterEnd: stopped.t - speechEndSentAt, speechMs: wav.speechMs };
    console.info(`${TEST}: ${JSON.stringify(timings)}`);
    // The speech started after the leading silence had been sent …
    expect(sent[0]!.t).toBeLessThan(speechSentAt);
    // … and the VAD noticed it soon after the first loud frame left the page (the engine needs
    // some voiced frames before it decides; the gateway batches audio on the way),
    expect(started.t - speechSentAt).toBeGreaterThan(-150);
    expect(started.t - speechSentAt).toBeLessThan(1000);
    // and the end once silence_duration_ms of silence had followed the last loud frame.
    expect(stopped.t - speechEndSentAt).toBeGreaterThan(SILENCE_MS - 200);
    expect(stopped.t - speechEndSentAt).toBeLessThan(SILENCE_MS + 1200);
    expect(stopped.t - started.t).toBeGreaterThan(wav.speechMs * 0.6);

    const answerFrames = probe.frames.filter((f) => f.dir === 'in' && f.type === 'assistant_transcript_done');
    expect(answerFrames.length).toBeGreaterThan(0);
    expect(answerFrames[0]!.t).toBeGreaterThan(stopped.t);
    expect(String(answerFrames[0]!.json?.text ?? '').length).toBeGreaterThan(0);
    expect(await transcriptText(page)).toContain(String(answerFrames[0]!.json?.text).slice(0, 20));
    expect(probe.states.map((s) => s.state)).toContain('speaking');
    expect(probe.errors).toEqual([]);
  });
});
