/**
 * The one table of realtime models the gateway knows: list prices (USD per 1M tokens),
 * retirement dates where published, whether the model reasons, and for each figure the date
 * it was read and its source. `check` warns from it; budgets are priced from it.
 */
import type { PricingConfig } from '../config/schema.js';

/** A figure's provenance: the page it comes from and the day it was read there. */
export interface Provenance {
  source: string;
  asOf: string;
}

export interface ModelPrice extends Provenance {
  usdPerMillion: PricingConfig;
}

/** Azure's retirement of one model version (deployments of it stop answering on `date`). */
export interface Retirement extends Provenance {
  version: string;
  date: string;
}

export interface RealtimeModel {
  name: string;
  /** Matches the model or deployment name (a dated snapshot included). */
  pattern: RegExp;
  /** Unknown when no list price has been published or read. */
  price?: ModelPrice;
  retirement?: Retirement;
  /** Takes `reasoning.effort` (GA `session.reasoning`). */
  reasoning: boolean;
}

const usd = (text_in: number, cached_text_in: number, text_out: number, audio_in: number, cached_audio_in: number, audio_out: number): PricingConfig =>
  ({ text_in, cached_text_in, text_out, audio_in, cached_audio_in, audio_out });

const OPENAI_MODELS = 'https://developers.openai.com/api/docs/models/';
const AZURE_RETIREMENTS = 'https://learn.microsoft.com/azure/foundry/openai/concepts/model-retirements';
const READ = '2026-12-05';

/** Most specific names first: the first pattern that matches wins. */
export const REALTIME_MODELS: readonly RealtimeModel[] = [
  {
    name: 'gpt-realtime-2.1-mini',
    pattern: /gpt-realtime-2\.1-mini/,
    price: { usdPerMillion: usd(0.6, 0.06, 2.4, 10, 0.3, 20), source: `${OPENAI_MODELS}gpt-realtime-2.1-mini`, asOf: READ },
    reasoning: true,
  },
  {
    name: 'gpt-realtime-2.1',
    pattern: /gpt-realtime-2\.1/,
    price: { usdPerMillion: usd(4, 0.4, 24, 32, 0.4, 64), source: `${OPENAI_MODELS}gpt-realtime-2.1`, asOf: READ },
    reasoning: true,
  },
  // Listed without a price: none was read, so `check` asks for an explicit `pricing`.
  { name: 'gpt-realtime-2', pattern: /gpt-realtime-2(?![.\d])/, reasoning: true },
  {
    name: 'gpt-realtime-mini',
    pattern: /gpt-realtime-mini/,
    retirement: { version: '2025-12-15', date: '2026-12-15', source: AZURE_RETIREMENTS, asOf: READ },
    reasoning: false,
  },
  {
    name: 'gpt-realtime-1.5',
    pattern: /gpt-realtime-1\.5/,
    price: { usdPerMillion: usd(4, 0.4, 16, 32, 0.4, 64), source: `${OPENAI_MODELS}gpt-realtime-1.5`, asOf: '2026-02-23' },
    reasoning: false,
  },
  {
    name: 'gpt-realtime',
    pattern: /gpt-realtime/,
    price: { usdPerMillion: usd(4, 0.4, 16, 32, 0.4, 64), source: `${OPENAI_MODELS}compare?model=gpt-realtime`, asOf: '2026-02-23' },
    retirement: { version: '2025-08-28', date: '2027-02-28', source: AZURE_RETIREMENTS, asOf: READ },
    reasoning: false,
  },
  {
    name: 'gpt-4o-mini-realtime-preview',
    pattern: /gpt-4o-mini-realtime/,
    price: { usdPerMillion: usd(0.6, 0.3, 2.4, 10, 0.3, 20), source: `${OPENAI_MODELS}gpt-4o-mini-realtime-preview`, asOf: '2026-02-23' },
    reasoning: false,
  },
  {
    name: 'gpt-4o-realtime-preview-2024-10-01',
    pattern: /gpt-4o-realtime-preview-2024-10-01/,
    // Launch price; OpenAI's page no longer shows it (community copies agree).
    price: { usdPerMillion: usd(5, 2.5, 20, 100, 20, 200), source: 'https://community.openai.com/t/help-me-understand-the-realtime-usage-block/1060242', asOf: '2026-02-23' },
    reasoning: false,
  },
  {
    name: 'gpt-4o-realtime-preview',
    pattern: /gpt-4o-realtime/,
    price: { usdPerMillion: usd(5, 2.5, 20, 40, 2.5, 80), source: `${OPENAI_MODELS}gpt-4o-realtime-preview`, asOf: '2026-02-23' },
    reasoning: false,
  },
];

/** The table's entry for a model or deployment name, if any. */
export function findModel(name: string | undefined): RealtimeModel | undefined {
  return name ? REALTIME_MODELS.find((model) => model.pattern.test(name)) : undefined;
}
