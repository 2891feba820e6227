import { expect } from '@esm-bundle/chai';
import type { ReactiveControllerHost } from 'lit';
import { CaptureController } from '../../../widget/audio/capture.js';
import { loadWorklets } from '../../../widget/audio/worklets.js';
import { axeViolations, cleanup, fixture } from '../support/helpers.js';

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

  it('turns the fake microphone into non-silent 20 ms PCM16 frames at 24 kHz, as many as the file lasts', async () => {
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
