import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import { loadTranscript } from '../../support/scripted-upstream.js';
import { playTypedTurn } from './typed-turn.js';
import { DIALECTS } from './dialects.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe.each(DIALECTS)('typed text (%s)', (dialect) => {
  it('adds an input_text item, asks for a response and echoes the text with the created item id', async () => {
    harness = await startHarness({ dialect });
    const { widget, upstream, lines } = await playTypedTurn(harness, dialect);

    const item = upstream.received.find((e) => e.type === 'conversation.item.create')!;
    expect(item.item).toEqual({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: 'What is the in-network deductible for Northwind Standard?' }],
    });
    const createdId = lines.find((l) => l.event.type === 'conversation.item.added' || l.event.type === 'conversation.item.created')!
      .event.item.id;
    expect(widget.all('user_transcript')).toEqual([
      { type: 'user_transcript', item_id: createdId, text: 'What is the in-network deductible for Northwind Standard?', final: true },
    ]);
    expect(widget.all('assistant_transcript_done')[0]!.text).toBe('The in-network deductible for Northwind Standard is $2,000 per person per year.');
    expect(widget.audio).toHaveLength(4);
  });
});

describe('typed text', () => {
  it('streams text-modality answers as assistant_transcript too', async () => {
    harness = await startHarness({ dialect: 'beta' });
    const widget = await harness.connect();
    await widget.next('ready');
    const upstream = await harness.upstream.nextConnection();
    const lines = loadTranscript('text-turn-beta');
    const secondCreated = lines.findIndex((l, i) => l.event.type === 'response.created' && i > lines.findIndex((m) => m.event.type === 'response.done'));
    const textResponse = lines.slice(secondCreated).filter((l) => l.dir === 'server->client');
    await upstream.play(textResponse);
    const done = await widget.next('assistant_transcript_done');
    expect(done.text).toBe('Deductible: $2,000 per person per year (in-network).');
    expect(widget.all('assistant_transcript').map((m) => m.delta).join('')).toBe(done.text);
  });
});
