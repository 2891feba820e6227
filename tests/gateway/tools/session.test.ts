import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import { startToolServer, type ToolServer } from './tool-server.js';

let harness: Harness | undefined;
let api: ToolServer | undefined;
afterEach(async () => {
  await harness?.close();
  await api?.close();
  harness = api = undefined;
});

describe('a site tool in a live session', () => {
  it('declares the tool upstream, runs the model\'s call over HTTP and returns the picked fields as the function output', async () => {
    api = await startToolServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"shipped","internal":"x"}');
    });
    harness = await startHarness({
      site: {
        tools: {
          order_status: {
            kind: 'http',
            description: 'Look up an order',
            url: `${api.origin}/orders/{order_id}`,
            parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
            fields: ['status'],
          },
        },
      },
    });
    const widget = await harness.connect();
    await widget.next('ready');
    const upstream = await harness.upstream.nextConnection();
    const update = upstream.received.find((e) => e.type === 'session.update')!;
    expect((update.session as { tools: Array<{ name: string }> }).tools.map((t) => t.name)).toContain('order_status');
    upstream.send({
      type: 'response.function_call_arguments.done',
      event_id: 'ev_1',
      response_id: 'resp_1',
      item_id: 'item_1',
      output_index: 0,
      call_id: 'call_1',
      name: 'order_status',
      arguments: '{"order_id":"A-7"}',
    });
    const output = await upstream.waitFor('conversation.item.create');
    expect(output.item).toEqual({ type: 'function_call_output', call_id: 'call_1', output: '{"status":"shipped"}' });
    expect(api.seen.map((r) => r.url)).toEqual(['/orders/A-7']);
  });
});
