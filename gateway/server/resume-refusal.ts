/**
 * A resume that finds no session (extension `resume`): the token is unknown, used, past the
 * grace time or for another site or origin. The socket is told `session_expired` and closed;
 * the widget then starts a new conversation.
 */
import type { BrowserHandlers } from './app.js';
import { CLOSE_CODE, type ErrorMessage } from '../protocol.js';
import type { BrowserSocket } from '../session/types.js';

const ignore = () => {};

/** Sends the refusal and closes `socket`; its later frames are ignored. */
export function refuseResume(socket: BrowserSocket): BrowserHandlers {
  const message: ErrorMessage = { type: 'error', code: 'session_expired', message: 'this session can no longer be resumed', fatal: true };
  socket.sendText(JSON.stringify(message));
  socket.close(CLOSE_CODE.session_expired, 'session_expired');
  return { onText: ignore, onBinary: ignore, onClose: ignore };
}
