/** The `insights` block: off when absent, its defaults, and the checks `voice-rag check` makes. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../gateway/config/parse.js';

const config = (store: string, insights: string) => `
${store}
engines: { local: { kind: offline } }
sites:
  docs:
    origins: ["https://docs.example.com"]
    engine: local
    retrieval: { kind: local, sources: ["./kb/*.md"] }
${insights}
`;

describe('sites.*.insights', () => {
  it('is off when absent', () => {
    const result = parseConfig(config('', ''), { file: 'c.yaml' });
    expect(result.ok && result.config.sites.docs!.insights).toBeUndefined();
  });

  it('defaults to 30 days, the three built-in redactions and no passage as the threshold', () => {
    const result = parseConfig(config('', '    insights: { store: ./insights.sqlite }'), { file: 'c.yaml' });
    expect(result.ok && result.config.sites.docs!.insights).toEqual({
      store: './insights.sqlite', retention_days: 30, redact: ['email', 'phone', 'card'], unanswered_below: 0,
    });
  });

  it('refuses store: redis without a Redis store, at its line', () => {
    const result = parseConfig(config('', '    insights: { store: redis }'), { file: 'c.yaml' });
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      expect.objectContaining({ path: 'sites.docs.insights.store', line: 9, message: expect.stringMatching(/store.kind is not redis/) }),
    ]);
  });

  it('accepts store: redis with a Redis store', () => {
    const result = parseConfig(config('store: { kind: redis, url: "redis://127.0.0.1:6379" }', '    insights: { store: redis }'), { file: 'c.yaml' });
    expect(result.errors).toEqual([]);
  });

  it.each([
    ['retention_days: 0', /retention_days/],
    ['redact: [ssn]', /redact/],
    ['unanswered_below: -1', /unanswered_below/],
    ['stor: x', /stor/],
  ])('refuses %s', (fields, path) => {
    const result = parseConfig(config('', `    insights: { store: ./i.sqlite, ${fields} }`), { file: 'c.yaml' });
    expect(result.ok).toBe(false);
    expect(result.errors.map((e) => `${e.path} ${e.message}`).join('\n')).toMatch(path);
  });
});
