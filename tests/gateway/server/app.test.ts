import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../gateway/server/app.js';

function fixtureDirs(): { widgetDir: string; demoDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'voice-rag-app-'));
  const widgetDir = join(root, 'widget');
  const demoDir = join(root, 'demo');
  mkdirSync(widgetDir);
  mkdirSync(join(demoDir, 'docs'), { recursive: true });
  writeFileSync(join(widgetDir, 'voice-rag.js'), 'export const x = 1;');
  writeFileSync(join(demoDir, 'index.html'), '<!doctype html><title>demo</title>');
  writeFileSync(join(demoDir, 'docs', 'a.md'), '# A');
  writeFileSync(join(root, 'secret.txt'), 'nope');
  return { widgetDir, demoDir };
}

describe('routes', () => {
  it('answers /healthz with ok', async () => {
    const app = createApp({ configLoaded: () => true });
    const response = await app.request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('answers /readyz by config and store state', async () => {
    expect((await createApp({ configLoaded: () => true }).request('/readyz')).status).toBe(200);
    expect((await createApp({ configLoaded: () => false }).request('/readyz')).status).toBe(503);
    const storeDown = createApp({ configLoaded: () => true, ready: async () => false });
    const response = await storeDown.request('/readyz');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ready: false });
    const probeThrows = createApp({ configLoaded: () => true, ready: () => Promise.reject(new Error('store ping failed')) });
    const failed = await probeThrows.request('/readyz');
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ ready: false });
  });

  it('serves the widget script to any origin with CORS, CORP and a short cache', async () => {
    const app = createApp({ configLoaded: () => true, ...fixtureDirs() });
    const response = await app.request('/voice-rag.js', { headers: { origin: 'https://elsewhere.example' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await response.text()).toBe('export const x = 1;');
  });

  it('answers 404 with a build hint for a widget file not built yet', async () => {
    const app = createApp({ configLoaded: () => true, ...fixtureDirs() });
    const response = await app.request('/voice-rag-capture.js');
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(/npm run build/);
  });

  it('redirects / to the demo and serves its files but nothing outside it', async () => {
    const app = createApp({ configLoaded: () => true, ...fixtureDirs() });
    const root = await app.request('/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/demo/');
    const index = await app.request('/demo/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect((await app.request('/demo/docs/a.md')).status).toBe(200);
    expect((await app.request('/demo/..%2fsecret.txt')).status).toBe(404);
    expect((await app.request('/demo/%2e%2e/secret.txt')).status).toBe(404);
  });

  it('redirects a demo folder to its trailing slash and answers 404 to a malformed escape', async () => {
    const dirs = fixtureDirs();
    writeFileSync(join(dirs.demoDir, 'docs', 'index.html'), '<!doctype html><title>docs</title>');
    const app = createApp({ configLoaded: () => true, ...dirs });
    const folder = await app.request('/demo/docs');
    expect(folder.status).toBe(301);
    expect(folder.headers.get('location')).toBe('/demo/docs/');
    expect((await app.request('/demo/docs/')).status).toBe(200);
    expect((await app.request('/demo/%E0%A4%A')).status).toBe(404);
  });

  it('answers 426 to a plain GET of the WebSocket endpoint', async () => {
    const app = createApp({ configLoaded: () => true });
    expect((await app.request('/v1/realtime?site=docs')).status).toBe(426);
  });
});
