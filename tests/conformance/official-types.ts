/**
 * The official Realtime event unions of the `openai` package (types only), one alias per
 * dialect and direction: the vocabulary the conformance check generates its schemas from.
 */
import type * as Beta from 'openai/resources/beta/realtime/realtime';
import type * as VL from '@azure/ai-voicelive';
import type * as GA from 'openai/resources/realtime/realtime';

export type GaClientEvent = GA.RealtimeClientEvent;
export type GaServerEvent = GA.RealtimeServerEvent;
export type BetaClientEvent = Beta.RealtimeClientEvent;
export type BetaServerEvent = Beta.RealtimeServerEvent;

// Azure Voice Live (`@azure/ai-voicelive`, types only): camelCase models that
// generate-voice-live.ts renames to the wire's snake_case, as the SDK's serialisers do.
export type VoiceLiveClientEvent = VL.ClientEventUnion;
export type VoiceLiveServerEvent = VL.ServerEventUnion;
