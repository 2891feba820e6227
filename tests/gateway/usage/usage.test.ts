import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../gateway/config/schema.js';
import { costUsd, pricingFor } from '../../../gateway/usage/pricing.js';
import { usageFromResponse } from '../../../gateway/usage/meter.js';
import { loadTranscript, serverEvents } from '../../support/scripted-upstream.js';

const engines = configSchema.parse({
  engines: {
    ga: { kind: 'azure-openai', endpoint: 'https://r.openai.azure.com', deployment: 'my-deployment', api_key: 'k' },
    priced: {
      kind: 'openai',
      api_key: 'k',
      pricing: { text_in: 1, cached_text_in: 0.5, text_out: 2, audio_in: 10, cached_audio_in: 1, audio_out: 20 },
    },
    mini: { kind: 'openai', api_key: 'k', model: 'gpt-4o-mini-realtime-preview' },
    local: { kind: 'offline' },
  },
  sites: { s: { origins: ['https://a.example'], engine: 'ga', retrieval: { kind: 'local', sources: ['x'] } } },
}).engines;

describe('usage', () => {
  it('reads GA usage with cached tokens split by kind', () => {
    const done = serverEvents(loadTranscript('voice-turn-with-search-ga'), 'response.done')[1]!;
    expect(usageFromResponse(done.response.usage)).toEqual({ textIn: 681, cachedTextIn: 576, textOut: 61, audioIn: 29, cachedAudioIn: 0, audioOut: 96 });
  });

  it('splits beta cached tokens in proportion to text and audio input', () => {
    const done = serverEvents(loadTranscript('voice-turn-with-search-beta'), 'response.done')[1]!;
    const usage = usageFromResponse(done.response.usage)!;
    expect(usage.cachedTextIn + usage.cachedAudioIn).toBe(576);
    expect(usage).toEqual({ textIn: 681, cachedTextIn: 552, textOut: 61, audioIn: 29, cachedAudioIn: 24, audioOut: 96 });
  });

  it('has no usage for a failed response without one', () => {
    expect(usageFromResponse(null)).toBeUndefined();
  });

  it('prices by the model the upstream names, by configured pricing, and free offline', () => {
    expect(pricingFor(engines.ga!, 'gpt-4o-realtime-preview-2024-10-01')).toMatchObject({ text_in: 5, audio_in: 100, audio_out: 200, cached_audio_in: 20 });
    expect(pricingFor(engines.ga!, 'gpt-4o-realtime-preview-2024-12-17')).toMatchObject({ audio_in: 40, cached_audio_in: 2.5, audio_out: 80 });
    expect(pricingFor(engines.ga!, 'gpt-realtime-2025-08-28')).toEqual({ text_in: 4, cached_text_in: 0.4, text_out: 16, audio_in: 32, cached_audio_in: 0.4, audio_out: 64 });
    expect(pricingFor(engines.mini!)).toMatchObject({ text_in: 0.6, audio_out: 20 });
    expect(pricingFor(engines.priced!, 'gpt-realtime')).toMatchObject({ text_in: 1 });
    expect(pricingFor(engines.local!)).toMatchObject({ text_in: 0, audio_out: 0 });
  });

  it('charges cached input at the cached rate only', () => {
    const pricing = { text_in: 4, cached_text_in: 0.4, text_out: 16, audio_in: 32, cached_audio_in: 0.4, audio_out: 64 };
    const cost = costUsd({ textIn: 681, cachedTextIn: 576, textOut: 61, audioIn: 29, cachedAudioIn: 0, audioOut: 96 }, pricing);
    const expected = (105 * 4 + 576 * 0.4 + 61 * 16 + 29 * 32 + 96 * 64) / 1e6;
    expect(cost).toBeCloseTo(expected, 12);
  });
});
