import { describe, expect, it } from 'vitest';
import { gaDialect } from '../../../gateway/realtime/dialect.js';
import { createTurns } from '../../../gateway/session/turns.js';
import { settleUpstreamError } from '../../../gateway/session/upstream-errors.js';

describe('turns', () => {
  const recorder = () => {
    const sent: Array<Record<string, unknown>> = [];
    const turns = createTurns(gaDialect, (event) => {
      sent.push(event);
      return `evt_${sent.length}`;
    });
    return { sent, turns };
  };

  it('skips the truncate when the item has played to the end', () => {
    const { sent, turns } = recorder();
    turns.audioForwarded('item_a', 4800);
    turns.audioDone('item_a');
    turns.interrupt(100);
    expect(sent).toEqual([]);
  });

  it('clamps audio_end_ms to the audio sent and floors it', () => {
    const { sent, turns } = recorder();
    turns.audioForwarded('item_a', 4800 + 30);
    turns.interrupt(99_999);
    expect(sent).toEqual([{ type: 'conversation.item.truncate', item_id: 'item_a', content_index: 0, audio_end_ms: 100 }]);
  });

  it('holds response.create while a response is live and sends it after response.done', () => {
    const { sent, turns } = recorder();
    turns.responseCreated('resp_1');
    turns.requestResponse([{ type: 'response.create' }]);
    expect(sent).toEqual([]);
    turns.responseDone('resp_1');
    expect(sent).toEqual([{ type: 'response.create' }]);
  });

  it('cancels the live answer before a typed message and adds the message after response.done', () => {
    const { sent, turns } = recorder();
    turns.responseCreated('resp_1');
    turns.userText('Hello');
    expect(sent).toEqual([{ type: 'response.cancel', response_id: 'resp_1' }]);
    turns.responseDone('resp_1');
    expect(sent.slice(1).map((e) => e.type)).toEqual(['conversation.item.create', 'response.create']);
  });

  it('cancels the response of a create still in flight when the visitor interrupts before it starts', () => {
    const { sent, turns } = recorder();
    turns.requestResponse([{ type: 'response.create' }]);
    turns.interrupt(0);
    expect(sent).toEqual([{ type: 'response.create' }]);
    turns.responseCreated('resp_1');
    expect(sent.slice(1)).toEqual([{ type: 'response.cancel', response_id: 'resp_1' }]);
    expect(turns.isCancelled('resp_1')).toBe(true);
    turns.responseDone('resp_1');
    turns.responseCreated('resp_2');
    expect(sent).toHaveLength(2);
  });

  it('sends a refused response.create again after the live response is done', () => {
    const { sent, turns } = recorder();
    turns.requestResponse([{ type: 'response.create' }]);
    turns.responseCreated('resp_vad');
    expect(turns.createRejected('evt_1')).toBe(true);
    expect(sent).toHaveLength(1);
    turns.responseDone('resp_vad');
    expect(sent).toEqual([{ type: 'response.create' }, { type: 'response.create' }]);
  });
});

describe('turns after a refused create', () => {
  it('stops holding later turns when the upstream refuses a response.create', () => {
    const sent: Array<Record<string, unknown>> = [];
    const turns = createTurns(gaDialect, (event) => {
      sent.push(event);
      return `evt_${sent.length}`;
    });
    turns.requestResponse([{ type: 'response.create' }]);
    turns.userText('still there?');
    expect(sent).toHaveLength(1);
    turns.createFailed('evt_1');
    expect(sent.map((e) => e.type)).toEqual(['response.create', 'conversation.item.create', 'response.create']);
    // The refused create started nothing: the typed message's own answer is not cancelled.
    turns.responseCreated('resp_text');
    expect(turns.isCancelled('resp_text')).toBe(false);
  });

  it('settles a truncate refused by an error with its event id, so a later unattributed error is fatal', () => {
    const turns = createTurns(gaDialect, () => 'evt_1');
    turns.audioForwarded('item_a', 48_000);
    turns.interrupt(500);
    expect(turns.truncatePending()).toBe(true);
    // e.g. "Only model output audio messages can be truncated": no conversation.item.truncated follows.
    expect(settleUpstreamError({ code: 'invalid_value', event_id: 'evt_1' }, turns)).toBe('benign');
    expect(turns.truncatePending()).toBe(false);
    expect(settleUpstreamError({ code: 'server_error', event_id: null }, turns)).toBe('fatal');
  });
});
