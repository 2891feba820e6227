import { expect } from '@esm-bundle/chai';
import { axeViolations, cleanup, fixture, serverInfo } from './support/helpers.js';

const FILES = ['voice-rag.js', 'voice-rag-capture.js', 'voice-rag-playback.js'];

/** Fetches a built file from the test server, which serves dist/widget as the gateway does. */
async function load(name: string): Promise<string> {
  const { httpUrl } = await serverInfo();
  const response = await fetch(`${httpUrl}/${name}`, { cache: 'no-store' });
  expect(response.ok, `dist/widget/${name} (run npx vite build)`).to.equal(true);
  return response.text();
}

async function gzipBytes(text: string): Promise<number> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

describe('the built widget (dist/widget)', () => {
  afterEach(cleanup);

  it('has no axe violations on the page that checks it', async () => {
    expect(await axeViolations(await fixture({ site: 'docs' }))).to.deep.equal([]);
  });

  it('ships worklet processors that import nothing', async () => {
    for (const name of FILES.slice(1)) {
      const code = await load(name);
      expect(code, name).not.to.match(/\bimport\s*[{(*'"\w]/);
      expect(code, name).to.contain('registerProcessor');
    }
  });

  it('uses no eval, Function constructor, blob: or data: script URLs', async () => {
    for (const name of FILES) {
      const code = await load(name);
      expect(code, name).not.to.match(/\beval\(|new Function\(|createObjectURL|data:text\/javascript/);
    }
  });

  it('bundles Lit into voice-rag.js with no bare imports', async () => {
    const code = await load('voice-rag.js');
    expect(code).not.to.match(/\bfrom\s*["'](?!\.)/);
    expect(code).to.contain('voice-rag-capture.js');
  });

  it('stays within 20 KB gzipped for everything a page loads', async () => {
    let total = 0;
    for (const name of FILES) total += await gzipBytes(await load(name));
    expect(total).to.be.at.most(20 * 1024);
  });
});
