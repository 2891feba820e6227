/** Tokens of one response, by kind, normalised from either dialect's `response.done` usage. */
export interface TokenUsage {
  textIn: number;
  cachedTextIn: number;
  textOut: number;
  audioIn: number;
  cachedAudioIn: number;
  audioOut: number;
}

/** Total tokens, as counted against `tokens_per_minute`. */
export function totalTokens(usage: TokenUsage): number {
  return usage.textIn + usage.textOut + usage.audioIn + usage.audioOut;
}
