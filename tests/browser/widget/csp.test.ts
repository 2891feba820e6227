import { expect } from '@esm-bundle/chai';
import { axeViolations, cleanup, fixture, serverInfo, waitForFrames } from '../support/helpers.js';

interface CspReport {
  source: 'voice-rag-csp';
  violations: string[];
  states: string[];
  done: boolean;
  timeout?: boolean;
  error?: string;
}

describe('<voice-rag> under a strict Content-Security-Policy', () => {
  afterEach(cleanup);

  it('has no axe violations on the host page', async () => {
    expect(await axeViolations(await fixture({ site: 'docs' }))).to.deep.equal([]);
  });

  it('loads, connects and captures with script-src and connect-src limited to the gateway origin', async () => {
    const { httpUrl } = await serverInfo();
    const frame = document.createElement('iframe');
    frame.allow = 'microphone; autoplay';
    const report = new Promise<CspReport>((resolve) => {
      window.addEventListener('message', function listener(event: MessageEvent<CspReport>) {
        if (event.data?.source !== 'voice-rag-csp' || !event.data.done) return;
        window.removeEventListener('message', listener);
        resolve(event.data);
      });
    });
    frame.src = `${httpUrl}/csp.html`;
    document.body.append(frame);
    try {
      const result = await report;
      expect(result.error).to.equal(undefined);
      expect(result.violations).to.deep.equal([]);
      expect(result.states).to.deep.equal(['connecting', 'listening']);
      // Frames prove the capture worklet loaded from the gateway origin under the policy.
      const record = await waitForFrames('csp', 5);
      expect(record.frames.every((n) => n === 960)).to.equal(true);
    } finally {
      frame.remove();
    }
  });
});
