import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configWarnings, parseConfig } from '../../../gateway/config/index.js';
import { loadConfig } from '../../../gateway/node/config-file.js';
import type { ConfigIssue, ParseResult } from '../../../gateway/config/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/config/${name}`, import.meta.url));

const AZURE = `  aoai:
    kind: azure-openai
    endpoint: https://r.openai.azure.com
    deployment: gpt-realtime
    api_key: k
    quota: { connections_per_minute: 6 }`;

function site(id: string, body: string, engine = 'aoai'): string {
  return `  ${id}:
    origins: [https://${id}.example.com]
    engine: ${engine}
    retrieval: { kind: local, sources: [./kb] }
${body}`;
}

function parse(text: string): ParseResult {
  return parseConfig(text, { file: 'c.yaml', env: {} });
}

function warnings(text: string): ConfigIssue[] {
  const result = parse(text);
  if (!result.ok) throw new Error(`expected a valid config: ${JSON.stringify(result.errors)}`);
  return result.warnings.filter((issue) => issue.severity === 'warning');
}

const budget = '    limits: { connections_per_minute: 3, daily_budget_usd: 5 }';

describe('configWarnings', () => {
  it('warns about a budget_time_zone that is not a known IANA zone, and not about a known one', () => {
    const text = (zone: string) => `engines:\n${AZURE}\nsites:\n${site('docs', `    limits: { connections_per_minute: 3, daily_budget_usd: 5, budget_time_zone: ${zone} }`)}`;
    expect(warnings(text('Europe/Berlin'))).toEqual([]);
    expect(warnings(text('Europe/Berlinn'))).toEqual([
      expect.objectContaining({ path: 'sites.docs.limits.budget_time_zone', message: expect.stringContaining('midnight UTC') }),
    ]);
  });

  it('warns when the sites over-subscribe the engine quota', async () => {
    const loaded = await loadConfig(fixture('oversubscribed.yaml'), { AZURE_OPENAI_API_KEY: 'k' });
    expect(loaded.warnings).toEqual([
      expect.objectContaining({ severity: 'warning', line: 9, path: 'engines.aoai.quota.connections_per_minute' }),
    ]);
    expect(loaded.warnings[0]?.message).toContain('add up to 8 (docs 5, shop 3)');
  });

  it('is quiet when the shares fit the quota', () => {
    expect(warnings(`engines:\n${AZURE}\nsites:\n${site('a', budget)}\n${site('b', budget)}`)).toEqual([]);
  });

  it('warns about a site with no share on an engine with a quota', () => {
    const found = warnings(`engines:\n${AZURE}\nsites:\n${site('a', '    limits: { daily_budget_usd: 5 }')}`);
    expect(found).toEqual([expect.objectContaining({ path: 'sites.a.limits', line: 13 })]);
    expect(found[0]?.message).toContain('no limits.connections_per_minute');
  });

  it('warns when one visitor may use more than the site share', () => {
    const found = warnings(`engines:\n${AZURE}\nsites:\n${site('a', '    limits: { connections_per_minute: 2, per_visitor_per_minute: 3, daily_budget_usd: 5 }')}`);
    expect(found.map((issue) => issue.path)).toEqual(['sites.a.limits.per_visitor_per_minute']);
  });

  it('warns about a paid engine without a daily budget', () => {
    const found = warnings(`engines:\n${AZURE}\nsites:\n${site('a', '    limits: { connections_per_minute: 3 }')}`);
    expect(found).toEqual([expect.objectContaining({ path: 'sites.a.limits' })]);
    expect(found[0]?.message).toContain('daily_budget_usd');
  });

  it('accepts an engine-wide budget instead of a site budget', () => {
    const engine = AZURE.replace('{ connections_per_minute: 6 }', '{ connections_per_minute: 6, daily_budget_usd: 50 }');
    expect(warnings(`engines:\n${engine}\nsites:\n${site('a', '    limits: { connections_per_minute: 3 }')}`)).toEqual([]);
  });

  it('warns about plain-http origins other than localhost', () => {
    const text = `engines:\n  local: { kind: offline }\nsites:\n  a:\n    origins: [http://localhost:3000, http://127.0.0.1, http://docs.example.com]\n    engine: local\n    retrieval: { kind: local, sources: [./kb] }\n`;
    const found = warnings(text);
    expect(found).toEqual([expect.objectContaining({ path: 'sites.a.origins.2', line: 5 })]);
  });

  it('notes an engine that no site uses', () => {
    const result = parse(`engines:\n${AZURE}\n  spare: { kind: offline }\nsites:\n${site('a', budget)}`);
    expect(result.warnings).toEqual([expect.objectContaining({ severity: 'info', path: 'engines.spare', line: 8 })]);
  });

  it('warns about a short status token', () => {
    const found = warnings(`server: { status_token: short }\nengines:\n${AZURE}\nsites:\n${site('a', budget)}`);
    expect(found).toEqual([expect.objectContaining({ path: 'server.status_token', line: 1 })]);
  });

  it('returns issues without positions when called on a config alone', async () => {
    const { config } = await loadConfig(fixture('oversubscribed.yaml'), { AZURE_OPENAI_API_KEY: 'k' });
    expect(configWarnings(config)).toEqual([expect.objectContaining({ file: '', line: 0, path: 'engines.aoai.quota.connections_per_minute' })]);
  });
});

describe('cross-field errors', () => {
  it('refuses jwt auth with neither secret nor public key', () => {
    const result = parse(`engines:\n${AZURE}\nsites:\n${site('a', `${budget}\n    auth: { kind: jwt }`)}`);
    expect(result.errors).toEqual([expect.objectContaining({ path: 'sites.a.auth', line: 14 })]);
  });

  it('accepts jwt auth with a public key', () => {
    const result = parse(`engines:\n${AZURE}\nsites:\n${site('a', `${budget}\n    auth: { kind: jwt, public_key: PEM }`)}`);
    expect(result.errors).toEqual([]);
  });

  it('refuses semantic_vad on a preview Azure deployment', () => {
    const engine = `${AZURE}\n    api_version: 2024-10-01-preview`;
    const result = parse(`engines:\n${engine}\nsites:\n${site('a', `${budget}\n    turn_detection: { type: semantic_vad }`)}`);
    expect(result.errors).toEqual([expect.objectContaining({ path: 'sites.a.turn_detection.type', line: 15 })]);
    expect(result.errors[0]?.message).toContain('2024-10-01-preview');
  });

  it('refuses idle_timeout_ms, truncation and reasoning on a preview engine (Azure or OpenAI beta), and accepts them on GA', () => {
    const settings = `${budget}\n    turn_detection: { type: server_vad, idle_timeout_ms: 8000 }\n    truncation: disabled\n    reasoning: { effort: low }`;
    const azure = parse(`engines:\n${AZURE}\n    api_version: 2024-10-01-preview\nsites:\n${site('a', settings)}`);
    expect(azure.errors.map((issue) => issue.path)).toEqual(['sites.a.turn_detection.idle_timeout_ms', 'sites.a.truncation', 'sites.a.reasoning']);
    expect(azure.errors[0]?.message).toContain('api_version 2024-10-01-preview');
    const openai = parse(`engines:\n  oai: { kind: openai, api_key: k, dialect: beta }\nsites:\n${site('a', settings, 'oai')}`);
    expect(openai.errors.map((issue) => issue.message)).toEqual([expect.stringContaining('dialect beta'), expect.stringContaining('dialect beta'), expect.stringContaining('dialect beta')]);
    expect(parse(`engines:\n${AZURE}\nsites:\n${site('a', settings)}`).errors).toEqual([]);
  });

  it('accepts semantic_vad on GA and manual turn detection on preview', () => {
    const ga = parse(`engines:\n${AZURE}\nsites:\n${site('a', `${budget}\n    turn_detection: { type: semantic_vad }`)}`);
    const preview = parse(`engines:\n${AZURE}\n    api_version: 2024-10-01-preview\nsites:\n${site('a', `${budget}\n    turn_detection: { type: manual }`)}`);
    expect(ga.errors).toEqual([]);
    expect(preview.errors).toEqual([]);
  });

  it('lists cross-field errors together with schema errors', () => {
    const result = parse(`server: { port: x }\nengines:\n${AZURE}\nsites:\n${site('a', budget, 'nope')}`);
    expect(result.errors.map((issue) => issue.path)).toEqual(['server.port', 'sites.a.engine']);
  });
});
