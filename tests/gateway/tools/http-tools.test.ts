import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../gateway/clock.js';
import type { GatewayConfig } from '../../../gateway/config/schema.js';
import { createToolLoop } from '../../../gateway/session/tool-loop.js';
import { createSiteTools } from '../../../gateway/tools/site-tools.js';
import { createMemoryRetriever, NORTHWIND_PASSAGES } from '../../support/memory-retriever.js';
import { createRecordingLogger } from '../../support/recording-logger.js';
import { loadToolsConfig } from './load-tools-config.js';
import { startToolServer, streamBytes, type ToolServer } from './tool-server.js';

const SECRET = 'tok-3f9a1c77e2b04d5e';
const servers: ToolServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(route: Parameters<typeof startToolServer>[0]): Promise<ToolServer> {
  const started = await startToolServer(route);
  servers.push(started);
  return started;
}

/** A real config file with one `order_status` tool on `origin` (a generous timeout: the first fetch starts undici), loaded with the secret in the environment. */
function configWith(origin: string, timeoutMs = 3000): GatewayConfig {
  const result = loadToolsConfig(
    `
      order_status:
        kind: http
        description: Look up the status of an order by its number
        url: ${origin}/orders/{order_id}
        parameters:
          type: object
          properties: { order_id: { type: string, pattern: "^[A-Za-z0-9./@:-]{1,40}$" }, verbose: { type: boolean } }
          required: [order_id]
          additionalProperties: false
        headers: { Authorization: "Bearer \${ORDER_API_TOKEN}" }
        timeout_ms: ${timeoutMs}
        max_response_kb: 64
        fields: [status, eta]`,
    { ORDER_API_TOKEN: SECRET },
  );
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return result.config;
}

/** The real tool loop with the site's tools on the runtime's fetch: what a session runs. */
function session(config: GatewayConfig) {
  const logger = createRecordingLogger();
  const outputs: Array<{ call_id: string; output: string }> = [];
  const metered: Array<{ tool: string; ok: boolean }> = [];
  let followUps = 0;
  const loop = createToolLoop({
    retriever: createMemoryRetriever(NORTHWIND_PASSAGES),
    retrieval: { timeout_ms: 3000, max_chars: 6000, top: 5 },
    sendUpstream: (event) => {
      const item = (event as { item: { call_id: string; output: string } }).item;
      outputs.push({ call_id: item.call_id, output: item.output });
      return `evt_${outputs.length}`;
    },
    sendToBrowser: () => {},
    requestResponse: () => followUps++,
    clock: systemClock,
    logger,
    onToolCall: (tool, _seconds, ok) => metered.push({ tool, ok }),
    siteTools: createSiteTools(config.sites.docs!.tools, { fetch: (url, init) => fetch(url, init), clock: systemClock, logger }),
  });
  /** Runs one call in a completed response; resolves with the model's function output. */
  const call = async (name: string, args: string): Promise<Record<string, unknown>> => {
    const callId = `call_${outputs.length + 1}`;
    loop.callReady(`resp_${callId}`, callId, name, args);
    loop.responseDone(`resp_${callId}`, 'completed');
    const deadline = Date.now() + 5000;
    while (!outputs.some((o) => o.call_id === callId)) {
      if (Date.now() > deadline) throw new Error('no function output');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return JSON.parse(outputs.find((o) => o.call_id === callId)!.output) as Record<string, unknown>;
  };
  return { call, logger, outputs, metered, followUps: () => followUps, loop };
}

/** Nothing the model read and nothing logged contains the header secret. */
function expectNoSecret(s: ReturnType<typeof session>) {
  expect(JSON.stringify(s.outputs)).not.toContain(SECRET);
  expect(JSON.stringify(s.logger.lines)).not.toContain(SECRET);
}

describe('site HTTP tools', () => {
  it('calls a tool that answers: secret header sent, only the declared fields reach the model', async () => {
    const api = await server((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'shipped', eta: '2026-12-08', customer: { email: 'jane@example.com' } }));
    });
    const s = session(configWith(api.origin));
    const output = await s.call('order_status', '{"order_id":"A-1001","verbose":true}');
    expect(output).toEqual({ status: 'shipped', eta: '2026-12-08' });
    expect(api.seen).toHaveLength(1);
    expect(api.seen[0]).toMatchObject({ method: 'GET', url: '/orders/A-1001?verbose=true' });
    expect(api.seen[0]!.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(s.metered).toEqual([{ tool: 'order_status', ok: true }]);
    expect(s.followUps()).toBe(1);
    expectNoSecret(s);
  });

  it('gives the model a short error when the tool does not answer in time, and the turn continues', async () => {
    const api = await server(() => {}); // never answers
    const s = session(configWith(api.origin, 300));
    const started = Date.now();
    const output = await s.call('order_status', '{"order_id":"A-1"}');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(output).toEqual({ error: 'order_status did not answer within 300 ms' });
    expect(s.metered).toEqual([{ tool: 'order_status', ok: false }]);
    expect(s.followUps()).toBe(1);
    expectNoSecret(s);
  });

  it('cuts a 10 MB answer off at max_response_kb and gives the model a short error', async () => {
    const api = await server((_req, res) => streamBytes(res, 10 * 1024 * 1024));
    const s = session(configWith(api.origin));
    const output = await s.call('order_status', '{"order_id":"A-2"}');
    expect(output).toEqual({ error: 'order_status answered more than 64 KB; the answer was dropped' });
    expect(s.outputs[0]!.output.length).toBeLessThan(200);
    await expect.poll(() => api.abandoned).toBe(1); // the gateway stopped reading: the rest was never sent
    expect(s.followUps()).toBe(1);
  });

  it('answers an undeclared tool with the unknown-tool error and makes no request', async () => {
    const api = await server((_req, res) => res.end('{}'));
    const s = session(configWith(api.origin));
    expect(await s.call('delete_all_orders', '{"order_id":"A-1"}')).toEqual({ error: 'unknown tool "delete_all_orders"' });
    expect(api.seen).toHaveLength(0);
    expect(s.metered).toEqual([]);
  });

  it.each([
    ['a missing required argument', '{}', 'invalid arguments: must have required property \'order_id\''],
    ['a wrong type', '{"order_id":42}', 'invalid arguments: order_id must be string'],
    ['an undeclared argument', '{"order_id":"A-1","admin":true}', 'invalid arguments: must NOT have additional properties'],
    ['arguments that are not JSON', '{"order_id":', 'arguments must be a JSON object'],
  ])('refuses %s before any request', async (_name, args, error) => {
    const api = await server((_req, res) => res.end('{}'));
    const s = session(configWith(api.origin));
    expect(await s.call('order_status', args)).toEqual({ error });
    expect(api.seen).toHaveLength(0);
    expect(s.metered).toEqual([{ tool: 'order_status', ok: false }]);
  });

  it('never sends arguments to another host: encoded in the path, refused as dot segments, redirects refused', async () => {
    const evil = await server((_req, res) => res.end('{"status":"pwned"}'));
    const api = await server((req, res) => {
      if (req.url.startsWith('/orders/redirect')) {
        res.writeHead(302, { location: `${evil.origin}/steal` });
        return void res.end();
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    });
    const s = session(configWith(api.origin));
    // Encoded: stays a single path segment on the configured host.
    expect(await s.call('order_status', JSON.stringify({ order_id: `@127.0.0.1:${evil.port}` }))).toEqual({ status: 'ok' });
    expect(await s.call('order_status', JSON.stringify({ order_id: `//127.0.0.1:${evil.port}/x` }))).toEqual({ status: 'ok' });
    expect(api.seen.map((r) => r.url)).toEqual([`/orders/%40127.0.0.1%3A${evil.port}`, `/orders/%2F%2F127.0.0.1%3A${evil.port}%2Fx`]);
    // A dot segment would climb out of /orders/: refused before any request.
    expect(await s.call('order_status', '{"order_id":".."}')).toEqual({ error: 'refused: an argument is a relative path segment' });
    // The tool's own server redirecting elsewhere: not followed.
    expect(await s.call('order_status', '{"order_id":"redirect"}')).toEqual({ error: 'order_status could not be reached' });
    expect(api.seen).toHaveLength(3);
    expect(evil.seen).toHaveLength(0);
    expectNoSecret(s);
  });

  it('stops a running tool call when the session ends', async () => {
    const api = await server(() => {});
    const s = session(configWith(api.origin));
    s.loop.callReady('resp_1', 'call_1', 'order_status', '{"order_id":"A-1"}');
    await expect.poll(() => api.seen.length).toBe(1);
    s.loop.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(s.outputs).toEqual([]); // nothing is sent upstream after the session closed
    await expect.poll(() => api.abandoned).toBe(1);
  });
});
