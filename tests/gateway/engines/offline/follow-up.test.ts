// The offline engine reads a short follow-up that points back in the light of the previous
// question, also when that question came in as a replayed item of a renewed session.
import { describe, expect, it } from 'vitest';
import { Conversation, type Item } from '../../../../gateway/engines/offline/conversation.js';
import { searchQueryFor } from '../../../../gateway/engines/offline/follow-up.js';
import { planResponse } from '../../../../gateway/engines/offline/response-plan.js';
import { defaultSession, updateSession } from '../../../../gateway/engines/offline/session-config.js';
import { RAG_TOOLS } from './client.js';

let serial = 0;
const user = (text: string): Item => ({ id: `item_u${++serial}`, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text }] });
const assistant = (text: string): Item => ({ id: `item_a${++serial}`, object: 'realtime.item', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text }] });

const EARLIER = 'How long can a device stay offline before a full resync?';

describe('follow-up questions in the offline engine', () => {
  it('searches a follow-up that points back together with the previous question (replayed items included)', async () => {
    const session = defaultSession('sess_x', 'offline', 0);
    updateSession(session, { type: 'realtime', tools: RAG_TOOLS });
    const conversation = new Conversation();
    for (const item of [user(EARLIER), assistant('90 days.'), user('What happens after that?')]) conversation.add(item);
    const [step] = await planResponse({ conversation, session, userAudio: () => undefined });
    expect(step).toMatchObject({ kind: 'call', name: 'search' });
    expect(JSON.parse((step as { arguments: string }).arguments)).toEqual({ query: `${EARLIER} What happens after that?` });
  });

  it('leaves a question alone that does not point back, is long, or has nothing before it', () => {
    expect(searchQueryFor('How do I reset my password?', [user(EARLIER), user('How do I reset my password?')])).toBe('How do I reset my password?');
    const long = 'Can you tell me how the sync of that device works when it has been offline for a long time?';
    expect(searchQueryFor(long, [user(EARLIER), user(long)])).toBe(long);
    expect(searchQueryFor('What is that?', [user('What is that?')])).toBe('What is that?');
    // "Is there …?" opens a new subject: `there` does not point back.
    expect(searchQueryFor('Is there a student discount?', [user(EARLIER), user('Is there a student discount?')])).toBe('Is there a student discount?');
  });
});
