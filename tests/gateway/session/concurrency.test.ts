import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import type { ScriptedConnection } from '../../support/scripted-upstream.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function toolCall(upstream: ScriptedConnection, responseId: string, callId: string, query: string): void {
  upstream.send({ type: 'response.created', response: { id: responseId, status: 'in_progress' } });
  upstream.send({
    type: 'response.output_item.added',
    response_id: responseId,
    item: { id: `item_${callId}`, type: 'function_call', name: 'search', call_id: callId, arguments: '' },
  });
  upstream.send({ type: 'response.function_call_arguments.done', response_id: responseId, item_id: `item_${callId}`, call_id: callId, arguments: JSON.stringify({ query }) });
}

describe('concurrent sessions', () => {
  it('keep interleaved tool calls apart', async () => {
    harness = await startHarness({ dialect: 'ga' });
    const alice = await harness.connect();
    await alice.next('ready');
    const a = await harness.upstream.nextConnection();
    const bob = await harness.connect();
    await bob.next('ready');
    const b = await harness.upstream.nextConnection();

    toolCall(a, 'resp_a', 'call_a', 'Plus eye exam');
    toolCall(b, 'resp_b', 'call_b', 'Standard exclusions');
    await alice.next('searching');
    await bob.next('searching');
    b.send({ type: 'response.done', response: { id: 'resp_b', status: 'completed', output: [] } });
    a.send({ type: 'response.done', response: { id: 'resp_a', status: 'completed', output: [] } });
    await a.waitFor('response.create');
    await b.waitFor('response.create');

    const outputOf = (c: ScriptedConnection) => c.received.filter((e) => e.type === 'conversation.item.create').map((e) => e.item);
    expect(outputOf(a)).toEqual([{ type: 'function_call_output', call_id: 'call_a', output: expect.stringContaining('[Northwind_Health_Plus_Benefits_Details_pdf_page_41]') }]);
    expect(outputOf(b)).toEqual([{ type: 'function_call_output', call_id: 'call_b', output: expect.stringMatching(/^\[Northwind_Standard_Benefits_Details_pdf_page_38\]/) }]);
    expect(alice.all('searching')).toEqual([{ type: 'searching', query: 'Plus eye exam' }]);
    expect(bob.all('searching')).toEqual([{ type: 'searching', query: 'Standard exclusions' }]);
    expect(a.received.filter((e) => e.type === 'response.create')).toHaveLength(1);
    expect(b.received.filter((e) => e.type === 'response.create')).toHaveLength(1);
  });
});
