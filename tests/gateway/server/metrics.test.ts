import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../gateway/server/metrics.js';

describe('gateway metrics', () => {
  it('counts sessions by site and keeps the active gauge in step', async () => {
    const metrics = createMetrics({ defaults: false });
    metrics.sessionOpened('docs');
    metrics.sessionOpened('docs');
    metrics.sessionClosed('docs', 'session_expired');
    const text = await metrics.registry.metrics();
    expect(text).toContain('voice_rag_sessions_opened_total{site="docs"} 2');
    expect(text).toContain('voice_rag_sessions_active{site="docs"} 1');
    expect(text).toContain('voice_rag_sessions_closed_total{site="docs",code="session_expired"} 1');
  });

  it('records tokens by kind and cost, skipping zero kinds', async () => {
    const metrics = createMetrics({ defaults: false });
    metrics.usage('docs', 'aoai', { textIn: 10, cachedTextIn: 0, textOut: 5, audioIn: 30, cachedAudioIn: 0, audioOut: 80 }, 0.0062);
    const text = await metrics.registry.metrics();
    expect(text).toContain('voice_rag_tokens_total{site="docs",engine="aoai",kind="audio_out"} 80');
    expect(text).not.toContain('kind="cached_text_in"');
    expect(text).toContain('voice_rag_cost_usd_total{site="docs",engine="aoai"} 0.0062');
  });

  it('reads limiter tokens at scrape time', async () => {
    const metrics = createMetrics({ defaults: false });
    let left = 3;
    metrics.readLimiters(() => [{ scope: 'engine', name: 'aoai', tokensLeft: left }]);
    expect(await metrics.registry.metrics()).toContain('voice_rag_limiter_tokens{scope="engine",name="aoai"} 3');
    left = 1;
    expect(await metrics.registry.metrics()).toContain('voice_rag_limiter_tokens{scope="engine",name="aoai"} 1');
  });

  it('counts refusals by reason', async () => {
    const metrics = createMetrics({ defaults: false });
    metrics.refused('docs', 'rate_limited');
    metrics.refused('docs', 'rate_limited');
    metrics.refused('blog', 'origin');
    const text = await metrics.registry.metrics();
    expect(text).toContain('voice_rag_refusals_total{site="docs",reason="rate_limited"} 2');
    expect(text).toContain('voice_rag_refusals_total{site="blog",reason="origin"} 1');
  });
});
