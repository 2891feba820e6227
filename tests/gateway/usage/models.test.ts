import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../gateway/config/schema.js';
import { configWarnings } from '../../../gateway/config/warnings.js';
import { findModel, REALTIME_MODELS } from '../../../gateway/usage/models.js';
import { FALLBACK_PRICING, knownPricing, pricingFor } from '../../../gateway/usage/pricing.js';

const site = (engine: string, extra: Record<string, unknown> = {}) => ({
  origins: ['https://a.example'],
  engine,
  retrieval: { kind: 'local', sources: ['x'] },
  limits: { daily_budget_usd: 5 },
  ...extra,
});
const azure = (deployment: string, extra: Record<string, unknown> = {}) => ({
  kind: 'azure-openai',
  endpoint: 'https://r.openai.azure.com',
  deployment,
  api_key: 'k',
  ...extra,
});
const config = (engines: Record<string, unknown>, sites: Record<string, unknown> = { s: site(Object.keys(engines)[0]!) }) =>
  configSchema.parse({ engines, sites });
const messages = (c: ReturnType<typeof config>, now: string) =>
  configWarnings(c, { now: Date.parse(now) }).filter((w) => w.severity === 'warning').map((w) => `${w.path}: ${w.message}`);

describe('the model table', () => {
  it('gives every price and retirement a source and the date it was read', () => {
    for (const model of REALTIME_MODELS) {
      for (const figure of [model.price, model.retirement]) {
        if (!figure) continue;
        expect(figure.source).toMatch(/^https:\/\//);
        expect(figure.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
  });

  it('prices each model by its own line, not as gpt-realtime', () => {
    const engines = config({ a: azure('gpt-realtime-2.1-mini'), b: azure('rt', { model: 'gpt-realtime-2.1' }), c: azure('voice') }).engines;
    expect(pricingFor(engines.a!)).toEqual({ text_in: 0.6, cached_text_in: 0.06, text_out: 2.4, audio_in: 10, cached_audio_in: 0.3, audio_out: 20 });
    expect(pricingFor(engines.b!)).toEqual({ text_in: 4, cached_text_in: 0.4, text_out: 24, audio_in: 32, cached_audio_in: 0.4, audio_out: 64 });
    expect(pricingFor(engines.c!, 'gpt-realtime-2025-08-28')).toMatchObject({ text_out: 16 });
    // No price read for these: budgets count them at the dearest current price.
    expect(knownPricing(engines.c!, 'gpt-realtime-2')).toBeUndefined();
    expect(pricingFor(engines.c!, 'gpt-realtime-mini-2025-12-15')).toEqual(FALLBACK_PRICING);
    expect(findModel('gpt-realtime-2')?.name).toBe('gpt-realtime-2');
    expect(findModel('gpt-realtime-2025-08-28')?.name).toBe('gpt-realtime');
  });
});

describe('check warnings from the model table', () => {
  it('warns about a model without a known price unless the engine sets pricing', () => {
    const pricing = { text_in: 1, cached_text_in: 0.1, text_out: 2, audio_in: 3, cached_audio_in: 0.3, audio_out: 4 };
    const c = config({ a: azure('voice'), b: azure('rt2', { model: 'gpt-realtime-2' }), c: azure('voice', { pricing }) }, {
      s: site('a'), t: site('b'), u: site('c'),
    });
    expect(messages(c, '2026-06-01')).toEqual([
      'engines.a: "voice" is not a model the gateway knows (set `model` to the model behind the deployment) and the engine has no pricing: budgets count its usage at gpt-realtime-2.1\'s prices; set pricing',
      "engines.b: model gpt-realtime-2 has no known list price and the engine has no pricing: budgets count its usage at gpt-realtime-2.1's prices; set pricing",
    ]);
  });

  it('warns when an Azure model retires within 30 days or has retired, and not before', () => {
    const c = config({ a: azure('gpt-realtime-mini', { pricing: { text_in: 1, cached_text_in: 0.1, text_out: 2, audio_in: 3, cached_audio_in: 0.3, audio_out: 4 } }), b: azure('gpt-realtime') }, {
      s: site('a'), t: site('b'),
    });
    expect(messages(c, '2026-11-01')).toEqual([]);
    expect(messages(c, '2026-12-05')).toEqual([expect.stringMatching(/^engines\.a: Azure's gpt-realtime-mini version 2025-12-15 retires on 2026-12-15 \(in 10 days\)/)]);
    expect(messages(c, '2027-02-01')).toEqual([
      expect.stringContaining('gpt-realtime-mini version 2025-12-15 retired on 2026-12-15'),
      expect.stringContaining("engines.b: Azure's gpt-realtime version 2025-08-28 retires on 2027-02-28 (in 27 days)"),
    ]);
  });

  it('warns about reasoning.effort on a model that does not reason', () => {
    const c = config({ a: azure('gpt-realtime'), b: azure('gpt-realtime-2.1') }, {
      s: site('a', { reasoning: { effort: 'high' } }), t: site('b', { reasoning: { effort: 'high' } }),
    });
    expect(messages(c, '2026-06-01')).toEqual(['sites.s.reasoning: model gpt-realtime is not a reasoning model: the service may refuse reasoning.effort']);
  });
});
