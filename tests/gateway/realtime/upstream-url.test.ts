import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../gateway/config/schema.js';
import { buildUpstreamTarget, DEFAULT_ENTRA_SCOPE } from '../../../gateway/realtime/upstream-url.js';
import { normalizeContentType, normalizeType } from '../../../gateway/realtime/dialect.js';

const engineOf = (engine: Record<string, unknown>) =>
  configSchema.parse({
    engines: { e: engine },
    sites: {
      s: {
        origins: ['https://a.example'],
        engine: 'e',
        retrieval: { kind: 'local', sources: ['./x/**/*.md'] },
      },
    },
  }).engines.e!;

describe('upstream target', () => {
  it('builds the Azure GA URL with model and no api-version', () => {
    const target = buildUpstreamTarget(engineOf({ kind: 'azure-openai', endpoint: 'https://res.openai.azure.com', deployment: 'gpt-realtime', api_key: 'k' }));
    expect(target.url).toBe('wss://res.openai.azure.com/openai/v1/realtime?model=gpt-realtime');
    expect(target.dialect).toBe('ga');
    expect(target.auth).toEqual({ kind: 'api-key', key: 'k' });
  });

  it('builds the Azure preview URL with api-version and deployment', () => {
    const target = buildUpstreamTarget(
      engineOf({ kind: 'azure-openai', endpoint: 'https://res.openai.azure.com/', deployment: 'gpt-4o-realtime-preview', api_version: '2024-10-01-preview', api_key: 'k' }),
    );
    expect(target.url).toBe('wss://res.openai.azure.com/openai/realtime?api-version=2024-10-01-preview&deployment=gpt-4o-realtime-preview');
    expect(target.dialect).toBe('beta');
  });

  it('uses Entra ID with the default scope when there is no api_key', () => {
    const target = buildUpstreamTarget(engineOf({ kind: 'azure-openai', endpoint: 'https://res.openai.azure.com', deployment: 'd' }));
    expect(target.auth).toEqual({ kind: 'entra', scope: DEFAULT_ENTRA_SCOPE });
    expect(DEFAULT_ENTRA_SCOPE).toBe('https://cognitiveservices.azure.com/.default');
  });

  it('builds OpenAI GA and beta targets with bearer auth and the beta header only for beta', () => {
    const ga = buildUpstreamTarget(engineOf({ kind: 'openai', api_key: 'sk-1' }));
    expect(ga.url).toBe('wss://api.openai.com/v1/realtime?model=gpt-realtime');
    expect(ga.headers).toEqual({});
    expect(ga.auth).toEqual({ kind: 'bearer', token: 'sk-1' });
    const beta = buildUpstreamTarget(engineOf({ kind: 'openai', api_key: 'sk-1', model: 'gpt-4o-realtime-preview', dialect: 'beta' }));
    expect(beta.url).toBe('wss://api.openai.com/v1/realtime?model=gpt-4o-realtime-preview');
    expect(beta.headers).toEqual({ 'OpenAI-Beta': 'realtime=v1' });
    expect(beta.dialect).toBe('beta');
  });

  it('reaches the offline engine at the runtime URL, GA, without auth', () => {
    const target = buildUpstreamTarget(engineOf({ kind: 'offline' }), 'ws://127.0.0.1:4321/v1/realtime');
    expect(target).toMatchObject({ url: 'ws://127.0.0.1:4321/v1/realtime', dialect: 'ga', auth: { kind: 'none' } });
    expect(() => buildUpstreamTarget(engineOf({ kind: 'offline' }))).toThrow(/offline engine/);
  });

  it('lets upstreamUrls override any engine URL while keeping dialect and auth', () => {
    const target = buildUpstreamTarget(
      engineOf({ kind: 'azure-openai', endpoint: 'https://res.openai.azure.com', deployment: 'd', api_version: '2024-10-01-preview', api_key: 'k' }),
      'ws://127.0.0.1:9/',
    );
    expect(target).toMatchObject({ url: 'ws://127.0.0.1:9/', dialect: 'beta', auth: { kind: 'api-key' } });
  });
});

describe('dialect names', () => {
  it('maps beta event names and content types to GA ones and keeps GA names', () => {
    expect(normalizeType('response.audio.delta')).toBe('response.output_audio.delta');
    expect(normalizeType('response.audio_transcript.done')).toBe('response.output_audio_transcript.done');
    expect(normalizeType('response.text.delta')).toBe('response.output_text.delta');
    expect(normalizeType('conversation.item.created')).toBe('conversation.item.added');
    expect(normalizeType('response.output_audio.delta')).toBe('response.output_audio.delta');
    expect(normalizeContentType('audio')).toBe('output_audio');
    expect(normalizeContentType('output_text')).toBe('output_text');
  });
});
