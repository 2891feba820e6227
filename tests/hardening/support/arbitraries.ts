/**
 * fast-check generators for hostile input on both sides of the gateway (browser frames,
 * upstream events), and an independent validator of what the gateway may send a browser.
 */
import fc from 'fast-check';
import { CLOSE_CODE, LIMITS } from '../../../gateway/protocol.js';

/** Values of every JSON-ish shape, including the odd ones parsers trip on. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3, withNullPrototype: true, withBoxedValues: false }),
  fc.constantFrom(null, true, false, 0, -0, -1, 1.5, 1e21, -1e-7, Number.MAX_SAFE_INTEGER + 2, '', ' ', '\u0000', '\ud800', '💬', '__proto__', [], {}),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer(),
  fc.double(),
);

const knownClientTypes = ['text', 'interrupt', 'commit'] as const;

/** A `type` that is sometimes right, sometimes nearly right, sometimes nonsense. */
export const clientType: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...knownClientTypes) },
  { weight: 1, arbitrary: fc.constantFrom('Text', 'TEXT', ' text', 'text ', 'commit\u0000', 'session.update', 'response.create', 'ready', 'error', '') },
  { weight: 1, arbitrary: oddValue },
);

/** A text field: valid lengths, edges (0, 2000, 2001 code points, blanks, surrogates), or not a string. */
export const textField: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n\t', 'a'.repeat(2000), 'a'.repeat(2001), '😀'.repeat(2000), '😀'.repeat(2001), '\ud83d', 'a\u0000b') },
  { weight: 1, arbitrary: oddValue },
);

/** played_ms: valid integers, negative, fractional, huge, strings. */
export const playedField: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.nat() },
  { weight: 1, arbitrary: fc.constantFrom(-1, 0.5, 1e300, Number.NaN, Number.POSITIVE_INFINITY, '100', null) },
  { weight: 1, arbitrary: oddValue },
);

/** A browser message as an object: a type, maybe its fields, maybe extra fields. */
export const clientObject: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      type: clientType,
      text: textField,
      played_ms: playedField,
      extra: fc.dictionary(fc.string({ maxLength: 12 }), oddValue, { maxKeys: 3 }),
    },
    { requiredKeys: [] },
  )
  .map(({ extra, ...fields }) => ({ ...(extra ?? {}), ...fields }));

/** A browser text frame: structured messages, arbitrary JSON, or arbitrary text. */
export const clientFrame: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: clientObject.map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '{"type":', 'null', '[]', '"text"', '{"type":"text","text":"a"', `{"type":"text","text":"${'x'.repeat(LIMITS.maxTextFrameBytes)}"}`) },
);

/** A browser binary frame length: around every boundary, and anywhere. */
export const audioLength: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, 1, 2, LIMITS.minAudioBytes - 2, LIMITS.minAudioBytes - 1, LIMITS.minAudioBytes, 960, LIMITS.maxAudioBytes - 1, LIMITS.maxAudioBytes, LIMITS.maxAudioBytes + 1, LIMITS.maxAudioBytes + 2),
  fc.integer({ min: 0, max: 30_000 }),
);

/** Upstream event types the gateway handles, ignores, or has never heard of, in both dialects. */
export const UPSTREAM_TYPES = [
  'session.created', 'session.updated', 'error', 'input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped',
  'input_audio_buffer.committed', 'conversation.item.added', 'conversation.item.created', 'conversation.item.done',
  'conversation.item.input_audio_transcription.delta', 'conversation.item.input_audio_transcription.completed',
  'conversation.item.input_audio_transcription.failed', 'conversation.item.truncated', 'response.created',
  'response.output_item.added', 'response.output_item.done', 'response.function_call_arguments.delta',
  'response.function_call_arguments.done', 'response.output_audio.delta', 'response.audio.delta',
  'response.output_audio.done', 'response.audio.done', 'response.output_audio_transcript.delta',
  'response.audio_transcript.delta', 'response.output_audio_transcript.done', 'response.audio_transcript.done',
  'response.output_text.delta', 'response.text.done', 'response.done', 'rate_limits.updated',
] as const;

const idField = fc.oneof(fc.constantFrom('resp_1', 'resp_2', 'item_1', 'item_2', 'call_1', ''), oddValue);
const base64Audio = fc.oneof(
  fc.integer({ min: 0, max: 9600 }).map((n) => Buffer.alloc(n, 1).toString('base64')),
  fc.constantFrom('!!!not base64!!!', '=', 'AAA'),
  oddValue,
);
const itemField = fc.record(
  {
    id: idField,
    type: fc.oneof(fc.constantFrom('message', 'function_call', 'function_call_output'), oddValue),
    role: fc.oneof(fc.constantFrom('user', 'assistant', 'system'), oddValue),
    call_id: idField,
    name: fc.oneof(fc.constantFrom('search', 'report_grounding', 'rm -rf'), oddValue),
    arguments: fc.oneof(
      fc.constantFrom('{"query":"vision"}', '{"sources":["Northwind_Health_Plus_Benefits_Details_pdf_page_41"]}', '{', '[]', '{"query":""}'),
      fc.json({ maxDepth: 2 }),
      oddValue,
    ),
    content: fc.oneof(fc.array(fc.record({ type: fc.constantFrom('input_text', 'audio', 'output_audio'), text: oddValue, transcript: oddValue }, { requiredKeys: [] }), { maxLength: 3 }), oddValue),
  },
  { requiredKeys: [] },
);

/** One upstream event: a known or unknown type, with fields that are right, missing or of the wrong type. */
export const upstreamEvent: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      type: fc.oneof(
        { weight: 16, arbitrary: fc.constantFrom(...UPSTREAM_TYPES) },
        { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
        // Names every plain object inherits: lookups by event type must not find them.
        { weight: 1, arbitrary: fc.constantFrom('constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__') },
      ),
      event_id: fc.oneof(fc.constant('event_1'), oddValue),
      response_id: idField,
      item_id: idField,
      call_id: idField,
      name: fc.oneof(fc.constantFrom('search', 'report_grounding'), oddValue),
      arguments: fc.oneof(fc.constantFrom('{"query":"vision"}', '{"sources":["Northwind_Standard_Benefits_Details_pdf_page_38"]}', 'nope'), oddValue),
      delta: fc.oneof(base64Audio, fc.string({ maxLength: 20 })),
      transcript: oddValue,
      text: oddValue,
      item: fc.oneof(itemField, oddValue),
      response: fc.oneof(
        fc.record({ id: idField, status: fc.oneof(fc.constantFrom('completed', 'cancelled', 'incomplete', 'failed', 'in_progress'), oddValue), usage: oddValue, output: oddValue }, { requiredKeys: [] }),
        oddValue,
      ),
      error: fc.oneof(
        fc.record({ type: oddValue, code: fc.oneof(fc.constantFrom('response_cancel_not_active', 'conversation_already_has_active_response', 'session_expired', 'server_error'), oddValue), message: oddValue, event_id: fc.oneof(fc.constant(null), idField) }, { requiredKeys: [] }),
        oddValue,
      ),
    },
    { requiredKeys: ['type'] },
  )
  // A malformed event must not break the test's own serialisation.
  .filter((event) => {
    try {
      JSON.stringify(event);
      return true;
    } catch {
      return false;
    }
  });

const isString = (value: unknown) => typeof value === 'string';
const isCount = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** Field checks of every gateway → browser message (docs/PROTOCOL.md, extensions included); an independent oracle. */
const SERVER_FIELDS: Record<string, Record<string, (value: unknown) => boolean>> = {
  queued: { retry_in_ms: isCount },
  ready: {
    session_id: isString,
    protocol: (v) => v === 1,
    sample_rate: (v) => v === 24_000,
    turn_detection: (v) => v === 'server_vad' || v === 'manual',
    max_session_s: isCount,
    engine: (v) => v === 'azure-openai' || v === 'openai' || v === 'offline' || v === 'azure-voice-live',
    extensions: (v) => v === undefined || (Array.isArray(v) && v.every((name) => ['renewal', 'resume', 'feedback', 'page_tools', 'page', 'webrtc'].includes(name))),
    resume_token: (v) => v === undefined || isString(v),
    resumed: (v) => v === undefined || v === true,
  },
  renewing: {},
  renewed: {},
  page_tool_call: { call_id: isString, name: isString, arguments: (v) => typeof v === 'object' && v !== null && !Array.isArray(v) },
  webrtc_call: { ticket: isString, expires_ms: isCount },
  speech_started: {},
  speech_stopped: {},
  user_transcript: { item_id: isString, text: isString, final: (v) => typeof v === 'boolean' },
  searching: { query: isString },
  response_started: { response_id: isString },
  assistant_transcript: { item_id: isString, delta: isString },
  assistant_transcript_done: { item_id: isString, text: isString },
  citations: {
    item_id: isString,
    sources: (v) =>
      Array.isArray(v) &&
      v.every((s: Record<string, unknown>) => isString(s.id) && isString(s.title) && isString(s.snippet) && (s.url === undefined || isString(s.url))),
  },
  response_done: { response_id: isString, status: (v) => ['completed', 'cancelled', 'incomplete', 'failed'].includes(v as string) },
  error: {
    code: (v) => typeof v === 'string' && Object.hasOwn(CLOSE_CODE, v),
    message: isString,
    fatal: (v) => typeof v === 'boolean',
    retry_after_ms: (v) => v === undefined || isCount(v),
  },
};

/** Why a gateway → browser message breaks the protocol, or undefined when it is fine. */
export function serverMessageProblem(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return 'not an object';
  const record = message as Record<string, unknown>;
  const fields = typeof record.type === 'string' && Object.hasOwn(SERVER_FIELDS, record.type) ? SERVER_FIELDS[record.type] : undefined;
  if (!fields) return `unknown type ${String(record.type)}`;
  for (const [name, check] of Object.entries(fields)) if (!check(record[name])) return `${record.type}.${name} is ${JSON.stringify(record[name])}`;
  for (const name of Object.keys(record)) if (name !== 'type' && !(name in fields)) return `${record.type} has an extra field ${name}`;
  return undefined;
}
