// Issue 19, item 2, in Chromium against the real gateway and the offline engine: a conversation
// whose upstream session is renewed between turns goes on, the heard turns replayed into the new one.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useStack } from './support/harness.js';
import { readProbe, type ProbeFrame } from './support/probe.js';
import { askByText } from './support/widget.js';

const TEST = 'renewal';
// demo/site/sync.md, "## Working offline".
const QUESTION = 'How long can a device stay offline before it needs a full resync?';
const FOLLOW_UP = 'What happens after that?';
const EARLIER_ANSWER = /90 days/i;

const inFrames = (frames: ProbeFrame[], type: string) => frames.filter((f) => f.dir === 'in' && f.type === type);

const stack = useStack(TEST, () => ({ gatewayEnv: { DEMO_RENEW_MARGIN_SECONDS: '1790' } }));

describe('session renewal', () => {
  it('goes on across an upstream renewal, with the conversation replayed into the new session', async () => {
    // DEMO_RENEW_MARGIN_SECONDS=1790: the offline engine's 30-minute session is renewed 10 s in.
    const { page } = await stack.open('index.html');
    await askByText(page, QUESTION);
    await page.waitForFunction(() => window.__voiceRagProbe.frames.some((f) => f.dir === 'in' && f.type === 'assistant_transcript_done'), undefined, { timeout: 30_000, polling: 100 });
    expect(String(inFrames((await readProbe(page)).frames, 'assistant_transcript_done')[0]!.json!.text)).toMatch(EARLIER_ANSWER);
    await page.waitForFunction(() => window.__voiceRagProbe.frames.some((f) => f.dir === 'in' && f.type === 'renewed'), undefined, { timeout: 40_000, polling: 100 });
    const renewed = await stack.gateway.waitForLog((line) => line.json?.msg === 'upstream session renewed', 5_000);
    expect(Number(renewed.json!.replayed_turns)).toBeGreaterThanOrEqual(2);
    // No replayed item was refused by the engine.
    expect(stack.gateway.logs.filter((line) => line.json?.msg === 'upstream error')).toEqual([]);

    const answerTo = async (page: Page, question: string): Promise<string> => {
      const before = inFrames((await readProbe(page)).frames, 'assistant_transcript_done').length;
      await askByText(page, question);
      await page.waitForFunction((n) => window.__voiceRagProbe.frames.filter((f) => f.dir === 'in' && f.type === 'assistant_transcript_done').length > n, before, { timeout: 30_000, polling: 100 });
      return String(inFrames((await readProbe(page)).frames, 'assistant_transcript_done').at(-1)!.json!.text);
    };
    // The follow-up only makes sense with the earlier turn, which the new upstream session has
    // only from the replay: its answer is about the earlier question.
    expect(await answerTo(page, FOLLOW_UP)).toMatch(EARLIER_ANSWER);
    const probe = await readProbe(page);
    expect(probe.errors).toEqual([]);
    expect(inFrames(probe.frames, 'ready')).toHaveLength(1);

    // Control: the same follow-up in a new conversation, with no earlier turn, gets another answer.
    const { page: fresh } = await stack.open('index.html');
    expect(await answerTo(fresh, FOLLOW_UP)).not.toMatch(EARLIER_ANSWER);
  }, 120_000);
});
