// Issue 19, item 3: a browser socket that drops without a close frame pauses the session for the
// grace time; the widget resumes it with the single-use token from `ready`, on its own site only.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.js';
import { startHarness, TEST_ORIGIN, type Harness } from '../../support/gateway-harness.js';
import { loadTranscript } from '../../support/scripted-upstream.js';
import type { WidgetClient } from '../../support/widget-client.js';
import { TYPED_QUESTION, playTypedTurn } from './typed-turn.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const OTHER_SITE = { other: { origins: [TEST_ORIGIN], engine: 'aoai', retrieval: { kind: 'azure-search', endpoint: 'https://search.example.net', index: 'kb', api_key: 'k' } } };

/** Waits until the gateway has seen the drop (its log says it paused). */
async function paused(h: Harness): Promise<void> {
  for (let i = 0; i < 100 && h.logs.matching('browser socket dropped').length === 0; i++) await new Promise((r) => setTimeout(r, 20));
}

async function resumeWith(h: Harness, token: string, site = 'docs'): Promise<WidgetClient> {
  return h.connect({ site, extraQuery: `&resume=${encodeURIComponent(token)}` });
}

describe('resume after a dropped socket', () => {
  it('announces the extensions and a token, and continues the same session on the same upstream', async () => {
    harness = await startHarness();
    const { widget, upstream } = await playTypedTurn(harness, 'ga');
    const ready = widget.all('ready')[0]!;
    expect(ready.extensions).toEqual(expect.arrayContaining(['renewal', 'resume']));
    expect(ready.resume_token).toMatch(/^vrr_[0-9a-f]{32}$/);

    widget.drop();
    await paused(harness);
    expect(upstream.open).toBe(true);
    const again = await resumeWith(harness, ready.resume_token!);
    const resumed = await again.next('ready');
    expect(resumed).toMatchObject({ session_id: ready.session_id, resumed: true });
    expect(resumed.resume_token).not.toBe(ready.resume_token);

    again.send({ type: 'text', text: 'And out of network?' });
    await upstream.waitFor('response.create');
    expect(upstream.received.filter((e) => e.type === 'conversation.item.create').at(-1)!.item.content[0].text).toBe('And out of network?');
    expect(harness.upstream.connections).toHaveLength(1);
    expect(harness.admission.leases.active).toBe(1);
  });

  it('cancels the answer in flight and truncates it at what was played, so no audio goes into the void', async () => {
    harness = await startHarness();
    const widget = await harness.connect();
    await widget.next('ready');
    const upstream = await harness.upstream.nextConnection();
    const lines = loadTranscript('text-turn-ga');
    const firstAudio = lines.findIndex((l) => l.event.type === 'response.output_audio.delta');
    const playing = upstream.play(lines.slice(0, firstAudio + 1));
    widget.send({ type: 'text', text: TYPED_QUESTION });
    await playing;
    await new Promise((resolve) => setTimeout(resolve, 50));
    widget.drop();
    const cancel = await upstream.waitFor('response.cancel');
    const truncate = await upstream.waitFor('conversation.item.truncate');
    expect(cancel.response_id).toBe(lines.find((l) => l.event.type === 'response.created')!.event.response.id);
    expect(truncate.audio_end_ms).toBeGreaterThanOrEqual(0);
  });

  it('refuses a used token, a token for another site, and one past the grace time', async () => {
    const clock = new FakeClock();
    harness = await startHarness({ clock, sites: OTHER_SITE, site: { continuity: { resume_grace_seconds: 15 } } });
    const widget = await harness.connect();
    const token = (await widget.next('ready')).resume_token!;
    widget.drop();
    await paused(harness);

    const foreign = await resumeWith(harness, token, 'other');
    expect(await foreign.next('error')).toMatchObject({ code: 'session_expired', fatal: true });
    expect((await foreign.closed).code).toBe(4408);

    const again = await resumeWith(harness, token);
    const fresh = (await again.next('ready')).resume_token!;
    const reused = await resumeWith(harness, token);
    expect(await reused.next('error')).toMatchObject({ code: 'session_expired' });
    expect(again.open).toBe(true);

    again.drop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    clock.advance(15_000);
    const upstream = harness.upstream.connections[0]!;
    await upstream.closed;
    expect(harness.admission.leases.active).toBe(0);
    const late = await resumeWith(harness, fresh);
    expect(await late.next('error')).toMatchObject({ code: 'session_expired' });
  });

  it('ends at once on a clean close, and when resume_grace_seconds is 0', async () => {
    harness = await startHarness({ site: { continuity: { resume_grace_seconds: 0 } } });
    const widget = await harness.connect();
    const ready = await widget.next('ready');
    expect(ready.extensions).toContain('renewal');
    expect(ready.extensions).not.toContain('resume');
    expect(ready.resume_token).toBeUndefined();
    widget.drop();
    await harness.upstream.connections[0]!.closed;
    expect(harness.admission.leases.active).toBe(0);
  });
});
