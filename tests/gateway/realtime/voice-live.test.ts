import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../gateway/config/parse.js';
import { buildUpstreamTarget } from '../../../gateway/realtime/upstream-url.js';
import { voiceLiveDialect } from '../../../gateway/realtime/voice-live-dialect.js';
import { pricingFor, FALLBACK_PRICING } from '../../../gateway/usage/pricing.js';
import { eventChecker } from '../../conformance/validator.js';

const ENGINE = 'kind: azure-voice-live, endpoint: https://res.services.ai.azure.com';

function configText(engine: string, site = '', pricing = '') {
  return [
    'engines:',
    `  vl: { ${engine}${pricing} }`,
    '  aoai: { kind: azure-openai, endpoint: https://res.openai.azure.com, deployment: gpt-realtime, api_key: k }',
    'sites:',
    '  docs:',
    '    origins: [https://docs.example.com]',
    '    retrieval: { kind: local, sources: ["./docs/**/*.md"] }',
    '    limits: { daily_budget_usd: 5 }',
    site,
  ].join('\n');
}

const parse = (engine: string, site = 'engine: vl', pricing = '') =>
  parseConfig(configText(engine, site.split('\n').map((line) => `    ${line}`).join('\n'), pricing), { file: 'c.yaml', env: {} });

function ok(engine: string, site?: string, pricing?: string) {
  const result = parse(engine, site, pricing);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return result;
}

const errorsOf = (engine: string, site?: string) => {
  const result = parse(engine, site);
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
};

const EXTRAS = [
  'engine: vl',
  'voice_live:',
  '  input_audio_noise_reduction: azure_deep_noise_suppression',
  '  input_audio_echo_cancellation: server_echo_cancellation',
  '  turn_detection: { type: azure_semantic_vad_multilingual, remove_filler_words: true, languages: [en, de], silence_duration_ms: 400 }',
  '  voice: { type: azure-standard, name: "en-US-Ava:DragonHDLatestNeural", rate: "+10%" }',
  '  input_audio_sampling_rate: 24000',
].join('\n');

describe('Azure Voice Live engine', () => {
  it('builds the model URL with api-version, the api-key header, and the agent URL with Entra ID', () => {
    const withModel = buildUpstreamTarget(ok(`${ENGINE}, model: gpt-realtime, api_key: k`).config.engines.vl!);
    expect(withModel).toMatchObject({
      url: 'wss://res.services.ai.azure.com/voice-live/realtime?api-version=2026-07-15&model=gpt-realtime',
      dialect: 'voice-live',
      auth: { kind: 'api-key', key: 'k' },
    });
    const agent = buildUpstreamTarget(ok(`${ENGINE}, agent_id: asst_1, project_id: proj-a, api_version: 2025-10-01`).config.engines.vl!);
    expect(agent.url).toBe('wss://res.services.ai.azure.com/voice-live/realtime?api-version=2025-10-01&agent_id=asst_1&project_id=proj-a');
    expect(agent.auth).toEqual({ kind: 'entra', scope: 'https://ai.azure.com/.default' });
  });

  it('needs either a model or an agent with its project', () => {
    expect(errorsOf(ENGINE)).toEqual([expect.stringContaining('give either model, or agent_id together with project_id')]);
    expect(errorsOf(`${ENGINE}, agent_id: a`)).toEqual([expect.stringContaining('give either model')]);
    expect(errorsOf(`${ENGINE}, model: m, agent_id: a, project_id: p`)).toEqual([expect.stringContaining('give either model')]);
  });

  it('sends the site extras in the Voice Live session shape, conforming to @azure/ai-voicelive', () => {
    const { config } = ok(`${ENGINE}, model: gpt-realtime`, EXTRAS);
    const update = voiceLiveDialect.buildSessionUpdate(config.sites.docs!, config.engines.vl!) as { session: Record<string, unknown> };
    expect(update.session).toMatchObject({
      modalities: ['text', 'audio'],
      input_audio_sampling_rate: 24000,
      input_audio_noise_reduction: { type: 'azure_deep_noise_suppression' },
      input_audio_echo_cancellation: { type: 'server_echo_cancellation' },
      turn_detection: {
        type: 'azure_semantic_vad_multilingual',
        remove_filler_words: true,
        languages: ['en', 'de'],
        silence_duration_ms: 400,
        create_response: true,
        interrupt_response: false,
        auto_truncate: false,
      },
      voice: { type: 'azure-standard', name: 'en-US-Ava:DragonHDLatestNeural', rate: '+10%' },
    });
    const checker = eventChecker('voice-live', 'client');
    expect(checker.check({ event_id: 'evt_1', ...update })).toBeUndefined();
    // The check is strict: a field the SDK's models lack fails, in the wire spelling.
    const wrong = structuredClone(update) as { session: { turn_detection: Record<string, unknown> } };
    wrong.session.turn_detection.removeFillerWords = true;
    expect(checker.check({ type: 'session.update', ...wrong })?.problems).toContain('/session/turn_detection must NOT have additional properties (removeFillerWords)');
  });

  it('refuses bad extras: an unknown rate, another sampling rate, an unknown turn detection', () => {
    const errors = errorsOf(`${ENGINE}, model: m`, [
      'engine: vl',
      'voice_live: { voice: { type: azure-standard, name: v, rate: quick }, input_audio_sampling_rate: 16000, turn_detection: { type: azure_semantic_vad_fr } }',
    ].join('\n'));
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/voice_live\.voice\.rate: must be x-slow/),
        expect.stringMatching(/voice_live\.input_audio_sampling_rate: must be 24000/),
        expect.stringMatching(/voice_live\.turn_detection\.type/),
      ]),
    );
  });

  it('check refuses voice_live on another engine, and GA settings Voice Live lacks, naming what to use', () => {
    expect(errorsOf(`${ENGINE}, model: m`, 'engine: aoai\nvoice_live: { input_audio_echo_cancellation: server_echo_cancellation }')).toEqual([
      expect.stringContaining('sites.docs.voice_live: voice_live needs an engine of kind azure-voice-live, but engine "aoai" is azure-openai'),
    ]);
    const errors = errorsOf(`${ENGINE}, model: m`, 'engine: vl\nspeed: 1.2\ntruncation: auto\nnoise_reduction: near_field\nturn_detection: { type: semantic_vad }');
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringContaining('sites.docs.speed: engine "vl" is Azure Voice Live, whose session has no speed: use voice_live.voice.rate'),
        expect.stringContaining('sites.docs.truncation:'),
        expect.stringContaining('sites.docs.noise_reduction: engine "vl" is Azure Voice Live, whose session has no noise_reduction: use voice_live.input_audio_noise_reduction'),
        expect.stringContaining('sites.docs.turn_detection.type:'),
      ]),
    );
    expect(errors).toHaveLength(4);
  });

  it('prices usage by the engine pricing, never by the OpenAI list price, and check warns without one', () => {
    const bare = ok(`${ENGINE}, model: gpt-realtime`);
    expect(pricingFor(bare.config.engines.vl!, 'gpt-realtime')).toEqual(FALLBACK_PRICING);
    expect(bare.warnings.map((w) => `${w.path}: ${w.message}`)).toContainEqual(expect.stringMatching(/^engines\.vl: Azure Voice Live bills its own prices.*set pricing$/));
    const priced = ok(`${ENGINE}, model: gpt-realtime`, 'engine: vl', ', pricing: { text_in: 5, cached_text_in: 0.5, text_out: 20, audio_in: 40, cached_audio_in: 2.5, audio_out: 80 }');
    expect(pricingFor(priced.config.engines.vl!, 'gpt-realtime').audio_out).toBe(80);
    expect(priced.warnings.filter((w) => w.path === 'engines.vl')).toEqual([]);
  });
});
