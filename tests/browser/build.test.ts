import { expect } from '@esm-bundle/chai';
import { axeViolations, cleanup, fixture, serverInfo } from './support/helpers.js';

/** What every page loads first (20 KB gzip). */
const FILES = ['voice-rag.js', 'voice-rag-capture.js', 'voice-rag-playback.js'];
/** The lazy feature chunks (vite.config.ts names them; 8 KB gzip together). */
const LAZY = ['voice-rag-webrtc.js', 'voice-rag-consent.js', 'voice-rag-page-tools.js', 'voice-rag-page.js', 'voice-rag-feedback.js'];

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
    for (const name of [...FILES, ...LAZY]) {
      const code = await load(name);
      expect(code, name).not.to.match(/\beval\(|new Function\(|createObjectURL|data:text\/javascript/);
    }
  });

  it('bundles Lit into voice-rag.js with no bare imports', async () => {
    const code = await load('voice-rag.js');
    expect(code).not.to.match(/\bfrom\s*["'](?!\.)/);
    expect(code).to.contain('voice-rag-capture.js');
  });

  it('loads the optional features as lazy chunks by relative URL, and they import only voice-rag.js', async () => {
    const code = await load('voice-rag.js');
    for (const name of LAZY) {
      expect(code, name).to.contain(`import(\`./${name}\`)`);
      const chunk = await load(name);
      const specifiers = [...chunk.matchAll(/\bfrom\s*["'`]([^"'`]+)["'`]|\bimport\s*\(?\s*["'`]([^"'`]+)["'`]/g)].map((m) => m[1] ?? m[2]);
      for (const specifier of specifiers) expect(specifier, name).to.equal('./voice-rag.js');
    }
  });

  it('stays within 20 KB gzipped for everything a page loads', async () => {
    let total = 0;
    for (const name of FILES) total += await gzipBytes(await load(name));
    expect(total).to.be.at.most(20 * 1024);
  });

  it('keeps the lazy chunks within 8 KB gzipped together', async () => {
    let total = 0;
    for (const name of LAZY) total += await gzipBytes(await load(name));
    expect(total).to.be.at.most(8 * 1024);
  });
});
