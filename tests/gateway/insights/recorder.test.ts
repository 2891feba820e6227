/**
 * The per-turn recorder: through the gateway with the scripted upstream (a spoken question that
 * searches, cites and is metered), and on its own (turn boundaries, greeting cost, no question).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedTurn, SessionObserver } from '../../../gateway/session/observer.js';
import { createTurnRecorder } from '../../../gateway/session/turn-recorder.js';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import { NORTHWIND_PASSAGES } from '../../support/memory-retriever.js';
import { loadTranscript, serverEvents, type ScriptDialect } from '../../support/scripted-upstream.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const FRAME_20_MS = 960;
const INSIGHTS = { insights: { store: './insights.sqlite' } };

/** A spoken question with search and citations, then a typed "Thanks!" that starts the next turn. */
async function playTurn(dialect: ScriptDialect, site: Record<string, unknown>) {
  const turns: RecordedTurn[] = [];
  const observer: SessionObserver = { turnRecorded: (siteId, turn) => void turns.push({ ...turn, sessionId: `${siteId}/${turn.sessionId}` }) };
  harness = await startHarness({ dialect, site, observer });
  const widget = await harness.connect();
  const ready = await widget.next('ready');
  const upstream = await harness.upstream.nextConnection();
  for (let i = 0; i < 6; i++) widget.sendAudio(FRAME_20_MS);
  const lines = loadTranscript(`voice-turn-with-search-${dialect}`);
  await upstream.play(lines);
  widget.send({ type: 'text', text: 'Thanks!' });
  await upstream.waitFor('response.create');
  await widget.next('user_transcript');
  return { turns, lines, sessionId: ready.session_id, widget };
}

describe.each(['ga', 'beta'] as const)('a recorded turn (%s)', (dialect) => {
  it('holds the spoken question, the search with passage ids and scores, the citations, the responses and the cost', async () => {
    const { turns, lines, sessionId } = await playTurn(dialect, INSIGHTS);
    expect(turns).toHaveLength(1);
    const [turn] = turns;
    const transcript = serverEvents(lines, 'conversation.item.input_audio_transcription.completed')[0]!.transcript as string;
    expect(turn!.sessionId).toBe(`docs/${sessionId}`);
    expect(turn!.question).toBe(transcript.trim());
    expect(turn!.searches).toEqual([{ query: 'Northwind Health Plus eye exam coverage', passages: expect.any(Array) }]);
    expect(turn!.searches[0]!.passages.map((p) => p.id).sort()).toEqual(NORTHWIND_PASSAGES.map((p) => p.id).sort());
    expect(turn!.searches[0]!.passages.every((p) => p.score > 0)).toBe(true);
    expect(turn!.citations.length).toBeGreaterThan(0);
    expect(turn!.citations[0]).toMatchObject({ id: expect.any(String), title: expect.any(String) });
    const responseIds = serverEvents(lines, 'response.done').map((e) => e.response.id);
    expect(turn!.responseIds).toEqual(responseIds);
    // Both responses' usage, priced for the Azure engine of the harness.
    expect(turn!.costUsd).toBeGreaterThan(0);
    expect(harness!.admission.usage.reduce((sum, u) => sum + u.costUsd, 0)).toBeCloseTo(turn!.costUsd, 10);
  });

  it('records nothing for a site without insights', async () => {
    const { turns, widget } = await playTurn(dialect, {});
    widget.close();
    await widget.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(turns).toEqual([]);
  });
});

describe('the turn recorder', () => {
  const recorder = () => {
    const turns: RecordedTurn[] = [];
    let now = 1_000;
    const r = createTurnRecorder('s1', () => (now += 10), (turn) => turns.push(turn));
    return { r, turns };
  };

  it('gives a greeting’s cost to the first question, and a new input ends the turn before it', () => {
    const { r, turns } = recorder();
    r.cost(0.5);
    r.message({ type: 'response_done', response_id: 'greet', status: 'completed' });
    r.message({ type: 'speech_started' });
    r.message({ type: 'speech_started' });
    r.message({ type: 'user_transcript', item_id: 'i1', text: 'partial', final: false });
    r.message({ type: 'user_transcript', item_id: 'i1', text: 'Where is my order?', final: true });
    r.cost(0.25);
    r.message({ type: 'response_done', response_id: 'r1', status: 'completed' });
    r.identify('sub:alice');
    r.inputStarted();
    r.message({ type: 'user_transcript', item_id: 'i2', text: 'And the refund?', final: true });
    r.end();
    r.end();
    expect(turns.map((t) => [t.question, t.costUsd, t.responseIds, t.visitor])).toEqual([
      ['Where is my order?', 0.75, ['r1'], 'sub:alice'],
      ['And the refund?', 0, [], 'sub:alice'],
    ]);
  });

  it('hands over nothing when no question was asked', () => {
    const { r, turns } = recorder();
    r.searched('greeting', [], false);
    r.cost(0.1);
    r.end();
    expect(turns).toEqual([]);
  });
});
