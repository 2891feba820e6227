/**
 * USD cost of metered usage, from an engine's `pricing` or the model table (models.ts).
 * A model without a known price costs what the dearest current model does, so a budget errs
 * on the safe side rather than counting nothing; `check` warns about it.
 */
import type { EngineConfig, PricingConfig } from '../config/schema.js';
import { findModel, REALTIME_MODELS } from './models.js';
import type { TokenUsage } from './types.js';

/** List prices of known realtime models, most specific name first (from the model table). */
export const DEFAULT_PRICING: ReadonlyArray<readonly [pattern: RegExp, pricing: PricingConfig]> = REALTIME_MODELS.flatMap((model) =>
  model.price ? [[model.pattern, model.price.usdPerMillion] as const] : [],
);

const FREE: PricingConfig = { text_in: 0, cached_text_in: 0, text_out: 0, audio_in: 0, cached_audio_in: 0, audio_out: 0 };
/** Used for models without a known price: gpt-realtime-2.1, the dearest current model. */
export const FALLBACK_PRICING: PricingConfig = findModel('gpt-realtime-2.1')!.price!.usdPerMillion;

/** The model names an engine's usage may be priced by: the upstream's own word first. */
export function modelNamesOf(engine: EngineConfig, modelHint?: string): string[] {
  const configured = engine.kind === 'azure-openai' ? (engine.model ?? engine.deployment) : engine.kind === 'offline' ? undefined : engine.model;
  return [modelHint, configured].filter((name): name is string => typeof name === 'string' && name !== '');
}

/** The list price of an engine's model, or undefined when the table has none. */
export function knownPricing(engine: EngineConfig, modelHint?: string): PricingConfig | undefined {
  // Voice Live bills its own prices per model tier, not the OpenAI list prices of the table.
  if (engine.kind === 'azure-voice-live') return undefined;
  for (const name of modelNamesOf(engine, modelHint)) {
    const model = findModel(name);
    if (model) return model.price?.usdPerMillion;
  }
  return undefined;
}

/**
 * The pricing of an engine. `modelHint` is what the upstream's `session.created` says the
 * model is (e.g. `gpt-4o-realtime-preview-2024-10-01`), which beats a deployment name.
 */
export function pricingFor(engine: EngineConfig, modelHint?: string): PricingConfig {
  if (engine.pricing) return engine.pricing;
  if (engine.kind === 'offline') return FREE;
  return knownPricing(engine, modelHint) ?? FALLBACK_PRICING;
}

/** Cost in USD of one response's usage. */
export function costUsd(usage: TokenUsage, pricing: PricingConfig): number {
  const perToken = (tokens: number, usdPerMillion: number) => (tokens * usdPerMillion) / 1_000_000;
  return (
    perToken(usage.textIn - usage.cachedTextIn, pricing.text_in) +
    perToken(usage.cachedTextIn, pricing.cached_text_in) +
    perToken(usage.textOut, pricing.text_out) +
    perToken(usage.audioIn - usage.cachedAudioIn, pricing.audio_in) +
    perToken(usage.cachedAudioIn, pricing.cached_audio_in) +
    perToken(usage.audioOut, pricing.audio_out)
  );
}
