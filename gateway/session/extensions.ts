/**
 * The protocol extensions of one session (docs/PROTOCOL.md, "Extensions announced in ready"):
 * which ones `ready` lists, and what becomes of their browser messages: `feedback` goes to the
 * observer (once per answer), `page_tool_result` settles a page tool call.
 */
import type { FeedbackMessage, GatewayExtension, PageToolResultMessage } from '../protocol.js';
import type { SessionObserver } from './observer.js';
import type { PageTools } from './page-tools.js';

/** Most answers one session may rate; more ratings are ignored (each is counted once). */
const MAX_RATED_ANSWERS = 200;

export interface SessionExtensions {
  /** What `ready.extensions` lists for this session. */
  readonly names: GatewayExtension[];
  /** Handles an extension message; returns an error text when the session must end with `bad_message`. */
  handle(message: FeedbackMessage | PageToolResultMessage): string | undefined;
}

export function createSessionExtensions(options: {
  siteId: string;
  sessionId: string;
  observer?: SessionObserver;
  /** The page tools, when the widget offered to run them and the site declares some. */
  pageTools: () => PageTools | undefined;
  pageToolsOffered: boolean;
}): SessionExtensions {
  const rated = new Set<string>();
  return {
    names: options.pageToolsOffered ? ['feedback', 'page_tools'] : ['feedback'],
    handle(message) {
      if (message.type === 'page_tool_result') {
        const pageTools = options.pageTools();
        if (!pageTools) return 'page_tool_result without page tools in this session';
        pageTools.settle(message);
        return undefined;
      }
      if (rated.has(message.response_id) || rated.size >= MAX_RATED_ANSWERS) return undefined;
      rated.add(message.response_id);
      options.observer?.feedback?.(options.siteId, {
        sessionId: options.sessionId,
        responseId: message.response_id,
        rating: message.rating,
        ...(message.reason ? { reason: message.reason } : {}),
      });
      return undefined;
    },
  };
}
