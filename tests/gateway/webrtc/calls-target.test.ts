// Where each engine's WebRTC calls are created, joined and hung up, and what the offer carries.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../gateway/config/schema.js';
import { buildCallsTarget, callSessionConfig } from '../../../gateway/webrtc/calls-target.js';
import { callIdOf } from '../../../gateway/webrtc/calls-client.js';

const config = configSchema.parse({
  engines: {
    aoai: { kind: 'azure-openai', endpoint: 'https://res.openai.azure.com', deployment: 'my-realtime', api_key: 'k' },
    entra: { kind: 'azure-openai', endpoint: 'https://res.openai.azure.com', deployment: 'my-realtime' },
    oai: { kind: 'openai', api_key: 'sk-test', model: 'gpt-realtime' },
    preview: { kind: 'azure-openai', endpoint: 'https://res.openai.azure.com', deployment: 'p', api_key: 'k', api_version: '2024-10-01-preview' },
    beta: { kind: 'openai', api_key: 'sk-test', dialect: 'beta' },
    local: { kind: 'offline' },
  },
  sites: {
    docs: {
      origins: ['https://docs.example.com'],
      engine: 'aoai',
      voice: 'marin',
      retrieval: { kind: 'local', sources: ['./kb'] },
      transport: 'webrtc',
      max_output_tokens: 500,
      tools: undefined,
    },
  },
});

describe('buildCallsTarget', () => {
  it('Azure GA: /openai/v1/realtime/calls with webrtcfilter=on, the sideband and hang-up beside it, the api-key', () => {
    const target = buildCallsTarget(config.engines.aoai!);
    expect(target.callsUrl).toBe('https://res.openai.azure.com/openai/v1/realtime/calls?webrtcfilter=on');
    expect(target.sidebandUrl('rtc_1')).toBe('wss://res.openai.azure.com/openai/v1/realtime?call_id=rtc_1');
    expect(target.hangupUrl('rtc_1')).toBe('https://res.openai.azure.com/openai/v1/realtime/calls/rtc_1/hangup');
    expect(target.upstream.auth).toEqual({ kind: 'api-key', key: 'k' });
  });

  it('Azure with Entra ID: the engine token, never an ephemeral key', () => {
    expect(buildCallsTarget(config.engines.entra!).upstream.auth).toEqual({ kind: 'entra', scope: 'https://cognitiveservices.azure.com/.default' });
  });

  it('OpenAI: /v1/realtime/calls without a filter, bearer auth', () => {
    const target = buildCallsTarget(config.engines.oai!);
    expect(target.callsUrl).toBe('https://api.openai.com/v1/realtime/calls');
    expect(target.sidebandUrl('rtc_x')).toBe('wss://api.openai.com/v1/realtime?call_id=rtc_x');
    expect(target.hangupUrl('rtc_x')).toBe('https://api.openai.com/v1/realtime/calls/rtc_x/hangup');
    expect(target.upstream.auth).toEqual({ kind: 'bearer', token: 'sk-test' });
  });

  it('refuses engines without the GA calls endpoint', () => {
    for (const id of ['preview', 'beta', 'local']) expect(() => buildCallsTarget(config.engines[id]!)).toThrow(/no WebRTC calls/);
  });

  it('the offer carries the full site session and the model (deployment on Azure)', () => {
    const session = callSessionConfig(config.sites.docs!, config.engines.aoai!, buildCallsTarget(config.engines.aoai!));
    expect(session).toMatchObject({ type: 'realtime', model: 'my-realtime', max_output_tokens: 500, output_modalities: ['audio'] });
    expect(JSON.stringify(session.audio)).toContain('marin');
  });
});

describe('callIdOf', () => {
  it('reads the last path segment of Location, and refuses junk', () => {
    expect(callIdOf('/v1/realtime/calls/rtc_u1_9c65')).toBe('rtc_u1_9c65');
    expect(callIdOf('https://res.openai.azure.com/openai/v1/realtime/calls/rtc_abc?x=1')).toBe('rtc_abc');
    expect(callIdOf(null)).toBeUndefined();
    expect(callIdOf('/v1/realtime/calls/a b<script>')).toBeUndefined();
  });
});
