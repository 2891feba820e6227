/**
 * Where the services differ from the official types, each written down in docs/PROTOCOL.md
 * ("Upstream differences") with its source: documented nulls where the types say "optional",
 * fields the services send that the types lack, and required fields a service leaves out.
 * Nothing else is lenient.
 */
import type { Dialect, Direction } from './validator.js';

type Schema = Record<string, any>;

export interface Allowance {
  dialect: Dialect | 'both';
  direction: Direction;
  /** Definition name in the generated schema. */
  definition: string;
  property: string;
  /** `null`: also null; `extra`: a field the types lack, with its schema; `optional`: may be absent. */
  kind: 'null' | 'extra' | 'optional';
  schema?: Schema;
  /** Where the difference is documented (docs/PROTOCOL.md "Upstream differences" names the same). */
  source: string;
}

const NULL_TO_TURN_OFF = 'openai types\' own doc comment: "This can be set to `null` to turn off"';
const SERVER_SESSION_FIELDS = 'server-only session fields `id`, `object`, `expires_at` (Azure realtime how-to; OpenAI API reference session.created example)';

const VOICE_LIVE_SAME_EVENTS = 'Voice Live how-to: "Unless otherwise noted, the Voice Live API uses the same events as the Azure OpenAI Realtime API", whose session.update reference documents `turn_detection: null` to turn detection off';

export const ALLOWANCES: readonly Allowance[] = [
  // What the gateway sends.
  { dialect: 'beta', direction: 'client', definition: 'SessionUpdateEvent.Session', property: 'turn_detection', kind: 'null', source: 'openai beta types\' own doc comment: "can be set to `null` to turn off, in which case the client must manually trigger model response"' },
  { dialect: 'voice-live', direction: 'client', definition: 'RequestSession', property: 'turn_detection', kind: 'null', source: VOICE_LIVE_SAME_EVENTS },
  // What the services send.
  { dialect: 'both', direction: 'server', definition: 'RealtimeResponse', property: 'status_details', kind: 'null', source: 'API reference response.created example: `"status_details": null`' },
  { dialect: 'both', direction: 'server', definition: 'RealtimeResponse', property: 'usage', kind: 'null', source: 'API reference response.created example: `"usage": null`' },
  { dialect: 'ga', direction: 'server', definition: 'RealtimeSessionCreateRequest', property: 'id', kind: 'extra', schema: { type: 'string' }, source: SERVER_SESSION_FIELDS },
  { dialect: 'ga', direction: 'server', definition: 'RealtimeSessionCreateRequest', property: 'object', kind: 'extra', schema: { const: 'realtime.session' }, source: SERVER_SESSION_FIELDS },
  { dialect: 'ga', direction: 'server', definition: 'RealtimeSessionCreateRequest', property: 'expires_at', kind: 'extra', schema: { type: 'number' }, source: SERVER_SESSION_FIELDS },
  { dialect: 'ga', direction: 'server', definition: 'RealtimeSessionCreateRequest', property: 'include', kind: 'null', source: 'API reference session.created example: `"include": null`' },
  { dialect: 'ga', direction: 'server', definition: 'RealtimeAudioConfigInput', property: 'transcription', kind: 'null', source: NULL_TO_TURN_OFF },
  { dialect: 'ga', direction: 'server', definition: 'RealtimeAudioConfigInput', property: 'noise_reduction', kind: 'null', source: NULL_TO_TURN_OFF },
  { dialect: 'beta', direction: 'server', definition: 'Session', property: 'object', kind: 'extra', schema: { const: 'realtime.session' }, source: SERVER_SESSION_FIELDS },
  { dialect: 'beta', direction: 'server', definition: 'Session', property: 'expires_at', kind: 'extra', schema: { type: 'number' }, source: SERVER_SESSION_FIELDS },
  { dialect: 'beta', direction: 'server', definition: 'Session', property: 'input_audio_transcription', kind: 'null', source: NULL_TO_TURN_OFF },
  { dialect: 'beta', direction: 'server', definition: 'Session', property: 'turn_detection', kind: 'null', source: `${NULL_TO_TURN_OFF}; session.updated echoes the applied session` },
  { dialect: 'voice-live', direction: 'server', definition: 'ResponseSession', property: 'turn_detection', kind: 'null', source: `${VOICE_LIVE_SAME_EVENTS}; session.updated echoes the applied session` },
  { dialect: 'ga', direction: 'server', definition: 'RealtimeConversationItemUserMessage.Content', property: 'transcript', kind: 'null', source: 'API reference conversation.item.added example: input_audio `"transcript": null` until transcription completes' },
  { dialect: 'beta', direction: 'server', definition: 'ConversationItemContent', property: 'transcript', kind: 'null', source: 'Azure realtime reference (2024-10-01-preview): input_audio `"transcript": null`' },
  { dialect: 'beta', direction: 'server', definition: 'ConversationItemInputAudioTranscriptionCompletedEvent', property: 'usage', kind: 'optional', source: 'Azure realtime reference (2024-10-01-preview): the event carries no `usage`' },
];

/** Widens the generated schema by the allowances of this dialect and direction. */
export function applyAllowances(root: Schema, dialect: Dialect, direction: Direction, without?: Allowance): Schema {
  const definitions = root.definitions as Record<string, Schema>;
  for (const allowance of ALLOWANCES) {
    if (allowance === without) continue;
    // `both`: the two openai dialects; Voice Live's allowances name it.
    const applies = allowance.dialect === 'both' ? dialect !== 'voice-live' : allowance.dialect === dialect;
    if (allowance.direction !== direction || !applies) continue;
    const node = definitions[allowance.definition];
    const current = node?.properties?.[allowance.property];
    const name = `${allowance.definition}.${allowance.property}`;
    // An allowance that no longer matches the types is stale: fail loudly so it is reviewed.
    if (!node?.properties) throw new Error(`allowance names ${allowance.definition}, which the types lack`);
    if (allowance.kind === 'extra') {
      if (current) throw new Error(`allowance adds ${name}, which the types now declare`);
      node.properties[allowance.property] = allowance.schema;
    } else if (!current) {
      throw new Error(`allowance names ${name}, which the types lack`);
    } else if (allowance.kind === 'null') {
      node.properties[allowance.property] = { anyOf: [current, { type: 'null' }] };
    } else {
      node.required = (node.required as string[] | undefined)?.filter((field) => field !== allowance.property);
    }
  }
  return root;
}
