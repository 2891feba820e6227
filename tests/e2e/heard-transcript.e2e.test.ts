// Issue 19, item 1: after a barge-in the model, the widget and the visitor agree on what was said.
// The shown answer is cut to the words heard and marked interrupted, the transcript event says so,
// and the word where the offline engine truncated the item (its audio_end_ms, mapped to words by
// the widget's documented rule on the frames the page received) is the word the shown text ends at.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { HeardText } from '../../widget/session/heard.js';
import { fixtureDir, makeSilenceWav } from './support/audio.js';
import { snap } from './support/browser.js';
import { useStack } from './support/harness.js';
import { readProbe, waitForFrame, waitForState, type ProbeFrame } from './support/probe.js';
import { askByText, widget } from './support/widget.js';

const TEST = 'heard-transcript';
// demo/site/sync.md, "## Conflicts": a long answer, still playing when the visitor speaks.
const QUESTION = 'What happens when two people edit the same note at the same time, and which changes cannot be merged?';
// The visitor interrupts by typing once this much of the answer has played: the same barge-in
// (flush, `interrupt` with played_ms, truncate) as speech, at a moment the test picks, whatever the load.
const INTERRUPT_AFTER_MS = 2500;

const words = (text: string) => text.split(/\s+/).filter(Boolean);
const fixtures = fixtureDir();
let page: Page;
const stack = useStack(
  TEST,
  () => ({ wav: makeSilenceWav(fixtures.dir) }),
  () => fixtures.remove(),
);

/** Replays the interrupted answer's frames (response_started to the interrupt) through the widget's rule. */
function heardAt(frames: ProbeFrame[], interrupt: ProbeFrame, audioEndMs: number) {
  const start = frames.filter((f) => f.dir === 'in' && f.type === 'response_started' && f.t < interrupt.t).at(-1)!;
  const heard = new HeardText();
  heard.start();
  for (const f of frames) {
    if (f.dir !== 'in' || f.t <= start.t || f.t >= interrupt.t) continue;
    if (f.type === 'binary') heard.audio(f.bytes);
    else if (f.type === 'assistant_transcript') heard.text(String(f.json!.item_id), String(f.json!.delta));
    else if (f.type === 'assistant_transcript_done') heard.done(String(f.json!.item_id), String(f.json!.text));
  }
  return heard.cut(audioEndMs);
}

describe('heard-only transcript after a barge-in', () => {
  it('shows the heard words marked interrupted, and ends at the word where the engine truncated the item (±1)', async () => {
    ({ page } = await stack.open('index.html'));
    await widget(page).micButton.click();
    await waitForState(page, 'listening', 20_000);
    await askByText(page, QUESTION);
    await waitForState(page, 'speaking', 30_000);
    await page.waitForFunction((ms) => (document.querySelector('voice-rag') as unknown as { session: { playedMs: number } }).session.playedMs >= ms, INTERRUPT_AFTER_MS, { timeout: 30_000 });
    await askByText(page, 'Tell me about backups instead.');
    const interrupt = await waitForFrame(page, 'interrupt', 30_000, 'out');
    await page.waitForFunction(() => window.__voiceRagProbe.transcripts.some((t) => t.interrupted), undefined, { timeout: 5_000 });
    await snap(page, TEST, '01-interrupted');

    const probe = await readProbe(page);
    const event = probe.transcripts.find((t) => t.interrupted)!;
    expect(event.role).toBe('assistant');

    // Visible and for screen readers: the turn ends with the "interrupted" mark in the DOM.
    const turn = widget(page).transcript.locator('li.turn.assistant', { has: page.locator('[part~="interrupted"]') });
    await expect.poll(() => turn.count()).toBe(1);
    expect((await turn.locator('[part~="interrupted"]').innerText()).trim()).toContain('interrupted');
    const shown = (await turn.locator('.text').innerText()).trim();
    expect(shown).toBe(event.text);

    // The answer's words that reached the page (the gateway drops those after the interrupt): the
    // shown text is a prefix of them.
    const received = probe.frames
      .filter((f) => f.dir === 'in' && f.type === 'assistant_transcript' && f.json?.item_id === event.itemId)
      .map((f) => String(f.json!.delta))
      .join('');
    expect(received.startsWith(shown)).toBe(true);
    expect(words(shown).length).toBeGreaterThan(2);

    // The engine's truncation: item and position.
    const line = await stack.gateway.waitForLog((l) => /offline engine: conversation\.item\.truncated/.test(l.raw), 5_000);
    const audioEndMs = Number(/"audio_end_ms":\s*(\d+)/.exec(line.raw)![1]);
    const truncatedItem = /"item_id":\s*"([^"]+)"/.exec(line.raw)![1];
    expect(truncatedItem).toBe(event.itemId);
    const model = heardAt(probe.frames, interrupt, audioEndMs)!;
    console.info(`${TEST}: ${JSON.stringify({ playedMs: interrupt.json?.played_ms, audioEndMs, shown: words(shown).length, received: words(received).length, model: words(model.text).length })}`);
    expect(model.itemId).toBe(event.itemId);
    expect(Math.abs(words(model.text).length - words(shown).length)).toBeLessThanOrEqual(1);
    expect(probe.errors).toEqual([]);
  });

  it('keeps the heard text when the rest of the cancelled answer arrives', async () => {
    expect(page, 'the first test opened the page').toBeDefined();
    await page.waitForFunction(
      () => window.__voiceRagProbe.frames.filter((f) => f.dir === 'in' && f.type === 'response_done').length >= 1,
      undefined,
      { timeout: 10_000 },
    );
    const probe = await readProbe(page);
    const event = probe.transcripts.find((t) => t.interrupted)!;
    const turn = widget(page).transcript.locator('li.turn.assistant', { has: page.locator('[part~="interrupted"]') });
    expect((await turn.locator('.text').innerText()).trim()).toBe(event.text);
    // No later transcript event replaces the heard text of that answer.
    expect(probe.transcripts.filter((t) => t.itemId === event.itemId && !t.interrupted && t.t > event.t)).toEqual([]);
  });
});
