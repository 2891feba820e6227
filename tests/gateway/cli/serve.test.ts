import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningGateway } from '../../../gateway/cli/serve.js';
import { WidgetClient } from '../../support/widget-client.js';

// The whole product on its embedded defaults: config loader, limits over the memory store,
// the local index, the offline engine, metrics, the status page and hot reload.
const dir = mkdtempSync(join(tmpdir(), 'voice-rag-serve-'));
const configPath = join(dir, 'voice-rag.config.yaml');
const origin = 'http://localhost:8787';

const config = (share: number, sources = './kb/**/*.md') => `
server:
  port: 0
  host: 127.0.0.1
  drain_seconds: 1
  log_level: silent
  status_token: \${STATUS_TOKEN_FOR_TEST:-0123456789abcdef-status}
engines:
  local:
    kind: offline
    quota: { connections_per_minute: 600, window_seconds: 1 }
sites:
  docs:
    origins: ["${origin}"]
    engine: local
    limits: { connections_per_minute: ${share}, queue_seconds: 0 }
    retrieval:
      kind: local
      sources: ["${sources}"]
      url_base: /kb/
      cache_dir: ./cache
`;

let running: RunningGateway;

/** The first source of the docs site's local index, in the config in force. */
const localSource = () => {
  const retrieval = running.config().sites.docs?.retrieval;
  return retrieval?.kind === 'local' ? retrieval.sources[0] : undefined;
};

beforeAll(async () => {
  mkdirSync(join(dir, 'kb'));
  writeFileSync(
    join(dir, 'kb', 'returns.md'),
    '---\ntitle: Returns\n---\n# Returns\n\n## Refund window\n\nItems bought online can be returned within 45 days for a full refund. Refunds reach your card in five business days.\n',
  );
  mkdirSync(join(dir, 'kb2'));
  writeFileSync(join(dir, 'kb2', 'warranty.md'), '---\ntitle: Warranty\n---\n# Warranty\n\nEvery lamp carries a warranty of seven years against defects.\n');
  writeFileSync(join(dir, 'kb', 'shipping.md'), '---\ntitle: Shipping\n---\n# Shipping\n\nStandard shipping takes three to five days. Express shipping arrives the next day.\n');
  writeFileSync(configPath, config(60));
  running = await serve({ configPath, handleSignals: false });
}, 60_000);

afterAll(async () => {
  await running?.stop();
});

describe('voice-rag serve (embedded defaults)', () => {
  it('answers a typed question from the site documents with a citation to the section', async () => {
    const widget = await WidgetClient.connect(running.port, { site: 'docs', origin });
    const ready = await widget.next('ready', 20_000);
    expect(ready).toMatchObject({ protocol: 1, sample_rate: 24000, engine: 'offline', turn_detection: 'server_vad' });
    widget.send({ type: 'text', text: 'How many days do I have to return an item bought online?' });
    expect((await widget.next('searching', 20_000)).query).toMatch(/return/i);
    const done = await widget.next('assistant_transcript_done', 30_000);
    expect(done.text).toMatch(/45 days/);
    const citations = await widget.next('citations', 30_000);
    expect(citations.sources[0]).toMatchObject({ title: expect.stringMatching(/Returns/), url: '/kb/returns.html#refund-window' });
    expect((await widget.next('response_done', 30_000)).status).toBe('completed');
    expect(widget.audio.length).toBeGreaterThan(0);
    widget.close();
  }, 60_000);

  it('serves Prometheus metrics that count the session and its tokens', async () => {
    const text = await (await fetch(`http://127.0.0.1:${running.port}/metrics`)).text();
    expect(text).toMatch(/voice_rag_sessions_opened_total\{site="docs"\} [1-9]/);
    expect(text).toMatch(/voice_rag_tokens_total\{site="docs",engine="local",kind="audio_out"\} [1-9]/);
    expect(text).toContain('voice_rag_limiter_tokens{scope="engine",name="local"}');
  });

  it('shows the status page only with the operator token', async () => {
    const url = `http://127.0.0.1:${running.port}/status`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-wrong' } })).status).toBe(401);
    const page = await fetch(url, { headers: { authorization: 'Bearer 0123456789abcdef-status' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('aria-label="site docs"');
    const basic = Buffer.from('operator:0123456789abcdef-status').toString('base64');
    expect((await fetch(url, { headers: { authorization: `Basic ${basic}` } })).status).toBe(200);
  });

  it('rebuilds the index of a site whose retrieval settings change, and answers from the new documents', async () => {
    writeFileSync(configPath, config(60, './kb2/**/*.md'));
    await expect.poll(() => localSource(), { timeout: 10_000 }).toBe('./kb2/**/*.md');
    await expect
      .poll(
        async () => {
          const widget = await WidgetClient.connect(running.port, { site: 'docs', origin });
          await widget.next('ready', 20_000);
          widget.send({ type: 'text', text: 'How long is the warranty on a lamp?' });
          const done = await widget.next('assistant_transcript_done', 30_000);
          widget.close();
          return done.text;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toMatch(/seven years/);
    writeFileSync(configPath, config(60));
    await expect.poll(() => localSource(), { timeout: 10_000 }).toBe('./kb/**/*.md');
  }, 90_000);

  it('applies a valid config edit to new sessions and keeps the last good config after an invalid one', async () => {
    writeFileSync(configPath, config(1));
    await expect.poll(() => running.config().sites.docs?.limits.connections_per_minute, { timeout: 10_000 }).toBe(1);
    writeFileSync(configPath, config(1).replace('engine: local', 'engine: missing-engine'));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(running.config().sites.docs?.engine).toBe('local');
    // The new share (one connection a minute) applies: the first session takes the token, the next is refused.
    const first = await WidgetClient.connect(running.port, { site: 'docs', origin });
    await first.next('ready', 20_000);
    const second = await WidgetClient.connect(running.port, { site: 'docs', origin });
    expect(await second.next('error', 10_000)).toMatchObject({ code: 'rate_limited', fatal: true });
    expect((await second.closed).code).toBe(4429);
    first.close();
  }, 40_000);
});
