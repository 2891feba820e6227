import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../gateway/protocol.js';
import { silentLogger } from '../../../gateway/logger.js';
import type { ToolLoop } from '../../../gateway/session/tool-loop.js';
import { createTranslator } from '../../../gateway/session/translator.js';
import { createTurns } from '../../../gateway/session/turns.js';
import { gaDialect } from '../../../gateway/realtime/dialect.js';

const noTools: ToolLoop = { callAdded() {}, callReady() {}, assistantItem() {}, responseDone() {}, close() {} };

describe('translator', () => {
  it('settles a partial user transcript as final when the transcription fails', () => {
    const sent: ServerMessage[] = [];
    const translate = createTranslator({
      sendToBrowser: (message) => sent.push(message),
      sendAudio() {},
      turns: createTurns(gaDialect, () => 'evt_1'),
      tools: noTools,
      onUsage() {},
      onError() {},
      logTranscripts: false,
      logger: silentLogger,
    });
    const event = (type: string, fields: Record<string, unknown>) => translate({ type, event: { type, ...fields } });
    event('conversation.item.input_audio_transcription.delta', { item_id: 'item_u', delta: 'Does the Plus ' });
    event('conversation.item.input_audio_transcription.failed', { item_id: 'item_u', error: { code: 'transcription_failed' } });
    event('conversation.item.input_audio_transcription.failed', { item_id: 'item_other', error: {} });
    expect(sent).toEqual([
      { type: 'user_transcript', item_id: 'item_u', text: 'Does the Plus ', final: false },
      { type: 'user_transcript', item_id: 'item_u', text: 'Does the Plus', final: true },
    ]);
  });
});
