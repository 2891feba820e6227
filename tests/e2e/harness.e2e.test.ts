// The e2e harness itself, on a static page and a local echo socket (no gateway needed): Chromium
// starts, the fake microphone plays the generated WAV, the probe sees socket frames and CSP
// violations, and screenshots land in test-artifacts/e2e/.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { fixtureDir, makeSpeechWav, missingAudioTools, type SpeechWav } from './support/audio.js';
import { launchBrowser, snap } from './support/browser.js';
import { installPageProbe, readProbe } from './support/probe.js';

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>harness</title>
<script type="module" src="/page.js"></script></head><body><p id="out">waiting</p></body></html>`;

// Measures the microphone level for 2.5 s and talks to the echo socket; no inline code (CSP).
const SCRIPT = `
const out = document.getElementById('out');
const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
const ctx = new AudioContext();
const analyser = ctx.createAnalyser();
analyser.fftSize = 2048;
ctx.createMediaStreamSource(stream).connect(analyser);
const buf = new Float32Array(analyser.fftSize);
let max = 0;
const until = performance.now() + 2500;
while (performance.now() < until) {
  analyser.getFloatTimeDomainData(buf);
  let sum = 0;
  for (const v of buf) sum += v * v;
  max = Math.max(max, Math.sqrt(sum / buf.length));
  await new Promise((r) => setTimeout(r, 50));
}
const ws = new WebSocket(document.body.dataset.ws ?? ('ws://' + location.host + '/echo'));
ws.binaryType = 'arraybuffer';
await new Promise((r) => ws.addEventListener('open', r, { once: true }));
ws.send(JSON.stringify({ type: 'hello' }));
const pcm = new Int16Array(480).map((_, i) => Math.round(Math.sin(i / 4) * 16000));
ws.send(pcm.buffer);
await new Promise((r) => setTimeout(r, 300));
out.textContent = 'rms ' + max.toFixed(4);
`;

let server: Server;
let origin: string;
let browser: Browser;
let wav: SpeechWav;
const fixtures = fixtureDir();

beforeAll(async () => {
  const missing = missingAudioTools();
  if (missing.length) throw new Error(`missing ${missing.join(', ')} (apt-get install ${missing.join(' ')})`);
  wav = makeSpeechWav(fixtures.dir, 'hello', 'How long can a device stay offline?');
  server = createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(SCRIPT);
    else if (req.url === '/favicon.ico') res.writeHead(204).end();
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  const wss = new WebSocketServer({ server, path: '/echo' });
  wss.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser({ wav: wav.path });
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  fixtures.remove();
});

describe('e2e harness', () => {
  it('makes a 48 kHz speech WAV padded with 1 s of silence before and 2 s after', () => {
    expect(wav.speechStartMs).toBe(1000);
    expect(wav.speechMs).toBeGreaterThan(800);
    expect(wav.totalMs).toBeGreaterThanOrEqual(wav.speechMs + 2990);
    expect(wav.totalMs).toBeLessThanOrEqual(wav.speechMs + 3010);
  });

  it('feeds the WAV to the fake microphone and records socket frames with in-page times', async () => {
    const page = await browser.newPage();
    await installPageProbe(page);
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => document.getElementById('out')?.textContent?.startsWith('rms'), undefined, { timeout: 15_000 });
    const rms = Number((await page.locator('#out').innerText()).split(' ')[1]);
    expect(rms).toBeGreaterThan(0.01);
    const probe = await readProbe(page);
    const sent = probe.frames.filter((f) => f.dir === 'out');
    expect(sent.map((f) => f.type)).toEqual(['hello', 'binary']);
    expect(sent[1]!.bytes).toBe(960);
    expect(sent[1]!.rms).toBeGreaterThan(0.3);
    expect(probe.frames.filter((f) => f.dir === 'in').map((f) => f.type)).toEqual(['hello', 'binary']);
    expect(probe.violations).toEqual([]);
    const shot = await snap(page, 'harness', 'static-page', 'page');
    expect(existsSync(shot)).toBe(true);
    await page.close();
  });

  it('records Content-Security-Policy violations on a page served with a strict header', async () => {
    const page = await browser.newPage();
    await installPageProbe(page);
    await page.route(`${origin}/`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': `default-src 'none'; script-src ${origin}; connect-src ${origin} ws://${new URL(origin).host}` } });
    });
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => document.getElementById('out')?.textContent?.startsWith('rms'), undefined, { timeout: 15_000 });
    expect((await readProbe(page)).violations).toEqual([]);
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<img src="http://example.invalid/x.png">'));
    await page.waitForFunction(() => window.__voiceRagProbe.violations.length > 0, undefined, { timeout: 5000 });
    expect((await readProbe(page)).violations[0]!.directive).toBe('img-src');
    await page.close();
  });
});
