import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_INSTRUCTIONS, TOOLS } from '../../../gateway/realtime/instructions.js';
import { startHarness, type Harness } from '../../support/gateway-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('session start', () => {
  it('sends the exact GA session.update and announces ready after session.updated', async () => {
    harness = await startHarness({ dialect: 'ga', site: { voice: 'marin', language: 'en' } });
    const widget = await harness.connect();
    const ready = await widget.next('ready');
    const upstream = await harness.upstream.nextConnection();
    const update = await upstream.waitFor('session.update');
    expect(update.session).toEqual({
      type: 'realtime',
      instructions: `${DEFAULT_INSTRUCTIONS}\nThe visitor most likely speaks the language "en"; reply in the language the visitor uses.`,
      output_modalities: ['audio'],
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          transcription: { model: 'gpt-4o-mini-transcribe', language: 'en' },
          turn_detection: {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 500,
            create_response: true,
            interrupt_response: false,
          },
        },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' },
      },
      tools: TOOLS,
      tool_choice: 'auto',
      max_output_tokens: 'inf',
    });
    expect(ready).toMatchObject({
      type: 'ready',
      protocol: 1,
      sample_rate: 24000,
      turn_detection: 'server_vad',
      max_session_s: 300,
      engine: 'azure-openai',
    });
    expect(ready.session_id).toMatch(/^vr_[0-9a-f]{32}$/);
    // ready comes only after the upstream confirmed the configuration.
    expect(upstream.types[0]).toBe('session.update');
  });

  it('sends the exact beta session.update with the api-key header', async () => {
    harness = await startHarness({ dialect: 'beta', site: { instructions: 'Answer about benefits only.' } });
    const widget = await harness.connect();
    await widget.next('ready');
    const upstream = await harness.upstream.nextConnection();
    expect(upstream.handshake.headers['api-key']).toBe('test-key');
    expect(upstream.handshake.headers.authorization).toBeUndefined();
    expect(upstream.handshake.headers['openai-beta']).toBeUndefined();
    const update = await upstream.waitFor('session.update');
    expect(update.session).toEqual({
      modalities: ['text', 'audio'],
      instructions: 'Answer about benefits only.',
      voice: 'alloy',
      input_audio_format: 'pcm16',
      output_audio_format: 'pcm16',
      input_audio_transcription: { model: 'whisper-1' },
      turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 },
      tools: TOOLS,
      tool_choice: 'auto',
      temperature: 0.8,
      max_response_output_tokens: 'inf',
    });
  });

  it('sends turn_detection null and announces manual for push-to-talk sites', async () => {
    harness = await startHarness({ dialect: 'ga', site: { turn_detection: { type: 'manual' }, transcription: undefined } });
    const widget = await harness.connect();
    const ready = await widget.next('ready');
    const update = await (await harness.upstream.nextConnection()).waitFor('session.update');
    expect(ready.turn_detection).toBe('manual');
    expect(update.session.audio.input.turn_detection).toBeNull();
    // Left out, not null: the official types have no null here, and a new session has none.
    expect(update.session.audio.input).not.toHaveProperty('transcription');
  });

  it('asks for a greeting response after session.updated when the site has a greeting', async () => {
    harness = await startHarness({ dialect: 'ga', site: { greeting: 'Hi! Ask me about benefits.' } });
    const widget = await harness.connect();
    await widget.next('ready');
    const upstream = await harness.upstream.nextConnection();
    const create = await upstream.waitFor('response.create');
    expect(create.response.instructions).toContain('"Hi! Ask me about benefits."');
    expect(upstream.types.indexOf('session.update')).toBeLessThan(upstream.types.indexOf('response.create'));
  });
});
