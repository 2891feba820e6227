import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import type { WidgetClient } from '../../support/widget-client.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function twoReadySessions(): Promise<[WidgetClient, WidgetClient]> {
  harness = await startHarness({ dialect: 'ga' });
  const victim = await harness.connect();
  await victim.next('ready');
  const bystander = await harness.connect();
  await bystander.next('ready');
  return [victim, bystander];
}

async function expectBadMessage(widget: WidgetClient, message: RegExp): Promise<void> {
  const error = await widget.next('error');
  expect(error).toMatchObject({ type: 'error', code: 'bad_message', fatal: true });
  expect(error.message).toMatch(message);
  expect((await widget.closed).code).toBe(4400);
}

async function expectStillServed(bystander: WidgetClient, upstreamIndex = 1): Promise<void> {
  bystander.sendAudio(960);
  const upstream = harness!.upstream.connections[upstreamIndex]!;
  await upstream.waitFor('input_audio_buffer.append');
  upstream.send({ type: 'input_audio_buffer.speech_started', audio_start_ms: 0, item_id: 'item_x' });
  await bystander.next('speech_started');
  expect(bystander.open).toBe(true);
}

describe('bad frames', () => {
  it.each([
    ['malformed JSON', (w: WidgetClient) => w.sendRaw('{"type":'), /malformed JSON/],
    ['an unknown type', (w: WidgetClient) => w.send({ type: 'session.update', session: { instructions: 'x' } }), /unknown message type/],
    ['an over-size audio frame', (w: WidgetClient) => w.sendAudio(30_000), /longer than 500 ms/],
    ['an over-long text frame', (w: WidgetClient) => w.sendRaw(JSON.stringify({ type: 'text', text: 'x'.repeat(20_000) })), /too large/],
    ['a commit without manual turn detection', (w: WidgetClient) => w.send({ type: 'commit' }), /manual/],
  ])('closes only the offending session with 4400 on %s', async (_name, offend, message) => {
    const [victim, bystander] = await twoReadySessions();
    offend(victim);
    await expectBadMessage(victim, message);
    await expectStillServed(bystander);
  });

  it('closes a session that sends audio before ready with 4400', async () => {
    harness = await startHarness({ dialect: 'ga' });
    const bystander = await harness.connect();
    await bystander.next('ready');
    harness.upstream.silent = true;
    const early = await harness.connect();
    await harness.upstream.nextConnection();
    await harness.upstream.nextConnection();
    early.sendAudio(960);
    await expectBadMessage(early, /before ready/);
    await expectStillServed(bystander, 0);
  });

  it('closes a session whose audio arrives faster than 1.5x real time', async () => {
    const [victim, bystander] = await twoReadySessions();
    // 3.5 s of audio at once: more than 1.5 × 2 s.
    for (let i = 0; i < 7; i++) victim.sendAudio(24_000);
    await expectBadMessage(victim, /faster than real time/);
    await expectStillServed(bystander);
  });
});
