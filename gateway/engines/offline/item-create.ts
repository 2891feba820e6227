/** Validates `conversation.item.create` the way the service does and decodes the audio it carries. */
import { base64ToBytes } from '../../realtime/base64.js';
import type { ContentPart, Conversation, Item } from './conversation.js';
import { newId } from './ids.js';
import type { RealtimeErrorBody } from './session-config.js';

/** A validated `conversation.item.create`: the wire item and the audio it carried. */
export interface CreatedItem {
  item: Item;
  audioMs: number;
  pcm?: Int16Array;
}

const invalid = (param: string, message: string, code = 'invalid_value'): { ok: false; error: RealtimeErrorBody } => ({
  ok: false,
  error: { type: 'invalid_request_error', code, message, param },
});

const isString = (value: unknown): value is string => typeof value === 'string';

/**
 * A client value as error text. `String()` throws on JSON such as `{"toString": 1}`, which would
 * turn a bad request into a server_error.
 */
export function valueText(value: unknown): string {
  if (isString(value)) return value;
  return JSON.stringify(value) ?? 'undefined';
}

/** Decodes base64 PCM16 little-endian (an odd trailing byte is dropped). */
export function decodePcm16(base64: string): Int16Array {
  const decoded = base64ToBytes(base64);
  // A runtime codec may hand back a view into a shared pool (Node's Buffer does for small
  // frames): read from its own offset, and copy when that offset cannot start an Int16Array.
  const bytes = decoded.byteOffset % 2 === 0 ? decoded : new Uint8Array(decoded);
  // The wire order is little-endian like every host the gateway runs on.
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
}

function contentParts(role: string, content: unknown): { ok: true; parts: ContentPart[]; pcm?: Int16Array } | { ok: false; error: RealtimeErrorBody } {
  if (!Array.isArray(content)) return invalid('item.content', "Missing required parameter: 'item.content'.", 'missing_required_parameter');
  const parts: ContentPart[] = [];
  let pcm: Int16Array | undefined;
  for (const [index, raw] of content.entries()) {
    const part = (raw ?? {}) as Record<string, unknown>;
    const param = `item.content[${index}]`;
    if (role !== 'assistant' && part.type === 'input_text' && isString(part.text)) parts.push({ type: 'input_text', text: part.text });
    else if (role === 'user' && part.type === 'input_audio' && (part.audio === undefined || isString(part.audio))) {
      if (isString(part.audio)) pcm = decodePcm16(part.audio);
      parts.push({ type: 'input_audio', transcript: isString(part.transcript) ? part.transcript : null });
    } else if (role === 'assistant' && (part.type === 'output_text' || part.type === 'text') && isString(part.text)) {
      parts.push({ type: 'output_text', text: part.text });
    } else if (role === 'assistant' && (part.type === 'output_audio' || part.type === 'audio')) {
      return invalid(`${param}.type`, 'Assistant audio content cannot be created by the client; use output_text.');
    } else {
      return invalid(`${param}.type`, `Invalid content for a ${role} message at '${param}'.`);
    }
  }
  return { ok: true, parts, pcm };
}

/** Validates a client-created item against the conversation, the way the service does. */
export function parseCreatedItem(raw: unknown, conversation: Conversation): { ok: true; value: CreatedItem } | { ok: false; error: RealtimeErrorBody } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return invalid('item', "Missing required parameter: 'item'.", 'missing_required_parameter');
  const item = raw as Record<string, unknown>;
  if (item.id !== undefined && (!isString(item.id) || conversation.has(item.id))) {
    return invalid('item.id', `Item id ${valueText(item.id)} is invalid or already exists in the conversation.`);
  }
  const id = isString(item.id) ? item.id : newId('item');
  switch (item.type) {
    case 'message': {
      const role = item.role;
      if (role !== 'user' && role !== 'assistant' && role !== 'system') return invalid('item.role', "Invalid value for 'item.role': expected 'user', 'assistant' or 'system'.");
      const parsed = contentParts(role, item.content);
      if (!parsed.ok) return parsed;
      const audioMs = parsed.pcm ? Math.floor(parsed.pcm.length / 24) : 0;
      return { ok: true, value: { item: { id, object: 'realtime.item', type: 'message', status: 'completed', role, content: parsed.parts }, audioMs, pcm: parsed.pcm } };
    }
    case 'function_call_output': {
      if (!isString(item.call_id)) return invalid('item.call_id', "Missing required parameter: 'item.call_id'.", 'missing_required_parameter');
      if (!isString(item.output)) return invalid('item.output', "Missing required parameter: 'item.output'.", 'missing_required_parameter');
      if (!conversation.findCall(item.call_id)) return invalid('item.call_id', `Tool call ID '${item.call_id}' not found in conversation.`);
      return { ok: true, value: { item: { id, object: 'realtime.item', type: 'function_call_output', call_id: item.call_id, output: item.output, status: 'completed' }, audioMs: 0 } };
    }
    case 'function_call': {
      if (!isString(item.name)) return invalid('item.name', "Missing required parameter: 'item.name'.", 'missing_required_parameter');
      const args = isString(item.arguments) ? item.arguments : '{}';
      const callId = isString(item.call_id) ? item.call_id : newId('call');
      return { ok: true, value: { item: { id, object: 'realtime.item', type: 'function_call', status: 'completed', name: item.name, call_id: callId, arguments: args }, audioMs: 0 } };
    }
    case undefined:
      return invalid('item.type', "Missing required parameter: 'item.type'.", 'missing_required_parameter');
    default:
      return invalid('item.type', `Invalid value: '${valueText(item.type)}'. Supported values are: 'message', 'function_call' and 'function_call_output'.`);
  }
}
