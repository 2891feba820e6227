/** The GA session object: defaults, `session.update` / `response.create` validation and Realtime error bodies. */
import { z } from 'zod';
import type { VadParams } from './vad.js';

/** A function tool as declared in the session. */
export interface FunctionTool {
  type: 'function';
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/** `audio.input.turn_detection` with every default filled in. */
export type TurnDetection =
  | {
      type: 'server_vad';
      threshold: number;
      prefix_padding_ms: number;
      silence_duration_ms: number;
      idle_timeout_ms: number | null;
      create_response: boolean;
      interrupt_response: boolean;
    }
  | { type: 'semantic_vad'; eagerness: 'low' | 'medium' | 'high' | 'auto'; create_response: boolean; interrupt_response: boolean };

/** The GA session object, as `session.created` / `session.updated` carry it. */
export interface RealtimeSession {
  type: 'realtime';
  object: 'realtime.session';
  id: string;
  model: string;
  output_modalities: ['audio'] | ['text'];
  instructions: string;
  tools: FunctionTool[];
  tool_choice: unknown;
  max_output_tokens: number | 'inf';
  tracing: unknown;
  prompt: unknown;
  expires_at: number;
  audio: {
    input: {
      format: { type: 'audio/pcm'; rate: 24000 };
      transcription: { model: string; language?: string; prompt?: string } | null;
      noise_reduction: { type: 'near_field' | 'far_field' } | null;
      turn_detection: TurnDetection | null;
    };
    output: { format: { type: 'audio/pcm'; rate: 24000 }; voice: string; speed: number };
  };
  include: string[] | null;
  truncation?: unknown;
}

/** A Realtime `error` body. */
export interface RealtimeErrorBody {
  type: 'invalid_request_error' | 'server_error';
  code: string | null;
  message: string;
  param: string | null;
}

const DEFAULT_INSTRUCTIONS =
  'You are the voice-rag offline engine. You are not a language model: you answer by calling search and ' +
  'reading out the best-matching sentences of the passages found, then report_grounding with their ids.';

/** Session lifetime the engine announces in `expires_at` (as Azure's 30 minutes). */
export const SESSION_LIFETIME_MS = 30 * 60_000;

/** The session a new connection starts with: the GA service's defaults. */
export function defaultSession(id: string, model: string, nowMs: number): RealtimeSession {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model,
    output_modalities: ['audio'],
    instructions: DEFAULT_INSTRUCTIONS,
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    prompt: null,
    expires_at: Math.floor((nowMs + SESSION_LIFETIME_MS) / 1000),
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        transcription: null,
        noise_reduction: null,
        // The GA service announces 200 ms here (session-start-ga.jsonl); an update without the field gets 500.
        turn_detection: serverVad({ silence_duration_ms: 200 }),
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 },
    },
    include: null,
  };
}

function serverVad(input: Partial<Extract<TurnDetection, { type: 'server_vad' }>>): TurnDetection {
  return {
    type: 'server_vad',
    threshold: 0.5,
    prefix_padding_ms: 300,
    silence_duration_ms: 500,
    idle_timeout_ms: null,
    create_response: true,
    interrupt_response: true,
    ...input,
  };
}

const format = z.strictObject({
  type: z.literal('audio/pcm', { message: "the offline engine supports only 'audio/pcm'" }),
  rate: z.literal(24000).optional(),
});
const turnDetection = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('server_vad'),
      threshold: z.number().min(0).max(1).optional(),
      prefix_padding_ms: z.number().int().min(0).optional(),
      silence_duration_ms: z.number().int().min(0).optional(),
      idle_timeout_ms: z.number().int().min(0).nullable().optional(),
      create_response: z.boolean().optional(),
      interrupt_response: z.boolean().optional(),
    }),
    z.strictObject({
      type: z.literal('semantic_vad'),
      eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
      create_response: z.boolean().optional(),
      interrupt_response: z.boolean().optional(),
    }),
  ])
  .nullable();
const tool = z.looseObject({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});
const toolChoice = z.union([z.enum(['auto', 'none', 'required']), z.strictObject({ type: z.literal('function'), name: z.string() })]);
const maxOutputTokens = z.union([z.number().int().min(1).max(4096), z.literal('inf')]);
const outputModalities = z.tuple([z.enum(['audio', 'text'])]);

const sessionUpdate = z.strictObject({
  type: z.literal('realtime', { message: "the offline engine supports only session.type 'realtime'" }),
  model: z.string().optional(),
  instructions: z.string().optional(),
  output_modalities: outputModalities.optional(),
  audio: z
    .strictObject({
      input: z
        .strictObject({
          format: format.optional(),
          transcription: z
            .strictObject({ model: z.string(), language: z.string().optional(), prompt: z.string().optional() })
            .nullable()
            .optional(),
          noise_reduction: z.strictObject({ type: z.enum(['near_field', 'far_field']) }).nullable().optional(),
          turn_detection: turnDetection.optional(),
        })
        .optional(),
      output: z
        .strictObject({ format: format.optional(), voice: z.string().optional(), speed: z.number().min(0.25).max(1.5).optional() })
        .optional(),
    })
    .optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  max_output_tokens: maxOutputTokens.optional(),
  truncation: z.unknown().optional(),
  prompt: z.unknown().optional(),
  include: z.array(z.string()).nullable().optional(),
  tracing: z.unknown().optional(),
});

/** The `response` object of `response.create`. */
export const responseCreateSchema = z.strictObject({
  output_modalities: outputModalities.optional(),
  instructions: z.string().optional(),
  conversation: z.union([z.enum(['auto', 'none']), z.string()]).optional(),
  input: z.array(z.unknown()).optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  max_output_tokens: maxOutputTokens.optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  prompt: z.unknown().optional(),
  audio: z.strictObject({ output: z.strictObject({ format: format.optional(), voice: z.string().optional() }).optional() }).optional(),
});
/** A validated `response.create` body. */
export type ResponseCreate = z.infer<typeof responseCreateSchema>;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** Validates against a schema and turns the first problem into a Realtime error body, like the service's. */
export function validate<T>(schema: z.ZodType<T>, value: unknown, root: string): { ok: true; value: T } | { ok: false; error: RealtimeErrorBody } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  const path = [root, ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys') {
    const param = [...path, issue.keys[0]].join('.');
    return { ok: false, error: { type: 'invalid_request_error', code: 'unknown_parameter', message: `Unknown parameter: '${param}'.`, param } };
  }
  const param = path.join('.');
  if (valueAt(value, issue.path) === undefined) {
    return { ok: false, error: { type: 'invalid_request_error', code: 'missing_required_parameter', message: `Missing required parameter: '${param}'.`, param } };
  }
  return { ok: false, error: { type: 'invalid_request_error', code: 'invalid_value', message: `Invalid value for '${param}': ${issue.message}.`, param } };
}

/** Applies a `session.update` to the session, or says what is wrong with it. */
export function updateSession(session: RealtimeSession, update: unknown): { ok: true } | { ok: false; error: RealtimeErrorBody } {
  if (!update || typeof update !== 'object' || Array.isArray(update)) {
    return { ok: false, error: { type: 'invalid_request_error', code: 'invalid_type', message: "Invalid type for 'session': expected an object.", param: 'session' } };
  }
  // The service reports a missing type before anything else (errors-ga.jsonl).
  if (!('type' in update)) {
    return { ok: false, error: { type: 'invalid_request_error', code: 'missing_required_parameter', message: "Missing required parameter: 'session.type'.", param: 'session.type' } };
  }
  const result = validate(sessionUpdate, update, 'session');
  if (!result.ok) return result;
  const next = result.value;
  if (next.instructions !== undefined) session.instructions = next.instructions;
  if (next.output_modalities) session.output_modalities = next.output_modalities;
  if (next.tools) session.tools = next.tools as FunctionTool[];
  if (next.tool_choice !== undefined) session.tool_choice = next.tool_choice;
  if (next.max_output_tokens !== undefined) session.max_output_tokens = next.max_output_tokens;
  if (next.truncation !== undefined) session.truncation = next.truncation;
  if (next.prompt !== undefined) session.prompt = next.prompt;
  if (next.include !== undefined) session.include = next.include;
  if (next.tracing !== undefined) session.tracing = next.tracing;
  const input = next.audio?.input;
  if (input?.transcription !== undefined) session.audio.input.transcription = input.transcription;
  if (input?.noise_reduction !== undefined) session.audio.input.noise_reduction = input.noise_reduction;
  if (input?.turn_detection !== undefined) {
    const td = input.turn_detection;
    session.audio.input.turn_detection =
      td === null
        ? null
        : td.type === 'server_vad'
          ? serverVad(Object.fromEntries(Object.entries(td).filter(([, v]) => v !== undefined)))
          : { type: 'semantic_vad', eagerness: td.eagerness ?? 'auto', create_response: td.create_response ?? true, interrupt_response: td.interrupt_response ?? true };
  }
  const output = next.audio?.output;
  if (output?.voice !== undefined) session.audio.output.voice = output.voice;
  if (output?.speed !== undefined) session.audio.output.speed = output.speed;
  return { ok: true };
}

/** The VAD parameters a turn-detection setting means; semantic_vad maps eagerness to a silence length. */
export function vadParams(td: TurnDetection): VadParams {
  if (td.type === 'server_vad') {
    return { threshold: td.threshold, prefixPaddingMs: td.prefix_padding_ms, silenceDurationMs: td.silence_duration_ms };
  }
  const silence = { low: 1000, medium: 600, auto: 600, high: 300 }[td.eagerness];
  return { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: silence };
}
