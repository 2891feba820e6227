import { expect } from '@esm-bundle/chai';
import type { ReactiveControllerHost } from 'lit';
import { CaptureController } from '../../../widget/audio/capture.js';
import { loadWorklets } from '../../../widget/audio/worklets.js';
import { axeViolations, cleanup, engine, fixture } from '../support/helpers.js';

/** The fake microphone plays tests/fixtures/audio/mic-sweep-2s.wav once (see web-test-runner.config.mjs). */
const WAV_MS = 2000;

function fakeHost(): ReactiveControllerHost {
  return { addController() {}, removeController() {}, requestUpdate() {}, updateComplete: Promise.resolve(true) };
}

describe('capture', () => {
  afterEach(cleanup);

  it('has no axe violations on the page that hosts it', async () => {
    expect(await axeViolations(await fixture({ site: 'docs' }))).to.deep.equal([]);
  });

  // Only Chromium's fake microphone plays a file once; Firefox's and WebKit's play an endless tone,
  // so there the frames are counted by the next test and by the session tests instead.
  (engine === 'chromium' ? it : it.skip)('turns the fake microphone into non-silent 20 ms PCM16 frames at 24 kHz, as many as the file lasts', async () => {
    const frames: Int16Array[] = [];
    const capture = new CaptureController(fakeHost(), (pcm) => frames.push(new Int16Array(pcm)));
    const context = new AudioContext();
    await context.resume();
    await loadWorklets(context);
    try {
      await capture.start(context);
      await new Promise((r) => setTimeout(r, WAV_MS + 1200));
    } finally {
      capture.stop();
      await context.close();
    }
    expect(frames.length).to.be.greaterThan(0);
    for (const frame of frames) expect(frame.byteLength).to.equal(960);
    const rms = frames.map((f) => Math.sqrt(f.reduce((a, s) => a + s * s, 0) / f.length));
    const loud = rms.map((r, i) => (r > 100 ? i : -1)).filter((i) => i >= 0);
    expect(loud.length, 'non-silent frames').to.be.greaterThan(0);
    const span = loud[loud.length - 1]! - loud[0]! + 1;
    const expected = WAV_MS / 20;
    expect(Math.abs(span - expected) / expected, `${span} frames of sound, expected ${expected}`).to.be.at.most(0.05);
    expect(capture.active).to.equal(false);
  });

  it('captures at the context\'s own rate and resamples to 24 kHz frames in real time, in every engine', async () => {
    const frames: Int16Array[] = [];
    const capture = new CaptureController(fakeHost(), (pcm) => frames.push(new Int16Array(pcm)));
    // The device's rate (44.1 or 48 kHz): Firefox refuses to connect a microphone to a context of another rate.
    const context = new AudioContext();
    await context.resume();
    let seconds = 0;
    try {
      await capture.start(context);
      const started = context.currentTime;
      await new Promise((r) => setTimeout(r, 1000));
      seconds = context.currentTime - started;
    } finally {
      capture.stop();
      await context.close();
    }
    expect(context.sampleRate).to.not.equal(24000);
    for (const frame of frames) expect(frame.byteLength).to.equal(960);
    // 50 frames per second of the context's clock, give or take the frames in flight.
    expect(Math.abs(frames.length - seconds * 50), `${frames.length} frames in ${seconds.toFixed(2)} s`).to.be.at.most(6);
    const peak = Math.max(...frames.map((f) => f.reduce((a, v) => Math.max(a, Math.abs(v)), 0)));
    expect(peak, 'the fake microphone is heard').to.be.greaterThan(100);
  });

  it('releases the microphone on stop', async () => {
    const capture = new CaptureController(fakeHost(), () => undefined);
    const context = new AudioContext();
    // The stream the controller got, seen from the page's side of getUserMedia.
    const original = navigator.mediaDevices.getUserMedia;
    const streams: MediaStream[] = [];
    navigator.mediaDevices.getUserMedia = (constraints) => original.call(navigator.mediaDevices, constraints).then((s) => (streams.push(s), s));
    try {
      await capture.start(context);
      expect(capture.active).to.equal(true);
      expect(streams.length).to.equal(1);
      capture.stop();
      expect(streams[0]!.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
    } finally {
      navigator.mediaDevices.getUserMedia = original;
      await context.close();
    }
  });
});
