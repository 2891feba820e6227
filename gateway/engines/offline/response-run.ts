/** Runs one response: the Realtime event sequence, streamed text and audio, and cancellation. */
import { bytesToBase64 } from '../../realtime/base64.js';
import type { Clock } from '../../clock.js';
import type { Conversation, Item } from './conversation.js';
import { newId } from './ids.js';
import { CHUNK_MS, Pacer } from './pacing.js';
import type { RealtimeSession } from './session-config.js';
import { transcriptChunks, type AnswerLang } from './text.js';
import { synthesize24k, type TtsEngine } from './tts.js';
import { estimateUsage } from './usage.js';

/** What a response says or calls, decided from the conversation (response-plan.ts). */
export interface ResponseStep {
  kind: 'message' | 'call';
  /** message: the text to speak or write. */
  text?: string;
  lang?: AnswerLang;
  /** message: what to synthesize instead of `text`, spoken as one piece. */
  spoken?: string;
  /** call: the function name and its JSON arguments. */
  name?: string;
  arguments?: string;
}

/** What a response needs from its session. */
export interface ResponseContext {
  send(event: Record<string, unknown>): void;
  conversation: Conversation;
  session: RealtimeSession;
  conversationId: string;
  tts: TtsEngine;
  clock: Clock;
  pace: boolean;
  onError?(error: unknown): void;
}

/** Why a response was cancelled, as `status_details.reason` says. */
export type CancelReason = 'client_cancelled' | 'turn_detected';

const STREAMING = Symbol('cancelled');
/** Delay before a response's first output when pacing, like a model's time to first token. */
const FIRST_OUTPUT_MS = 250;

/** One response, from `response.created` to `response.done`; cancellable at any await. */
export class ResponseRun {
  readonly id = newId('resp');
  private readonly ctx: ResponseContext;
  private readonly modality: 'audio' | 'text';
  private readonly pacer: Pacer;
  private readonly output: Item[] = [];
  private cancelReason: CancelReason | undefined;
  private outText = '';
  private outAudioMs = 0;
  private finished = false;

  constructor(ctx: ResponseContext, modality: 'audio' | 'text') {
    this.ctx = ctx;
    this.modality = modality;
    this.pacer = new Pacer(ctx.clock, { pace: ctx.pace });
  }

  get done(): boolean {
    return this.finished;
  }

  /** Stops the response; it ends with `response.done` status `cancelled`. */
  cancel(reason: CancelReason): void {
    if (this.finished || this.cancelReason) return;
    this.cancelReason = reason;
    this.pacer.cancel();
  }

  /** Emits `response.created`, then the steps `plan` yields, then `response.done`. Never rejects. */
  async run(plan: () => Promise<ResponseStep[]>): Promise<void> {
    this.ctx.send({ type: 'response.created', response: this.responseObject('in_progress', null, null) });
    let failure: unknown;
    try {
      const steps = await plan();
      // The service takes a moment before its first output; tests without pacing skip it.
      await this.pacer.think(FIRST_OUTPUT_MS);
      for (const step of steps) {
        if (this.cancelReason) break;
        if (step.kind === 'call') this.emitCall(step.name!, step.arguments ?? '{}');
        else await this.emitMessage(step.text ?? '', step.lang ?? 'en', step.spoken);
      }
    } catch (error) {
      if (error !== STREAMING) failure = error;
    }
    this.finished = true;
    const usage = estimateUsage(
      {
        instructions: this.ctx.session.instructions,
        tools: this.ctx.session.tools,
        conversation: this.ctx.conversation,
        excludeIds: new Set(this.output.map((item) => item.id)),
      },
      { text: this.outText, audioMs: this.outAudioMs },
    );
    if (failure !== undefined) {
      this.ctx.onError?.(failure);
      const details = { type: 'failed', error: { type: 'server_error', code: 'engine_error', message: 'The offline engine failed to produce this response.' } };
      this.ctx.send({ type: 'response.done', response: this.responseObject('failed', details, usage) });
    } else if (this.cancelReason) {
      this.ctx.send({ type: 'response.done', response: this.responseObject('cancelled', { type: 'cancelled', reason: this.cancelReason }, usage) });
    } else {
      this.ctx.send({ type: 'response.done', response: this.responseObject('completed', null, usage) });
    }
  }

  private responseObject(status: string, details: unknown, usage: unknown): Record<string, unknown> {
    const session = this.ctx.session;
    return {
      object: 'realtime.response',
      id: this.id,
      status,
      status_details: details,
      output: this.output,
      usage,
      conversation_id: this.ctx.conversationId,
      output_modalities: [this.modality],
      max_output_tokens: session.max_output_tokens,
      audio: { output: { format: session.audio.output.format, voice: session.audio.output.voice } },
      metadata: null,
    };
  }

  private addItem(item: Item): { outputIndex: number; previousId: string | null } {
    const outputIndex = this.output.length;
    this.output.push(item);
    this.ctx.send({ type: 'response.output_item.added', response_id: this.id, output_index: outputIndex, item });
    const previousId = this.ctx.conversation.add(item);
    this.ctx.send({ type: 'conversation.item.added', previous_item_id: previousId, item });
    return { outputIndex, previousId };
  }

  private finishItem(item: Item, outputIndex: number, previousId: string | null): void {
    this.ctx.send({ type: 'response.output_item.done', response_id: this.id, output_index: outputIndex, item });
    this.ctx.send({ type: 'conversation.item.done', previous_item_id: previousId, item });
  }

  private emitCall(name: string, args: string): void {
    const item: Item = { id: newId('item'), object: 'realtime.item', type: 'function_call', status: 'in_progress', name, call_id: newId('call'), arguments: '' };
    const { outputIndex, previousId } = this.addItem(item);
    const ids = { response_id: this.id, item_id: item.id, output_index: outputIndex, call_id: item.call_id };
    // Argument deltas in a few pieces, as the model streams them.
    const cut = Math.max(1, Math.ceil(args.length / 3));
    for (let at = 0; at < args.length; at += cut) {
      this.ctx.send({ type: 'response.function_call_arguments.delta', ...ids, delta: args.slice(at, at + cut) });
    }
    this.ctx.send({ type: 'response.function_call_arguments.done', ...ids, arguments: args, name });
    item.arguments = args;
    item.status = 'completed';
    this.outText += name + args;
    this.finishItem(item, outputIndex, previousId);
  }

  private async emitMessage(text: string, lang: AnswerLang, spoken?: string): Promise<void> {
    const item: Item = { id: newId('item'), object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    const { outputIndex, previousId } = this.addItem(item);
    const ids = { response_id: this.id, item_id: item.id, output_index: outputIndex, content_index: 0 };
    const audio = this.modality === 'audio';
    this.ctx.send({ type: 'response.content_part.added', ...ids, part: audio ? { type: 'audio', transcript: '' } : { type: 'text', text: '' } });
    let said = '';
    const meta = this.ctx.conversation.audio(item.id);
    let complete = false;
    try {
      if (!audio) {
        for (const delta of transcriptChunks(text, lang)) {
          said += delta;
          this.ctx.send({ type: 'response.output_text.delta', ...ids, delta });
        }
      } else {
        const pieces = spoken ? [{ sentence: text, speak: spoken }] : splitForSpeech(text, lang).map((s) => ({ sentence: s, speak: s.trim() }));
        for (const { sentence, speak } of pieces) {
          const pcm = await synthesize24k(this.ctx.tts, speak, lang, this.ctx.session.audio.output.voice);
          if (this.cancelReason) throw STREAMING;
          const deltas = transcriptChunks(sentence, lang);
          const chunkSamples = CHUNK_MS * 24;
          const chunkCount = Math.max(1, Math.ceil(pcm.length / chunkSamples));
          let next = 0;
          let chars = 0;
          for (let k = 0; k < chunkCount; k++) {
            // Words go out just ahead of the audio that speaks them, by position in the sentence.
            while (next < deltas.length && chars <= ((k + 1) / chunkCount) * sentence.length) {
              const delta = deltas[next++]!;
              chars += delta.length;
              said += delta;
              this.ctx.send({ type: 'response.output_audio_transcript.delta', ...ids, delta });
            }
            const chunk = pcm.subarray(k * chunkSamples, (k + 1) * chunkSamples);
            if (!chunk.length) continue;
            await this.pacer.beforeChunk(chunk.length / 24);
            if (this.cancelReason) throw STREAMING;
            this.ctx.send({ type: 'response.output_audio.delta', ...ids, delta: toBase64(chunk) });
            this.outAudioMs += chunk.length / 24;
            meta.audioMs = Math.floor(this.outAudioMs);
          }
          for (; next < deltas.length; next++) {
            said += deltas[next]!;
            this.ctx.send({ type: 'response.output_audio_transcript.delta', ...ids, delta: deltas[next]! });
          }
        }
      }
      complete = true;
    } finally {
      this.outText += said;
      item.status = complete ? 'completed' : 'incomplete';
      item.content = audio ? [{ type: 'output_audio', transcript: said }] : [{ type: 'output_text', text: said }];
      if (audio) {
        this.ctx.send({ type: 'response.output_audio.done', ...ids });
        this.ctx.send({ type: 'response.output_audio_transcript.done', ...ids, transcript: said });
        this.ctx.send({ type: 'response.content_part.done', ...ids, part: { type: 'audio', transcript: said } });
      } else {
        this.ctx.send({ type: 'response.output_text.done', ...ids, text: said });
        this.ctx.send({ type: 'response.content_part.done', ...ids, part: { type: 'text', text: said } });
      }
      this.finishItem(item, outputIndex, previousId);
    }
  }
}

/** Sentences to synthesize one at a time, each with its leading space, so the parts join back to the text. */
function splitForSpeech(text: string, lang: AnswerLang): string[] {
  const parts = [...new Intl.Segmenter(lang, { granularity: 'sentence' }).segment(text)].map((s) => s.segment);
  const out: string[] = [];
  for (const part of parts) {
    // Leading whitespace belongs to the next sentence's first delta.
    const trailing = part.match(/\s+$/)?.[0] ?? '';
    const body = part.slice(0, part.length - trailing.length);
    if (body) out.push((out.length && lang !== 'ja' ? ' ' : '') + body.trimStart());
  }
  return out.length ? out : [text];
}

/** Base64 of PCM16 little-endian samples. */
export function toBase64(pcm: Int16Array): string {
  return bytesToBase64(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
}
