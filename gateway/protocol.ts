/**
 * Widget protocol v1: the wire contract between `<voice-rag>` and the gateway
 * (docs/PROTOCOL.md). The single source for message types and codes.
 *
 * The widget imports only types from this module (`import type`); the runtime
 * parts (`CLOSE_CODE`, `parseClientMessage`, limits) are for the gateway and tests.
 * This module must stay free of Node and DOM APIs.
 */

/** Protocol version announced in `ready`. */
export const PROTOCOL_VERSION = 1 as const;

/** Audio on the wire: PCM16 little-endian mono at this rate, both ways. */
export const SAMPLE_RATE = 24_000 as const;

/** Bytes of PCM16 mono audio per millisecond at {@link SAMPLE_RATE}. */
export const BYTES_PER_MS = (SAMPLE_RATE * 2) / 1000;

/** Limits the gateway enforces on browser frames. */
export const LIMITS = {
  /** Shortest browser audio frame (10 ms). */
  minAudioBytes: 10 * BYTES_PER_MS,
  /** Longest browser audio frame (500 ms = 24 000 bytes). */
  maxAudioBytes: 500 * BYTES_PER_MS,
  /** Longest text frame accepted, in bytes (a `text` message of 2000 chars in UTF-8 plus JSON). */
  maxTextFrameBytes: 16 * 1024,
  /** `text` message length bounds, in characters. */
  minTextChars: 1,
  maxTextChars: 2000,
  /** Audio faster than this multiple of real time, averaged over the window, is `bad_message`. */
  maxAudioRate: 1.5,
  audioRateWindowMs: 2000,
} as const;

/** Error code → WebSocket close code. A fatal `error` is followed by a close with this code. */
export const CLOSE_CODE = {
  bad_message: 4400,
  unauthorized: 4401,
  over_budget: 4402,
  session_expired: 4408,
  rate_limited: 4429,
  upstream_error: 4502,
  upstream_unavailable: 4503,
  server_shutdown: 1001,
  internal: 1011,
} as const;

/** Every error code of the protocol. */
export type ErrorCode = keyof typeof CLOSE_CODE;

/** The codes, in table order, for iteration (docs and strings tests). */
export const ERROR_CODES = Object.keys(CLOSE_CODE) as ErrorCode[];

export type TurnDetectionMode = 'server_vad' | 'manual';
export type ResponseStatus = 'completed' | 'cancelled' | 'incomplete' | 'failed';
/**
 * Protocol extensions a gateway may list in `ready.extensions`: each names a group of messages
 * beyond v1 (docs/PROTOCOL.md, "Extensions announced in ready").
 */
export const GATEWAY_EXTENSIONS = ['renewal', 'resume', 'feedback', 'page_tools', 'page', 'webrtc'] as const;
export type GatewayExtension = (typeof GATEWAY_EXTENSIONS)[number];
/** Engine kinds as announced in `ready.engine`. */
export type EngineKind = 'azure-openai' | 'openai' | 'offline' | 'azure-voice-live'; // azure-voice-live: extension (Voice Live upstream)

// ---------------------------------------------------------------- browser → gateway

export interface TextMessage {
  type: 'text';
  /** 1–2000 characters. */
  text: string;
}
export interface InterruptMessage {
  type: 'interrupt';
  /** Milliseconds of the current answer the visitor actually heard (integer ≥ 0). */
  played_ms: number;
}
export interface CommitMessage {
  type: 'commit';
}
// Extension `feedback`: a visitor's rating of one answer (never any audio).
export interface FeedbackMessage {
  type: 'feedback';
  /** The `response_started.response_id` of the rated answer (1–128 characters). */
  response_id: string;
  rating: 'up' | 'down';
  /** Optional short reason, 1–500 characters. */
  reason?: string;
}
// Extension `page_tools`: the page's answer to one `page_tool_call`.
export interface PageToolResultMessage {
  type: 'page_tool_result';
  call_id: string;
  ok: boolean;
  /** When `ok`: any JSON value; it becomes the function output. */
  result?: unknown;
  /** When not `ok`: why the page refused or failed, 1–500 characters. */
  error?: string;
}
// Extension `page` (docs/PROTOCOL.md): the page the visitor is reading, sent when `ready.extensions`
// lists it, and again when it changes.
/** Bounds of a `page` message's fields, in characters. */
export const PAGE_LIMITS = { url: 2048, title: 300, section: 300 } as const;
export interface PageMessage {
  type: 'page';
  /** The page's absolute URL (with the section's `#anchor` where there is one). */
  url: string;
  title?: string;
  /** The heading of the section in view. */
  section?: string;
}

/** A JSON text frame from the browser. Binary frames are microphone audio. */
export type ClientMessage = TextMessage | InterruptMessage | CommitMessage | FeedbackMessage | PageToolResultMessage | PageMessage;
export type ClientMessageType = ClientMessage['type'];

// ---------------------------------------------------------------- gateway → browser

export interface QueuedMessage {
  type: 'queued';
  retry_in_ms: number;
}
export interface ReadyMessage {
  type: 'ready';
  session_id: string;
  protocol: typeof PROTOCOL_VERSION;
  sample_rate: typeof SAMPLE_RATE;
  turn_detection: TurnDetectionMode;
  max_session_s: number;
  engine: EngineKind;
  /**
   * (extension) Names of the protocol extensions this gateway and site accept. A widget sends an
   * extension's messages only when its name is listed, so a new widget works with an old gateway.
   */
  extensions?: GatewayExtension[];
  /** (extension `resume`) Opaque, single-use: reconnect with `resume=TOKEN` after a dropped socket. */
  resume_token?: string;
  /** (extension `resume`) True when this `ready` continues a session after a resume. */
  resumed?: boolean;
}
export interface SpeechStartedMessage {
  type: 'speech_started';
}
export interface SpeechStoppedMessage {
  type: 'speech_stopped';
}
export interface UserTranscriptMessage {
  type: 'user_transcript';
  item_id: string;
  text: string;
  final: boolean;
}
export interface SearchingMessage {
  type: 'searching';
  query: string;
}
export interface ResponseStartedMessage {
  type: 'response_started';
  response_id: string;
}
export interface AssistantTranscriptMessage {
  type: 'assistant_transcript';
  item_id: string;
  delta: string;
}
export interface AssistantTranscriptDoneMessage {
  type: 'assistant_transcript_done';
  item_id: string;
  text: string;
}
export interface CitationSource {
  id: string;
  title: string;
  url?: string;
  snippet: string;
}
export interface CitationsMessage {
  type: 'citations';
  item_id: string;
  sources: CitationSource[];
}
export interface ResponseDoneMessage {
  type: 'response_done';
  response_id: string;
  status: ResponseStatus;
}
export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
  retry_after_ms?: number;
  fatal: boolean;
}
// Extension `webrtc` (docs/PROTOCOL.md, "The webrtc extension"): the socket becomes the call's control channel.
/** The gateway admitted a `transport=webrtc` session and waits for the browser's SDP offer. */
export interface WebrtcCallMessage {
  type: 'webrtc_call';
  /** POST the offer to `/v1/realtime/calls?site=SITE&ticket=TICKET` (single use). */
  ticket: string;
  /** The ticket expires this many milliseconds after this message. */
  expires_ms: number;
}
// Extension `renewal`: the gateway swaps the upstream session between turns; audio sent meanwhile is dropped.
export interface RenewingMessage {
  type: 'renewing';
}
export interface RenewedMessage {
  type: 'renewed';
}
// Extension `page_tools`: the model called a tool the page runs (gateway/session/page-tools.ts).
export interface PageToolCallMessage {
  type: 'page_tool_call';
  /** The gateway's id for this call (not the upstream's); echo it in `page_tool_result`. */
  call_id: string;
  name: string;
  /** The model's arguments, already checked against the tool's schema. */
  arguments: Record<string, unknown>;
}
/** A JSON text frame from the gateway. Binary frames are assistant audio. */
export type ServerMessage =
  | RenewingMessage
  | RenewedMessage
  | PageToolCallMessage
  | WebrtcCallMessage
  | QueuedMessage
  | ReadyMessage
  | SpeechStartedMessage
  | SpeechStoppedMessage
  | UserTranscriptMessage
  | SearchingMessage
  | ResponseStartedMessage
  | AssistantTranscriptMessage
  | AssistantTranscriptDoneMessage
  | CitationsMessage
  | ResponseDoneMessage
  | ErrorMessage;
export type ServerMessageType = ServerMessage['type'];

// ---------------------------------------------------------------- parsing browser frames

/** Result of parsing a browser text frame: never throws. */
export type ParseResult =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: 'bad_message'; message: string };

const bad = (message: string): ParseResult => ({ ok: false, code: 'bad_message', message });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates one browser text frame. Unknown fields are ignored (forward compatibility);
 * unknown types, malformed JSON, bad fields and over-long frames become `bad_message`.
 */
export function parseClientMessage(frame: string): ParseResult {
  // Characters bound bytes from below, so this cheap check runs before any allocation.
  if (frame.length > LIMITS.maxTextFrameBytes) return bad('text frame too large');
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return bad('malformed JSON');
  }
  if (!isRecord(value)) return bad('a text frame must be a JSON object');
  const type = value.type;
  if (typeof type !== 'string') return bad('missing string field "type"');
  switch (type) {
    case 'text': {
      const text = value.text;
      if (typeof text !== 'string') return bad('text: "text" must be a string');
      const chars = [...text].length;
      if (chars < LIMITS.minTextChars || chars > LIMITS.maxTextChars || text.trim() === '') {
        return bad(`text: "text" must be ${LIMITS.minTextChars}–${LIMITS.maxTextChars} characters`);
      }
      return { ok: true, message: { type, text } };
    }
    case 'interrupt': {
      const played = value.played_ms;
      if (typeof played !== 'number' || !Number.isInteger(played) || played < 0) {
        return bad('interrupt: "played_ms" must be an integer ≥ 0');
      }
      return { ok: true, message: { type, played_ms: played } };
    }
    case 'commit':
      return { ok: true, message: { type } };
    case 'feedback':
      return parseFeedback(value);
    case 'page_tool_result':
      return parsePageToolResult(value);
    case 'page':
      return parsePage(value);
    default:
      return bad(`unknown message type "${type.slice(0, 64)}"`);
  }
}

/** Extension `feedback`: a rating of one answer, with an optional short reason. */
function parseFeedback(value: Record<string, unknown>): ParseResult {
  const { response_id: responseId, rating, reason } = value;
  if (typeof responseId !== 'string' || responseId.length < 1 || responseId.length > 128) return bad('feedback: "response_id" must be 1–128 characters');
  if (rating !== 'up' && rating !== 'down') return bad('feedback: "rating" must be "up" or "down"');
  if (reason !== undefined && (typeof reason !== 'string' || [...reason].length > 500)) return bad('feedback: "reason" must be a string of at most 500 characters');
  const trimmed = typeof reason === 'string' ? reason.trim() : '';
  return { ok: true, message: { type: 'feedback', response_id: responseId, rating, ...(trimmed ? { reason: trimmed } : {}) } };
}

/** Extension `page_tools`: `{call_id, ok: true, result}` or `{call_id, ok: false, error}`. */
function parsePageToolResult(value: Record<string, unknown>): ParseResult {
  const { call_id: callId, ok } = value;
  if (typeof callId !== 'string' || callId.length < 1 || callId.length > 64) return bad('page_tool_result: "call_id" must be 1–64 characters');
  if (ok === true) return { ok: true, message: { type: 'page_tool_result', call_id: callId, ok, result: value.result ?? null } };
  const error = value.error;
  if (ok !== false) return bad('page_tool_result: "ok" must be a boolean');
  if (typeof error !== 'string' || error.length < 1 || error.length > 500) return bad('page_tool_result: "error" must be 1–500 characters');
  return { ok: true, message: { type: 'page_tool_result', call_id: callId, ok, error } };
}

/** Extension `page`: string fields within {@link PAGE_LIMITS}; whether the URL belongs to the site is the session's check. */
function parsePage(value: Record<string, unknown>): ParseResult {
  const fields: Record<string, string> = {};
  for (const [name, max] of Object.entries(PAGE_LIMITS)) {
    const field = value[name];
    if (field === undefined && name !== 'url') continue;
    if (typeof field !== 'string' || [...field].length > max) return bad(`page: "${name}" must be a string of at most ${max} characters`);
    fields[name] = field;
  }
  return { ok: true, message: { type: 'page', url: fields.url!, ...(fields.title !== undefined ? { title: fields.title } : {}), ...(fields.section !== undefined ? { section: fields.section } : {}) } };
}

/**
 * Checks a browser audio frame's size: 10–500 ms of PCM16 (whole samples).
 * Returns an error message, or `undefined` when the frame is fine.
 */
export function checkAudioFrame(byteLength: number): string | undefined {
  if (byteLength % 2 !== 0) return 'audio frame must hold whole 16-bit samples';
  if (byteLength < LIMITS.minAudioBytes) return 'audio frame shorter than 10 ms';
  if (byteLength > LIMITS.maxAudioBytes) return 'audio frame longer than 500 ms';
  return undefined;
}
