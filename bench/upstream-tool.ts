/**
 * The bench upstream's `?model=bench-tool` sessions: every user turn is answered with a
 * completed `search` call, and the gateway's `function_call_output` is timed against it; the
 * response the gateway then asks for is empty and ends the turn.
 */
import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import { eventId, handleControlEvent, RESPONSE_USAGE } from './upstream-events.js';

/** A completed tool call timed from the upstream's side. */
export interface ToolTiming {
  query: string;
  /** `performance.now()` when the call's arguments were complete (`function_call_arguments.done`). */
  calledAt: number;
  /** `performance.now()` when the matching `function_call_output` arrived. */
  answeredAt: number;
  /** The tool output the gateway sent (what the model would read). */
  output: string;
}

/** Where a tool session reports to. */
export interface ToolSessionHooks {
  seen: { sessionUpdates: number };
  onToolTiming: ((timing: ToolTiming) => void) | undefined;
  onTurnEnd: (() => void) | undefined;
}

/** Serves one tool session on `socket`. */
export function handleToolSession(hooks: ToolSessionHooks, socket: WebSocket, id: string, model: string): void {
  let turn = 0;
  let lastUserText = '';
  let pending: { callId: string; query: string; calledAt: number } | undefined;
  let answered = false;
  const send = (event: Record<string, unknown>) => socket.send(JSON.stringify({ event_id: eventId(), ...event }));
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    const receivedAt = performance.now();
    const event = handleControlEvent(hooks.seen, socket, data.toString(), id, model);
    if (!event) return;
    if (event.type === 'conversation.item.create' && event.item?.type === 'function_call_output') {
      if (pending && event.item.call_id === pending.callId) {
        hooks.onToolTiming?.({ query: pending.query, calledAt: pending.calledAt, answeredAt: receivedAt, output: event.item.output ?? '' });
        answered = true;
      }
    } else if (event.type === 'conversation.item.create' && event.item?.type === 'message') {
      lastUserText = event.item.content?.[0]?.text ?? 'bench';
      pending = undefined;
      answered = false;
    } else if (event.type === 'response.create') {
      turn++;
      const responseId = `resp_tool${turn}`;
      const response = { object: 'realtime.response', id: responseId, status: 'in_progress', status_details: null, output: [], usage: null };
      send({ type: 'response.created', response });
      if (pending && answered) {
        pending = undefined;
        send({ type: 'response.done', response: { ...response, status: 'completed', usage: RESPONSE_USAGE } });
        hooks.onTurnEnd?.();
        return;
      }
      const callId = `call_bench${turn}`;
      const itemId = `item_call${turn}`;
      const args = JSON.stringify({ query: lastUserText });
      const item = { id: itemId, object: 'realtime.item', type: 'function_call', status: 'in_progress', name: 'search', call_id: callId, arguments: '' };
      const done = { ...item, status: 'completed', arguments: args };
      send({ type: 'response.output_item.added', response_id: responseId, output_index: 0, item });
      // The call is complete from here on: a gateway may start the search on this event.
      pending = { callId, query: lastUserText, calledAt: performance.now() };
      answered = false;
      send({
        type: 'response.function_call_arguments.done',
        response_id: responseId,
        item_id: itemId,
        output_index: 0,
        call_id: callId,
        name: 'search',
        arguments: args,
      });
      send({ type: 'response.output_item.done', response_id: responseId, output_index: 0, item: done });
      send({ type: 'response.done', response: { ...response, status: 'completed', output: [done], usage: RESPONSE_USAGE } });
    }
  });
}
