import { describe, expect, it } from 'vitest';
import { Conversation, type Item } from '../../../../gateway/engines/offline/conversation.js';
import { planResponse, sessionLang, verbatimText, type PlanInput } from '../../../../gateway/engines/offline/response-plan.js';
import { defaultSession, updateSession } from '../../../../gateway/engines/offline/session-config.js';
import { RAG_TOOLS } from './client.js';

function setup(items: Item[]): PlanInput {
  const session = defaultSession('sess_x', 'offline', 0);
  updateSession(session, { type: 'realtime', tools: RAG_TOOLS });
  const conversation = new Conversation();
  for (const item of items) conversation.add(item);
  return { conversation, session, userAudio: () => undefined };
}

const userAudio = (): Item => ({ id: 'item_u', object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] });

describe('planResponse', () => {
  it('speaks the line the gateway quotes for its greeting', async () => {
    const input = setup([]);
    input.instructions = 'Greet the visitor by saying exactly this, and nothing else: "Hi! Ask me about \\"plans\\"."';
    expect(await planResponse(input)).toEqual([{ kind: 'message', text: 'Hi! Ask me about "plans".', lang: 'en' }]);
    expect(verbatimText('Be brief.')).toBeUndefined();
  });

  it('returns nothing after the report_grounding acknowledgement, so the tool loop ends', async () => {
    const call: Item = { id: 'item_c', object: 'realtime.item', type: 'function_call', status: 'completed', name: 'report_grounding', call_id: 'call_g', arguments: '{"sources":["a"]}' };
    const output: Item = { id: 'item_o', object: 'realtime.item', type: 'function_call_output', call_id: 'call_g', output: '{"ok":true}', status: 'completed' };
    expect(await planResponse(setup([call, output]))).toEqual([]);
  });

  it('searches for what a plugged-in recogniser heard', async () => {
    const input = setup([userAudio()]);
    const heard: string[] = [];
    input.userAudio = () => new Int16Array(24_000);
    input.recognizer = {
      async recognize(pcm) {
        expect(pcm.length).toBe(16_000);
        return 'what is the return policy';
      },
    };
    input.onTranscript = (id, text) => heard.push(`${id}:${text}`);
    expect(await planResponse(input)).toEqual([{ kind: 'call', name: 'search', arguments: '{"query":"what is the return policy"}' }]);
    expect(heard).toEqual(['item_u:what is the return policy']);
  });

  it('answers audio turns in the language the gateway hints at', async () => {
    const input = setup([userAudio()]);
    updateSession(input.session, { type: 'realtime', instructions: 'Answer.\nThe visitor most likely speaks the language "ja"; reply in the language the visitor uses.' });
    expect(sessionLang(input.session)).toBe('ja');
    const [step] = await planResponse(input);
    expect(step).toMatchObject({ kind: 'message', lang: 'ja' });
    expect(step!.text).toContain('音声を認識できません');
    expect(step!.spoken).toMatch(/^[\u3040-\u30ff\s、。ー]+$/);
  });
});
