// Per-site `transport`: websocket by default, webrtc on request, and `check` says what webrtc trades away.
import { describe, expect, it } from 'vitest';
import { parseConfig, type ConfigIssue } from '../../../gateway/config/index.js';

const config = (siteExtra: string, engine = 'kind: azure-openai\n    endpoint: https://r.openai.azure.com\n    deployment: gpt-realtime\n    api_key: k') => `engines:
  aoai:
    ${engine}
sites:
  docs:
    origins: [https://docs.example.com]
    engine: aoai
    retrieval: { kind: local, sources: [./kb] }
    limits: { daily_budget_usd: 5 }
${siteExtra}`;

function parsed(text: string) {
  const result = parseConfig(text, { file: 'c.yaml', env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result;
}
const transportWarnings = (issues: ConfigIssue[]) => issues.filter((issue) => issue.path === 'sites.docs.transport');

describe('sites.*.transport', () => {
  it('defaults to websocket, with no transport warning', () => {
    const result = parsed(config(''));
    expect(result.config.sites.docs!.transport).toBe('websocket');
    expect(transportWarnings(result.warnings)).toEqual([]);
  });

  it('accepts webrtc and warns with the trust trade-off, pointing at the line', () => {
    const result = parsed(config('    transport: webrtc'));
    expect(result.config.sites.docs!.transport).toBe('webrtc');
    const found = transportWarnings(result.warnings);
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('warning');
    expect(found[0]!.line).toBe(13);
    expect(found[0]!.message).toMatch(/session\.update/);
    expect(found[0]!.message).toMatch(/hangs up, it cannot prevent it/);
  });

  it('says when the engine has no WebRTC calls endpoint (preview Azure, offline)', () => {
    const preview = parsed(config('    transport: webrtc', 'kind: azure-openai\n    endpoint: https://r.openai.azure.com\n    deployment: d\n    api_key: k\n    api_version: 2024-10-01-preview'));
    expect(transportWarnings(preview.warnings).map((w) => w.message)).toContainEqual(expect.stringContaining('has no GA WebRTC calls endpoint'));
    const offline = parsed(config('    transport: webrtc', 'kind: offline'));
    expect(transportWarnings(offline.warnings).map((w) => w.message)).toContainEqual(expect.stringContaining('use the websocket transport'));
  });

  it('refuses any other value with a clear error', () => {
    const result = parseConfig(config('    transport: udp'), { file: 'c.yaml', env: {} });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(JSON.stringify(result.errors)).toMatch(/transport/);
  });
});
