import { afterEach, describe, expect, it } from 'vitest';
import { createAudioRateMeter } from '../../../gateway/session/audio-rate.js';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import { FakeClock } from '../../support/fake-clock.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('session timers', () => {
  it('ends an idle session with session_expired and 4408', async () => {
    const clock = new FakeClock();
    harness = await startHarness({ clock, site: { limits: { idle_seconds: 60 } } });
    const widget = await harness.connect();
    await widget.next('ready');
    clock.advance(59_000);
    expect(widget.open).toBe(true);
    clock.advance(1_000);
    expect(await widget.next('error')).toMatchObject({ code: 'session_expired', fatal: true });
    expect((await widget.closed).code).toBe(4408);
  });

  it('ends a session at max_session_seconds even while the visitor talks', async () => {
    const clock = new FakeClock();
    harness = await startHarness({ clock, site: { limits: { idle_seconds: 60, max_session_seconds: 120 } } });
    const widget = await harness.connect();
    await widget.next('ready');
    const upstream = await harness.upstream.nextConnection();
    for (let i = 0; i < 2; i++) {
      clock.advance(50_000);
      widget.sendAudio(960);
      await upstream.waitFor('input_audio_buffer.append');
    }
    expect(widget.open).toBe(true);
    clock.advance(20_000);
    const error = await widget.next('error');
    expect(error).toMatchObject({ code: 'session_expired', message: 'maximum session length reached' });
    expect((await widget.closed).code).toBe(4408);
  });

  it('accepts audio again once the rate window has passed', () => {
    const meter = createAudioRateMeter();
    expect(meter.accept(24_000 * 6, 0)).toBe(true);
    expect(meter.accept(24_000, 100)).toBe(false);
    const fresh = createAudioRateMeter();
    for (let t = 0; t < 10_000; t += 20) expect(fresh.accept(960, t)).toBe(true);
  });
});

describe('session faults', () => {
  it('ends with upstream_error 4502 when the upstream closes mid-session', async () => {
    harness = await startHarness();
    const widget = await harness.connect();
    await widget.next('ready');
    (await harness.upstream.nextConnection()).drop();
    expect(await widget.next('error')).toMatchObject({ code: 'upstream_error', fatal: true });
    expect((await widget.closed).code).toBe(4502);
    expect(harness.admission.leases.active).toBe(0);
  });

  it('ends with upstream_error 4502 on an upstream session_expired error when renewal is off', async () => {
    harness = await startHarness({ site: { continuity: { renew: false } } });
    const widget = await harness.connect();
    await widget.next('ready');
    const upstream = await harness.upstream.nextConnection();
    upstream.send({ type: 'error', error: { type: 'invalid_request_error', code: 'session_expired', message: 'Your session hit the maximum duration of 30 minutes.', event_id: null } });
    expect(await widget.next('error')).toMatchObject({ code: 'upstream_error' });
    expect((await widget.closed).code).toBe(4502);
    expect(harness.logs.parsed().some((l) => l.upstream_code === 'session_expired' && typeof l.session_id === 'string')).toBe(true);
  });

  it('keeps the session on an upstream error answering one client event, and never forwards it', async () => {
    harness = await startHarness();
    const widget = await harness.connect();
    await widget.next('ready');
    const upstream = await harness.upstream.nextConnection();
    upstream.send({ type: 'error', error: { type: 'invalid_request_error', code: 'input_audio_buffer_commit_empty', message: 'buffer too small', event_id: 'evt_x' } });
    upstream.send({ type: 'something.new', detail: 1 });
    upstream.send({ type: 'input_audio_buffer.speech_started', item_id: 'item_1' });
    await widget.next('speech_started');
    expect(widget.all('error')).toEqual([]);
    expect(widget.open).toBe(true);
  });

  it('closes the upstream socket and releases the lease when the browser leaves', async () => {
    harness = await startHarness();
    const widget = await harness.connect();
    await widget.next('ready');
    const upstream = await harness.upstream.nextConnection();
    expect(harness.admission.leases.active).toBe(1);
    widget.close();
    await upstream.closed;
    expect(upstream.open).toBe(false);
    expect(harness.admission.leases.active).toBe(0);
    expect(harness.gateway.sessions).toBe(0);
  });

  it('answers upstream_unavailable 4503 when the upstream never sends session.created', async () => {
    const clock = new FakeClock();
    harness = await startHarness({ clock });
    harness.upstream.silent = true;
    const widget = await harness.connect();
    await harness.upstream.nextConnection();
    clock.advance(3_000);
    expect(await widget.next('error')).toMatchObject({ code: 'upstream_unavailable', fatal: true });
    expect((await widget.closed).code).toBe(4503);
    expect(harness.admission.leases.active).toBe(0);
  });
});
