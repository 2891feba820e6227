import { describe, expect, it } from 'vitest';
import { gaDialect, betaDialect } from '../../../gateway/realtime/dialect.js';
import { createMetrics } from '../../../gateway/server/metrics.js';
import { loadToolsConfig } from './load-tools-config.js';

const SECRET = 'tok-77aa1c0e55d2';

const load = (tools: string, env: Record<string, string> = { ORDER_API_TOKEN: SECRET }) => loadToolsConfig(tools, env);

const problems = (result: ReturnType<typeof load>) => [...result.errors, ...result.warnings].map((i) => `${i.path} ${i.severity}: ${i.message}`);

const ORDER_TOOL = `
      order_status:
        kind: http
        description: Look up an order
        url: https://api.example.com/orders/{order_id}
        parameters: { type: object, properties: { order_id: { type: string } }, required: [order_id] }
        headers: { Authorization: "Bearer \${ORDER_API_TOKEN}" }`;

describe('sites.*.tools in the config', () => {
  it('loads a declared HTTP tool with its defaults and the header secret resolved', () => {
    const result = load(ORDER_TOOL);
    expect(problems(result)).toEqual([]);
    if (!result.ok) return;
    expect(result.config.sites.docs!.tools!.order_status).toEqual({
      kind: 'http',
      description: 'Look up an order',
      url: 'https://api.example.com/orders/{order_id}',
      method: 'GET',
      parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
      headers: { Authorization: `Bearer ${SECRET}` },
      timeout_ms: 5000,
      max_response_kb: 64,
    });
  });

  it.each([
    ['search', 'sites.docs.tools.search error: "search" is a built-in tool (search, report_grounding); choose another name'],
    ['report_grounding', 'sites.docs.tools.report_grounding error: "report_grounding" is a built-in tool (search, report_grounding); choose another name'],
  ])('refuses a tool named %s (a built-in tool)', (name, problem) => {
    expect(problems(load(`      ${name}: { kind: http, description: d, url: "https://a.example/x" }`))).toEqual([problem]);
  });

  it('refuses placeholders in the origin, placeholders that are not required, schemas that do not compile, reserved headers', () => {
    const result = load(`
      a: { kind: http, description: d, url: "https://{tenant}.example.com/x", parameters: { type: object, required: [tenant] } }
      b: { kind: http, description: d, url: "https://api.example.com/{id}", parameters: { type: object, properties: { id: { type: string } } } }
      c: { kind: http, description: d, url: "https://api.example.com/", parameters: { type: object, properties: { id: { type: nope } } } }
      d: { kind: http, description: d, url: "https://api.example.com/", parameters: { type: array } }
      e: { kind: http, description: d, url: "https://user:pw@api.example.com/" }
      f: { kind: http, description: d, url: "https://api.example.com/", headers: { Host: other.example.com } }
      g: { kind: ftp, description: d, url: "https://api.example.com/" }
      "bad name": { kind: http, description: d, url: "https://api.example.com/" }`);
    expect(result.ok).toBe(false);
    const found = problems(result);
    expect(found).toContain('sites.docs.tools.a.url error: must be an http(s) URL without user info, with no {placeholder} in its scheme, host or port');
    expect(found).toContain('sites.docs.tools.b.url error: placeholder {id} must name a required parameter');
    expect(found.some((p) => p.startsWith('sites.docs.tools.c.parameters error: is not a valid JSON Schema'))).toBe(true);
    expect(found).toContain('sites.docs.tools.d.parameters.type error: must be "object" (Realtime function tools take an object)');
    expect(found).toContain('sites.docs.tools.e.url error: must be an http(s) URL without user info, with no {placeholder} in its scheme, host or port');
    expect(found).toContain('sites.docs.tools.f.headers.Host error: the gateway sets Host itself');
    expect(found.some((p) => p.startsWith('sites.docs.tools.g.kind error'))).toBe(true);
    expect(found).toContain('sites.docs.tools.bad name error: tool names are 1-64 letters, digits, _ and -');
  });

  it('warns that an unset header variable is a secret, without echoing anything', () => {
    const found = problems(load(ORDER_TOOL, {}));
    expect(found).toEqual([
      'sites.docs.tools.order_status.headers.Authorization warning: environment variable ORDER_API_TOKEN is not set; the value is empty (sites.docs.tools.order_status.headers.Authorization is a secret: set it in the environment)',
    ]);
  });

  it.each([['ga', gaDialect], ['beta', betaDialect]] as const)('declares the tool upstream (%s) with name, description and schema, never its URL or headers', (_name, dialect) => {
    const result = load(ORDER_TOOL);
    if (!result.ok) throw new Error('config did not load');
    const engine = result.config.engines.local!;
    const update = dialect.buildSessionUpdate(result.config.sites.docs!, engine) as { session: { tools: Array<{ name: string }> } };
    expect(update.session.tools.map((tool) => tool.name)).toEqual(['search', 'report_grounding', 'order_status']);
    expect(update.session.tools[2]).toEqual({
      type: 'function',
      name: 'order_status',
      description: 'Look up an order',
      parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
    });
    const sent = JSON.stringify(update);
    expect(sent).not.toContain(SECRET);
    expect(sent).not.toContain('api.example.com');
  });

  it('counts tool calls by site, tool and outcome in the metrics', async () => {
    const metrics = createMetrics({ defaults: false });
    metrics.toolCall('docs', 'order_status', 0.02, true);
    metrics.toolCall('docs', 'order_status', 0.3, false);
    metrics.toolCall('docs', 'order_status', 0.01, true);
    const text = await metrics.registry.metrics();
    expect(text).toContain('voice_rag_tool_calls_total{site="docs",tool="order_status",outcome="ok"} 2');
    expect(text).toContain('voice_rag_tool_calls_total{site="docs",tool="order_status",outcome="error"} 1');
  });
});
