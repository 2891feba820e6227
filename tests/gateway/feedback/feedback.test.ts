import { afterEach, describe, expect, it } from 'vitest';
import { parseClientMessage } from '../../../gateway/protocol.js';
import { createMetrics } from '../../../gateway/server/metrics.js';
import type { AnswerFeedback } from '../../../gateway/session/observer.js';
import { createTokenTally } from '../../../gateway/status/from-limits.js';
import { renderStatusPage } from '../../../gateway/status/page.js';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import { eventually } from '../../support/wait.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('feedback messages (extension feedback)', () => {
  it('parses a rating with an optional reason, trimmed; anything else is bad_message', () => {
    expect(parseClientMessage('{"type":"feedback","response_id":"resp_1","rating":"up"}')).toEqual({
      ok: true,
      message: { type: 'feedback', response_id: 'resp_1', rating: 'up' },
    });
    expect(parseClientMessage('{"type":"feedback","response_id":"resp_1","rating":"down","reason":"  outdated price  "}')).toEqual({
      ok: true,
      message: { type: 'feedback', response_id: 'resp_1', rating: 'down', reason: 'outdated price' },
    });
    for (const bad of [
      { type: 'feedback', response_id: 'resp_1', rating: 'meh' },
      { type: 'feedback', rating: 'up' },
      { type: 'feedback', response_id: '', rating: 'up' },
      { type: 'feedback', response_id: 'r'.repeat(129), rating: 'up' },
      { type: 'feedback', response_id: 'resp_1', rating: 'up', reason: 'x'.repeat(501) },
      { type: 'feedback', response_id: 'resp_1', rating: 'up', reason: 42 },
    ]) {
      expect(parseClientMessage(JSON.stringify(bad))).toMatchObject({ ok: false, code: 'bad_message', message: expect.stringMatching(/^feedback: /) });
    }
  });
});

describe('feedback in a live session', () => {
  it('lists feedback in ready, counts each answer once per site and rating, and hands the rating to the observer', async () => {
    const metrics = createMetrics({ defaults: false });
    const seen: Array<{ site: string; feedback: AnswerFeedback }> = [];
    harness = await startHarness({
      observer: {
        feedback(site, feedback) {
          metrics.feedback(site, feedback);
          seen.push({ site, feedback });
        },
      },
    });
    const widget = await harness.ready();
    const ready = widget.all('ready')[0]!;
    expect(ready.extensions).toContain('feedback');
    widget.send({ type: 'feedback', response_id: 'resp_a', rating: 'up' });
    widget.send({ type: 'feedback', response_id: 'resp_b', rating: 'down', reason: 'It cited the old plan' });
    // A second rating of the same answer is not counted again.
    widget.send({ type: 'feedback', response_id: 'resp_b', rating: 'up' });
    widget.send({ type: 'feedback', response_id: 'resp_c', rating: 'down' });
    await eventually(() => seen.length === 3);
    expect(seen).toEqual([
      { site: 'docs', feedback: { sessionId: ready.session_id, responseId: 'resp_a', rating: 'up' } },
      { site: 'docs', feedback: { sessionId: ready.session_id, responseId: 'resp_b', rating: 'down', reason: 'It cited the old plan' } },
      { site: 'docs', feedback: { sessionId: ready.session_id, responseId: 'resp_c', rating: 'down' } },
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('voice_rag_feedback_total{site="docs",rating="up"} 1');
    expect(text).toContain('voice_rag_feedback_total{site="docs",rating="down"} 2');
    // Feedback never leaves anything for the upstream model: no event was sent for it.
    const upstream = await harness.upstream.nextConnection();
    expect(JSON.stringify(upstream.received)).not.toContain('old plan');
    expect(widget.open).toBe(true);
  });

  it('ends the session with bad_message (4400) on an invalid rating', async () => {
    harness = await startHarness();
    const widget = await harness.ready();
    widget.send({ type: 'feedback', response_id: 'resp_a', rating: 'sideways' });
    expect(await widget.closed).toEqual({ code: 4400, reason: 'bad_message' });
    expect(widget.all('error')[0]).toMatchObject({ code: 'bad_message', message: 'feedback: "rating" must be "up" or "down"' });
  });
});

describe('feedback on the operator page', () => {
  it('shows answers rated up and down today per site', () => {
    const tally = createTokenTally();
    const now = Date.UTC(2026, 11, 6, 10);
    tally.feedback('docs', 'up', now);
    tally.feedback('docs', 'down', now);
    tally.feedback('docs', 'down', now);
    expect(tally.feedbackToday('docs', now)).toEqual({ up: 1, down: 2 });
    expect(tally.feedbackToday('docs', now + 86_400_000)).toEqual({ up: 0, down: 0 });
    const site = {
      id: 'docs', engine: 'aoai', sessionsNow: 0, connectionsLastMinute: 0, queued: 0, tokensToday: 0,
      toolCallsToday: 0, toolErrorsToday: 0, costTodayUsd: 0, ratedUpToday: 4, ratedDownToday: 2,
    };
    expect(renderStatusPage([{ at: now, storeUp: true, engines: [], sites: [site] }])).toContain('4 up · 2 down');
  });
});
