/**
 * The official Realtime event unions of the `openai` package (types only), one alias per
 * dialect and direction: the vocabulary the conformance check generates its schemas from.
 */
import type * as Beta from 'openai/resources/beta/realtime/realtime';
import type * as GA from 'openai/resources/realtime/realtime';

export type GaClientEvent = GA.RealtimeClientEvent;
export type GaServerEvent = GA.RealtimeServerEvent;
export type BetaClientEvent = Beta.RealtimeClientEvent;
export type BetaServerEvent = Beta.RealtimeServerEvent;
