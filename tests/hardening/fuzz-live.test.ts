/**
 * Property-based tests against a live gateway socket: random browser frame sequences (JSON,
 * types, fields, binary lengths, interleaved with audio) and random upstream event sequences.
 * The process never crashes, each bad session ends with its documented code, and a control
 * session that runs the whole time is untouched.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODE } from '../../gateway/protocol.js';
import type { ScriptedConnection } from '../support/scripted-upstream.js';
import type { WidgetClient } from '../support/widget-client.js';
import { audioLength, clientFrame, serverMessageProblem, upstreamEvent } from './support/arbitraries.js';
import { trapCrashes, type CrashTrap } from './support/crash-trap.js';
import { sessionSurvives, type LiveFrame } from './support/oracle.js';
import { startHarness, type Harness } from '../support/gateway-harness.js';
import { eventually, within } from '../support/wait.js';

const BROWSER_RUNS = 300;
const UPSTREAM_RUNS = 150;

let gw: Harness;
let trap: CrashTrap;
let control: WidgetClient;
let controlUpstream: ScriptedConnection;
let controlTurns = 0;

beforeAll(async () => {
  trap = trapCrashes();
  // Renewal off: a random session_expired would move the session to a second upstream, past the
  // one these sequences drive (renewal has its own suites).
  gw = await startHarness({
    logLevel: 'warn',
    site: { continuity: { renew: false }, retrieval: { kind: 'azure-search', endpoint: 'https://s.example.net', index: 'kb', api_key: 'k', timeout_ms: 200 } },
  });
  control = await gw.ready();
  controlUpstream = await gw.upstream.nextConnection();
});
afterAll(async () => {
  trap.dispose();
  await gw.close();
});

/** The control session still takes a question and hears back. */
async function expectControlUntouched(): Promise<void> {
  expect(control.open).toBe(true);
  control.send({ type: 'text', text: `control question ${++controlTurns}` });
  const create = await controlUpstream.waitFor('conversation.item.create', 3000);
  expect(create.item.content[0].text).toBe(`control question ${controlTurns}`);
  await controlUpstream.waitFor('response.create', 3000);
  const id = `resp_control_${controlTurns}`;
  controlUpstream.send({ type: 'response.created', event_id: 'c1', response: { id, status: 'in_progress', output: [] } });
  controlUpstream.send({ type: 'response.done', event_id: 'c2', response: { id, status: 'completed', output: [] } });
  const done = await control.next('response_done', 3000);
  expect(done).toEqual({ type: 'response_done', response_id: id, status: 'completed' });
  expect(control.all('error')).toEqual([]);
}

/** Opens a session and hands out its upstream connection. */
async function openSession(): Promise<{ widget: WidgetClient; upstream: ScriptedConnection }> {
  const widget = await gw.ready();
  const upstream = await gw.upstream.nextConnection();
  return { widget, upstream };
}

const liveFrame: fc.Arbitrary<LiveFrame> = fc.oneof(
  { weight: 3, arbitrary: clientFrame.map((frame): LiveFrame => ({ kind: 'text', frame })) },
  { weight: 2, arbitrary: audioLength.map((bytes): LiveFrame => ({ kind: 'audio', bytes })) },
);

describe('random browser frames on a live socket', () => {
  it(`end each bad session with bad_message (4400) and leave good ones open, over ${BROWSER_RUNS} sequences`, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(liveFrame, { minLength: 1, maxLength: 8 }), async (generated) => {
        // ws sends text as UTF-8: a lone surrogate arrives as U+FFFD, so judge what arrives.
        const frames = generated.map((f) => (f.kind === 'text' ? { ...f, frame: Buffer.from(f.frame).toString() } : f));
        const { widget } = await openSession();
        for (const f of frames) {
          if (f.kind === 'text') widget.sendRaw(f.frame);
          else widget.sendAudio(f.bytes);
        }
        // Frames are handled in order: our close is answered with 1000 only if none ended the session first.
        widget.close();
        const { code } = await within(3000, widget.closed, 'close');
        const errors = widget.all('error');
        if (sessionSurvives(frames)) {
          expect(code).toBe(1000);
          expect(errors).toEqual([]);
        } else {
          expect(code).toBe(CLOSE_CODE.bad_message);
          expect(errors).toEqual([expect.objectContaining({ type: 'error', code: 'bad_message', fatal: true })]);
        }
        for (const message of widget.messages) expect(serverMessageProblem(message)).toBeUndefined();
        if (++run % 100 === 0) await expectControlUntouched();
      }),
      { numRuns: BROWSER_RUNS },
    );
    expect(trap.escaped).toEqual([]);
    await eventually(() => gw.gateway.sessions === 1, 3000, 'only the control session left');
    await expectControlUntouched();
  });
});

describe('random upstream events on a live socket', () => {
  it(`never crash the gateway and end a session only with upstream_error (4502), over ${UPSTREAM_RUNS} sequences`, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(upstreamEvent, { minLength: 1, maxLength: 12 }), async (events) => {
        const { widget, upstream } = await openSession();
        for (const event of events) upstream.send(event);
        // A marker after the random events: once it is through, so is everything before it.
        upstream.send({ type: 'input_audio_buffer.speech_started', event_id: 'marker', audio_start_ms: 0, item_id: 'marker' });
        await eventually(() => !widget.open || widget.messages.at(-1)?.type === 'speech_started', 3000, 'marker through');
        widget.close();
        const { code } = await within(3000, widget.closed, 'close');
        expect([1000, CLOSE_CODE.upstream_error]).toContain(code);
        const errors = widget.all('error');
        if (code === CLOSE_CODE.upstream_error) expect(errors).toEqual([expect.objectContaining({ code: 'upstream_error', fatal: true })]);
        else expect(errors).toEqual([]);
        for (const message of widget.messages) expect(serverMessageProblem(message), JSON.stringify(message)).toBeUndefined();
        expect(trap.escaped).toEqual([]);
        if (++run % 50 === 0) await expectControlUntouched();
      }),
      { numRuns: UPSTREAM_RUNS },
    );
    await expectControlUntouched();
  });
});
