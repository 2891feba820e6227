// Issue 8, e2e 4: the site demo-limited allows one new connection a minute. A first visitor
// connects; a second visitor waits in the queue, then sees the rate-limited message with a
// countdown.
import { describe, expect, it } from 'vitest';
import { snap } from './support/browser.js';
import { useStack } from './support/harness.js';
import { readProbe, waitForFrame, waitForState } from './support/probe.js';
import { widget } from './support/widget.js';

const TEST = 'rate-limit';

const stack = useStack(TEST);

const countdown = (text: string): number | undefined => {
  const match = /(\d+)/.exec(text);
  return match ? Number(match[1]) : undefined;
};

describe('a site with connections_per_minute: 1', () => {
  it('queues the second visitor, then shows rate_limited with a countdown', async () => {
    const first = await stack.open('limited.html');
    await widget(first.page).micButton.click();
    await waitForFrame(first.page, 'ready', 20_000);
    await waitForState(first.page, 'listening', 10_000);
    await snap(first.page, TEST, '01-first-visitor-listening');

    const second = await stack.open('limited.html');
    const { micButton, status } = widget(second.page);
    await micButton.click();
    const queued = await waitForFrame(second.page, 'queued', 10_000);
    expect(Number(queued.json?.retry_in_ms)).toBeGreaterThan(0);
    await waitForState(second.page, 'queued', 5_000);
    await snap(second.page, TEST, '02-second-visitor-queued');

    // demo-limited waits queue_seconds (3 s) for a slot, then gives up.
    const error = await waitForFrame(second.page, 'error', 15_000);
    expect(error.json?.code).toBe('rate_limited');
    const retryAfterMs = Number(error.json?.retry_after_ms);
    expect(retryAfterMs).toBeGreaterThan(5_000);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    await waitForState(second.page, 'error', 5_000);
    expect(error.t - queued.t).toBeGreaterThan(2_000);

    const probe = await readProbe(second.page);
    expect(probe.errors.map((e) => e.code)).toContain('rate_limited');
    const states = probe.states.map((s) => s.state);
    expect(states.indexOf('queued')).toBeGreaterThanOrEqual(0);
    expect(states.lastIndexOf('error')).toBeGreaterThan(states.indexOf('queued'));

    const firstReading = countdown(await status.innerText());
    expect(firstReading, 'the status shows the seconds until the retry').toBeDefined();
    expect(firstReading!).toBeGreaterThan(0);
    expect(firstReading!).toBeLessThanOrEqual(Math.ceil(retryAfterMs / 1000));
    await snap(second.page, TEST, '03-second-visitor-rate-limited');
    await second.page.waitForTimeout(2_100);
    const secondReading = countdown(await status.innerText());
    expect(secondReading).toBeDefined();
    expect(secondReading!).toBeLessThan(firstReading!);
    await snap(second.page, TEST, '04-countdown');

    // The first visitor was never disturbed.
    expect((await readProbe(first.page)).errors).toEqual([]);
  });
});
