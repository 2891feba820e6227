// Issue 19, item 2: a session outlives the upstream's cap. A new upstream session is admitted,
// configured like the first and given the heard conversation as text items, between turns.
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../gateway/clock.js';
import { GatewayError } from '../../../gateway/errors.js';
import { createAdmission } from '../../../gateway/limits/admission.js';
import { createMemoryStore } from '../../../gateway/limits/stores/memory.js';
import type { Admission, AdmissionRequest } from '../../../gateway/limits/types.js';
import { createUnlimitedAdmission } from '../../../gateway/server/unlimited-admission.js';
import { FakeClock, flushPromises } from '../../support/fake-clock.js';
import { startHarness, testConfig, type Harness } from '../../support/gateway-harness.js';
import { loadTranscript, type ScriptedConnection } from '../../support/scripted-upstream.js';
import { TYPED_QUESTION, playTypedTurn } from './typed-turn.js';

const ANSWER = 'The in-network deductible for Northwind Standard is $2,000 per person per year.';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** An unlimited admission that records each request and can refuse from a given call on. */
function countingAdmission(refuseFrom = Infinity) {
  const inner = createUnlimitedAdmission();
  const requests: AdmissionRequest[] = [];
  const admission: Admission = {
    ...inner,
    admit(request) {
      requests.push(request);
      if (requests.length >= refuseFrom) return Promise.reject(new GatewayError('over_budget', 'budget spent', { retryAfterMs: 1000 }));
      return inner.admit(request);
    },
  };
  return { admission, requests, leases: inner.leases };
}

const itemsOf = (connection: ScriptedConnection) =>
  connection.received.filter((e) => e.type === 'conversation.item.create').map((e) => ({ role: e.item.role, content: e.item.content }));

describe.each(['ga', 'beta'] as const)('renewal on session_expired (%s)', (dialect) => {
  it('admits a new upstream session, configures it the same, replays the conversation and goes on', async () => {
    const counted = countingAdmission();
    harness = await startHarness({ dialect, admission: counted.admission });
    const { widget, upstream: first } = await playTypedTurn(harness, dialect);
    first.expire();

    await widget.next('renewing');
    const second = await harness.upstream.nextConnection();
    await widget.next('renewed');
    expect(counted.requests).toHaveLength(2);
    expect(counted.leases.active).toBe(1);
    // The same settings as the first session.
    const update = (c: ScriptedConnection) => c.received.find((e) => e.type === 'session.update')!.session;
    expect(update(second)).toEqual(update(first));
    const assistantPart = dialect === 'ga' ? 'output_text' : 'text';
    expect(itemsOf(second)).toEqual([
      { role: 'user', content: [{ type: 'input_text', text: TYPED_QUESTION }] },
      { role: 'assistant', content: [{ type: assistantPart, text: ANSWER }] },
    ]);
    // Replayed items ask for no answer.
    expect(second.types).not.toContain('response.create');

    widget.send({ type: 'text', text: 'And out of network?' });
    const asked = await second.waitFor('response.create');
    expect(asked).toBeDefined();
    expect(itemsOf(second).at(-1)).toEqual({ role: 'user', content: [{ type: 'input_text', text: 'And out of network?' }] });
    // The old session got no new turn: its only response.create is the first question's.
    expect(first.types.filter((t) => t === 'response.create')).toHaveLength(1);
    expect(widget.open).toBe(true);
    expect(harness.logs.matching('upstream session renewed')[0]).toMatchObject({ reason: 'expired', replayed_turns: 2 });
  });
});

describe('renewal ahead of the cap', () => {
  it('renews at expires_at less the margin, only once the answer in flight has ended', async () => {
    const clock = new FakeClock();
    harness = await startHarness({ clock, site: { limits: { max_session_seconds: 7200, idle_seconds: 7200 } } });
    harness.upstream.expiresAt = Math.floor(clock.now() / 1000) + 1800;
    const widget = await harness.connect();
    await widget.next('ready');
    const first = await harness.upstream.nextConnection();
    const lines = loadTranscript('text-turn-ga');
    const firstDone = lines.findIndex((l) => l.event.type === 'response.done');
    const created = lines.findIndex((l) => l.event.type === 'response.created');
    const playing = first.play(lines.slice(0, created + 1));
    widget.send({ type: 'text', text: TYPED_QUESTION });
    await playing;
    await widget.next('response_started');

    clock.advance((1800 - 60) * 1000);
    await flushPromises();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(harness.upstream.connections).toHaveLength(1);
    expect(widget.all('renewing')).toHaveLength(0);

    await first.play(lines.slice(created + 1, firstDone + 1));
    await widget.next('renewing');
    const second = await harness.upstream.nextConnection();
    await widget.next('renewed');
    expect(itemsOf(second).map((i) => i.role)).toEqual(['user', 'assistant']);
    await first.closed;
    expect(harness.logs.matching('upstream session renewed')[0]).toMatchObject({ reason: 'expiring' });
  });

  it('keeps the first upstream when expires_at is already inside the margin (a stale or skewed value)', async () => {
    const clock = new FakeClock();
    harness = await startHarness({ clock });
    harness.upstream.expiresAt = Math.floor(clock.now() / 1000) + 30;
    const widget = await harness.connect();
    await widget.next('ready');
    clock.advance(60_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(harness.upstream.connections).toHaveLength(1);
    expect(widget.all('renewing')).toHaveLength(0);
  });
});

describe('renewal limits', () => {
  it('ends with session_expired once max_renewals is used up', async () => {
    harness = await startHarness({ site: { continuity: { max_renewals: 1 } } });
    const widget = await harness.connect();
    await widget.next('ready');
    (await harness.upstream.nextConnection()).expire();
    await widget.next('renewed');
    (await harness.upstream.nextConnection()).expire();
    expect(await widget.next('error')).toMatchObject({ code: 'session_expired', fatal: true });
    expect((await widget.closed).code).toBe(4408);
    expect(harness.upstream.connections).toHaveLength(2);
  });

  it('goes through admission again: a spent budget ends the conversation with over_budget', async () => {
    const counted = countingAdmission(2);
    harness = await startHarness({ admission: counted.admission });
    const widget = await harness.connect();
    await widget.next('ready');
    (await harness.upstream.nextConnection()).expire();
    expect(await widget.next('error')).toMatchObject({ code: 'over_budget', retry_after_ms: 1000 });
    expect((await widget.closed).code).toBe(4402);
    expect(counted.leases.active).toBe(0);
    expect(harness.upstream.connections).toHaveLength(1);
  });
});

describe('renewal through the real limits', () => {
  it("takes a connection token from the site's bucket: with one a minute, the renewal is rate_limited", async () => {
    const config = testConfig({ site: { limits: { connections_per_minute: 1, queue_seconds: 0 } } });
    const logger = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
    const admission = createAdmission({ config: () => config, store: createMemoryStore(systemClock), clock: systemClock, logger });
    harness = await startHarness({ config, admission });
    const widget = await harness.connect();
    await widget.next('ready');
    (await harness.upstream.nextConnection()).expire();
    await widget.next('renewing');
    expect(await widget.next('error')).toMatchObject({ code: 'rate_limited', fatal: true });
    expect((await widget.closed).code).toBe(4429);
    expect(harness.upstream.connections).toHaveLength(1);
  });
});
