import { expect } from '@esm-bundle/chai';
import { SincResampler, toPcm16 } from '../../../widget/audio/dsp/resampler.js';
import { axeViolations, cleanup, fixture } from '../support/helpers.js';

/** Resamples one second of a sine at `hz` in quantum-sized blocks and returns the output RMS in dB re the input. */
function gainDb(inputRate: number, outputRate: number, hz: number): number {
  const resampler = new SincResampler(inputRate, outputRate);
  const block = new Float32Array(128);
  const out = new Float32Array(resampler.maxOutput(block.length));
  const samples: number[] = [];
  for (let start = 0; start < inputRate; start += block.length) {
    for (let i = 0; i < block.length; i++) block[i] = 0.5 * Math.sin((2 * Math.PI * hz * (start + i)) / inputRate);
    const count = resampler.process(block, out);
    for (let i = 0; i < count; i++) samples.push(out[i]!);
  }
  const steady = samples.slice(outputRate / 10); // skip the filter's start-up
  const rms = Math.sqrt(steady.reduce((a, s) => a + s * s, 0) / steady.length);
  return 20 * Math.log10(rms / (0.5 / Math.SQRT2));
}

describe('capture resampler', () => {
  afterEach(cleanup);

  it('has no axe violations on the page that hosts it', async () => {
    expect(await axeViolations(await fixture({ site: 'docs' }))).to.deep.equal([]);
  });

  it('keeps a 1 kHz tone going from 48 kHz to 24 kHz', () => {
    expect(Math.abs(gainDb(48_000, 24_000, 1000))).to.be.lessThan(0.5);
  });

  it('attenuates a 15 kHz tone by more than 80 dB going from 48 kHz to 24 kHz, as WIDGET.md promises', () => {
    expect(gainDb(48_000, 24_000, 15_000)).to.be.lessThan(-80);
  });

  it('also filters 44.1 kHz input, the other common device rate', () => {
    expect(Math.abs(gainDb(44_100, 24_000, 1000))).to.be.lessThan(0.5);
    expect(gainDb(44_100, 24_000, 14_000)).to.be.lessThan(-40);
  });

  it('produces 24 000 samples per second of input at any rate', () => {
    for (const rate of [16_000, 44_100, 48_000]) {
      const resampler = new SincResampler(rate, 24_000);
      const block = new Float32Array(128);
      const out = new Float32Array(resampler.maxOutput(128));
      let produced = 0;
      for (let n = 0; n < rate; n += 128) produced += resampler.process(block, out);
      expect(Math.abs(produced - 24_000)).to.be.lessThan(60);
    }
  });

  it('converts floats to PCM16 with clipping', () => {
    expect([toPcm16(0), toPcm16(1), toPcm16(-1), toPcm16(2), toPcm16(-2)]).to.deep.equal([0, 32767, -32768, 32767, -32768]);
  });
});
