// serve listens while the sites' indexes build, and /readyz answers 503 until every one is ready.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serve, type RunningGateway } from '../../../gateway/cli/serve.js';

const dir = mkdtempSync(join(tmpdir(), 'voice-rag-readiness-'));
let running: RunningGateway | undefined;
afterAll(async () => {
  await running?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('serve start-up', () => {
  it('answers /readyz 503 while a site index builds, then 200', async () => {
    // A live source that answers only when the test lets it: the index cannot be ready before.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const pages = createServer((req, res) => {
      void released.then(() => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><head><title>Tides</title></head><body><main><h1>Tides</h1><p>High water twice a day.</p></main></body></html>');
      });
    });
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    const pageUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}/tides.html`;
    const port = await freePort();
    const configPath = join(dir, 'voice-rag.config.yaml');
    writeFileSync(
      configPath,
      `server: { port: ${port}, host: 127.0.0.1, log_level: silent, drain_seconds: 1 }
engines: { local: { kind: offline } }
sites:
  docs:
    origins: ["http://localhost:8787"]
    engine: local
    retrieval: { kind: local, sources: [{ urls: ["${pageUrl}"] }], cache_dir: ./cache }
`,
    );
    try {
      const starting = serve({ configPath, handleSignals: false, watch: false });
      let status = 0;
      for (let attempt = 0; attempt < 200 && status !== 503; attempt++) {
        status = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0);
        if (status !== 503) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(status).toBe(503);
      release();
      running = await starting;
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ ready: true });
    } finally {
      release();
      pages.closeAllConnections();
      pages.close();
    }
  }, 30_000);
});
