/**
 * USD cost of metered usage, from an engine's `pricing` or the list prices of known models
 * (USD per 1M tokens; realtime/PROTOCOL.md §7). Unknown models cost what `gpt-realtime` does,
 * so a budget errs on the safe side rather than counting nothing.
 */
import type { EngineConfig, PricingConfig } from '../config/schema.js';
import type { TokenUsage } from './types.js';

const price = (
  text_in: number,
  cached_text_in: number,
  text_out: number,
  audio_in: number,
  cached_audio_in: number,
  audio_out: number,
): PricingConfig => ({ text_in, cached_text_in, text_out, audio_in, cached_audio_in, audio_out });

/** List prices of known realtime models, most specific name first. */
export const DEFAULT_PRICING: ReadonlyArray<readonly [pattern: RegExp, pricing: PricingConfig]> = [
  [/gpt-4o-mini-realtime/, price(0.6, 0.3, 2.4, 10, 0.3, 20)],
  [/gpt-4o-realtime-preview-2024-10-01/, price(5, 2.5, 20, 100, 20, 200)],
  [/gpt-4o-realtime/, price(5, 2.5, 20, 40, 2.5, 80)],
  [/gpt-realtime/, price(4, 0.4, 16, 32, 0.4, 64)],
];

const FREE = price(0, 0, 0, 0, 0, 0);
const FALLBACK = price(4, 0.4, 16, 32, 0.4, 64);

/**
 * The pricing of an engine. `modelHint` is what the upstream's `session.created` says the
 * model is (e.g. `gpt-4o-realtime-preview-2024-10-01`), which beats a deployment name.
 */
export function pricingFor(engine: EngineConfig, modelHint?: string): PricingConfig {
  if (engine.pricing) return engine.pricing;
  if (engine.kind === 'offline') return FREE;
  const names = [modelHint, engine.kind === 'azure-openai' ? (engine.model ?? engine.deployment) : engine.model];
  for (const name of names) {
    if (!name) continue;
    for (const [pattern, pricing] of DEFAULT_PRICING) if (pattern.test(name)) return pricing;
  }
  return FALLBACK;
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
