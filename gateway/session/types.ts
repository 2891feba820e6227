/**
 * Plain interfaces the session needs from its surroundings; the Node/Hono adapters in
 * gateway/server/ fulfil them.
 */
import type { ServerMessage } from '../protocol.js';

/** The browser's WebSocket as the session sees it. */
export interface BrowserSocket {
  sendText(text: string): void;
  sendBinary(data: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Bytes queued by send() and not yet written to the network. */
  readonly bufferedAmount: number;
}

/** Sends one widget-protocol message to the browser. */
export type SendToBrowser = (message: ServerMessage) => void;

/** Sends one client event upstream; returns its `event_id`. */
export type SendUpstream = (event: Record<string, unknown>) => string;
