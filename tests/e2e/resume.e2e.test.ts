// Issue 19, item 3, in Chromium against the real gateway and the offline engine: a socket dropped
// for 3 s resumes the conversation; a reused token or one for another site is refused.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useStack } from './support/harness.js';
import { readProbe, waitForState, type ProbeFrame } from './support/probe.js';
import { askByText, widget } from './support/widget.js';

const TEST = 'resume';
// demo/site/sync.md, "## Working offline".
const QUESTION = 'How long can a device stay offline before it needs a full resync?';
const FOLLOW_UP = 'How do I turn on sync?';

/**
 * A TCP relay in front of the gateway whose connections can be cut without a close frame, as a
 * lost network does, and which refuses (accepts and resets) new ones while the network is "down".
 */
async function startRelay(targetPort: number): Promise<{ port: number; cut(downMs: number): void; close(): Promise<void> }> {
  const pairs = new Set<[Socket, Socket]>();
  let downUntil = 0;
  const server: Server = createServer((client) => {
    if (Date.now() < downUntil) return void client.resetAndDestroy();
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('relay has no port');
  return {
    port: address.port,
    cut(downMs) {
      downUntil = Date.now() + downMs;
      for (const [client, upstream] of [...pairs]) {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const inFrames = (frames: ProbeFrame[], type: string) => frames.filter((f) => f.dir === 'in' && f.type === type);

const stack = useStack(TEST);

describe('resume after a dropped socket', () => {
  it('resumes after the socket is dropped for 3 s, and refuses the used token and another site', async () => {
    const relay = await startRelay(stack.gateway.port);
    try {
      const { page, consoleErrors } = await stack.open('index.html');
      // The page stays on the gateway's origin; only the socket goes through the relay.
      await widget(page).host.evaluate((el, origin) => el.setAttribute('gateway', origin), `http://127.0.0.1:${relay.port}`);
      await askByText(page, QUESTION);
      await waitForState(page, 'speaking', 30_000);
      const speakingAt = (await readProbe(page)).states.findIndex((s) => s.state === 'speaking');
      await waitForState(page, 'listening', 60_000, speakingAt + 1);
      const first = inFrames((await readProbe(page)).frames, 'ready')[0]!.json!;
      expect(first.extensions).toContain('resume');

      relay.cut(3000);
      const droppedAt = Date.now();
      await page.waitForFunction(() => window.__voiceRagProbe.frames.filter((f) => f.dir === 'in' && f.type === 'ready').length >= 2, undefined, { timeout: 25_000, polling: 100 });
      expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(3000);
      const resumed = inFrames((await readProbe(page)).frames, 'ready')[1]!.json!;
      expect(resumed).toMatchObject({ session_id: first.session_id, resumed: true });
      await stack.gateway.waitForLog((line) => line.json?.msg === 'browser resumed the session', 5_000);

      const asked = (await readProbe(page)).frames.filter((f) => f.dir === 'in' && f.type === 'assistant_transcript_done').length;
      await askByText(page, FOLLOW_UP);
      await page.waitForFunction((n) => window.__voiceRagProbe.frames.filter((f) => f.dir === 'in' && f.type === 'assistant_transcript_done').length > n, asked, { timeout: 30_000, polling: 100 });
      const probe = await readProbe(page);
      expect(probe.errors).toEqual([]);
      expect(probe.states.map((s) => s.state)).not.toContain('error');

      // The first token was used by the resume; the second is for `demo`, not `demo-limited`.
      const refusals = await page.evaluate(async ({ gateway, used, fresh }) => {
        const attempt = (site: string, token: string) =>
          new Promise<{ code: number; message: string }>((resolve) => {
            const ws = new WebSocket(`${gateway}/v1/realtime?site=${site}&resume=${token}`);
            let message = '';
            ws.onmessage = (event) => (message = String(event.data));
            ws.onclose = (event) => resolve({ code: event.code, message });
          });
        return [await attempt('demo', used), await attempt('demo-limited', fresh)];
      }, { gateway: `ws://127.0.0.1:${relay.port}`, used: String(first.resume_token), fresh: String(resumed.resume_token) });
      for (const refusal of refusals) {
        expect(refusal.code).toBe(4408);
        expect(JSON.parse(refusal.message)).toMatchObject({ type: 'error', code: 'session_expired' });
      }
      // The refused attempts left the visitor's conversation alone.
      await expect(widget(page).host.evaluate((el) => (el as unknown as { state: string }).state)).resolves.not.toMatch(/error|ended/);
      expect(consoleErrors.filter((e) => !/WebSocket/.test(e))).toEqual([]);
    } finally {
      await relay.close();
    }
  }, 180_000);
});
