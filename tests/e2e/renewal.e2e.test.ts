// Issue 19, item 2, in Chromium against the real gateway and the offline engine: a conversation
// whose upstream session is renewed between turns goes on, the heard turns replayed into the new one.
import { describe, expect, it } from 'vitest';
import { useStack } from './support/harness.js';
import { readProbe, type ProbeFrame } from './support/probe.js';
import { askByText } from './support/widget.js';

const TEST = 'renewal';
// demo/site/sync.md, "## Working offline".
const QUESTION = 'How long can a device stay offline before it needs a full resync?';
const FOLLOW_UP = 'How do I turn on sync?';

const inFrames = (frames: ProbeFrame[], type: string) => frames.filter((f) => f.dir === 'in' && f.type === type);

const stack = useStack(TEST, () => ({ gatewayEnv: { DEMO_RENEW_MARGIN_SECONDS: '1790' } }));

describe('session renewal', () => {
  it('goes on across an upstream renewal, with the conversation replayed into the new session', async () => {
    // DEMO_RENEW_MARGIN_SECONDS=1790: the offline engine's 30-minute session is renewed 10 s in.
    const { page } = await stack.open('index.html');
    await askByText(page, QUESTION);
    await page.waitForFunction(() => window.__voiceRagProbe.frames.some((f) => f.dir === 'in' && f.type === 'renewed'), undefined, { timeout: 40_000, polling: 100 });
    const renewed = await stack.gateway.waitForLog((line) => line.json?.msg === 'upstream session renewed', 5_000);
    expect(Number(renewed.json!.replayed_turns)).toBeGreaterThanOrEqual(2);
    // No replayed item was refused by the engine.
    expect(stack.gateway.logs.filter((line) => line.json?.msg === 'upstream error')).toEqual([]);

    const before = inFrames((await readProbe(page)).frames, 'assistant_transcript_done').length;
    await askByText(page, FOLLOW_UP);
    await page.waitForFunction((n) => window.__voiceRagProbe.frames.filter((f) => f.dir === 'in' && f.type === 'assistant_transcript_done').length > n, before, { timeout: 30_000, polling: 100 });
    const probe = await readProbe(page);
    expect(probe.errors).toEqual([]);
    expect(inFrames(probe.frames, 'ready')).toHaveLength(1);
    const answer = inFrames(probe.frames, 'assistant_transcript_done').at(-1)!.json!;
    expect(String(answer.text).length).toBeGreaterThan(10);
  }, 120_000);
});
