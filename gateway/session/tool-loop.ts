/**
 * The tool loop of one session (no state shared across sessions): runs `search`,
 * `report_grounding` and the site's declared tools (gateway/tools) when the model calls them, sends each `function_call_output`, and asks
 * for exactly one follow-up response per response whose tools produced something the model
 * must read (report_grounding's ack alone asks for none). Tool traffic never reaches the browser.
 */
import type { Clock } from '../clock.js';
import type { CitationSource } from '../protocol.js';
import type { Logger } from '../logger.js';
import { functionOutputEvent } from '../realtime/client-events.js';
import { GROUNDING_TOOL, SEARCH_TOOL } from '../realtime/instructions.js';
import { formatPassagesForModel, SEARCH_UNAVAILABLE } from '../retrieval/format.js';
import { searchPhrasings } from '../retrieval/fuse.js';
import type { Passage, Retriever } from '../retrieval/types.js';
import type { SiteTools } from '../tools/site-tools.js';
import type { SendToBrowser, SendUpstream } from './types.js';

/** Longest citation snippet, in characters. */
export const SNIPPET_CHARS = 200;
/** Most ids one report_grounding call may resolve. */
const MAX_GROUNDING_IDS = 20;
const GROUNDING_ACK = '{"ok":true}';

export interface ToolLoopOptions {
  retriever: Retriever;
  retrieval: { timeout_ms: number; max_chars: number; top: number };
  sendUpstream: SendUpstream;
  sendToBrowser: SendToBrowser;
  /** Asks the turn sequencer for one `response.create`. */
  requestResponse(): void;
  clock: Clock;
  logger: Logger;
  /** Latency and outcome of each tool call, for metrics. */
  onToolCall?(tool: string, seconds: number, ok: boolean): void;
  /** The site's own tools (gateway/tools); any other name is an unknown tool. */
  siteTools?: SiteTools;
  /** Each search and what it found (the insight recorder). */
  onSearch?(query: string, passages: readonly Passage[], failed: boolean): void;
}

export interface ToolLoop {
  /** `response.output_item.added` of a function call: remembers its name. */
  callAdded(responseId: string, callId: string, name: string): void;
  /** Arguments complete (arguments.done or output_item.done); runs the tool once per call id. */
  callReady(responseId: string, callId: string, name: string | undefined, args: string): void;
  /** An assistant message item began; pending citations attach to it. */
  assistantItem(responseId: string, itemId: string): void;
  responseDone(responseId: string, status: string): void;
  /** Aborts running tools (session end). */
  close(): void;
}

interface ResponseTools {
  pending: number;
  followUp: boolean;
  done: boolean;
  status?: string;
  assistantItemId?: string;
}

/** Cuts text to a snippet on a word boundary. */
export function snippetOf(content: string): string {
  const text = content.replace(/\s+/g, ' ').trim();
  if (text.length <= SNIPPET_CHARS) return text;
  const cut = text.slice(0, SNIPPET_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > SNIPPET_CHARS * 0.6 ? cut.slice(0, space) : cut}…`;
}

function parseArgs(args: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(args);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the tool loop of one session. */
export function createToolLoop(options: ToolLoopOptions): ToolLoop {
  const { retriever, retrieval, clock, logger } = options;
  const names = new Map<string, string>();
  const handled = new Set<string>();
  const responses = new Map<string, ResponseTools>();
  const running = new Set<AbortController>();
  let waitingCitations: CitationSource[] | undefined;
  let closed = false;

  const stateOf = (responseId: string) => {
    let state = responses.get(responseId);
    if (!state) responses.set(responseId, (state = { pending: 0, followUp: false, done: false }));
    return state;
  };

  const maybeFollowUp = (responseId: string, state: ResponseTools) => {
    if (!state.done || state.pending > 0) return;
    responses.delete(responseId);
    // A cancelled or failed response ends the turn: the visitor moved on.
    if (state.followUp && state.status === 'completed' && !closed) options.requestResponse();
  };

  const withTimeout = async <T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const controller = new AbortController();
    running.add(controller);
    const timer = clock.setTimeout(() => controller.abort(new Error('retrieval timed out')), retrieval.timeout_ms);
    try {
      return await Promise.race([
        work(controller.signal),
        new Promise<never>((_, reject) => {
          const onAbort = () => reject(controller.signal.reason ?? new Error('aborted'));
          if (controller.signal.aborted) onAbort();
          else controller.signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      clock.clearTimeout(timer);
      running.delete(controller);
    }
  };

  const timed = (tool: string, started: number, ok: boolean) => options.onToolCall?.(tool, (clock.now() - started) / 1000, ok);

  const search = async (args: Record<string, unknown> | undefined): Promise<string> => {
    const query = typeof args?.query === 'string' ? args.query.trim().slice(0, 500) : '';
    if (!query) return JSON.stringify({ error: 'search needs a non-empty "query" string' });
    options.sendToBrowser({ type: 'searching', query });
    const started = clock.now();
    try {
      const alternatives = Array.isArray(args?.alternatives)
        ? args.alternatives.filter((alt): alt is string => typeof alt === 'string').map((alt) => alt.trim().slice(0, 500))
        : [];
      const passages = await withTimeout((signal) => searchPhrasings(retriever, query, alternatives, { top: retrieval.top, signal }));
      timed(SEARCH_TOOL, started, true);
      options.onSearch?.(query, passages, false);
      return formatPassagesForModel(passages, retrieval.max_chars);
    } catch (error) {
      timed(SEARCH_TOOL, started, false);
      options.onSearch?.(query, [], true);
      logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'search failed or timed out');
      return SEARCH_UNAVAILABLE;
    }
  };

  const ground = async (responseId: string, args: Record<string, unknown> | undefined): Promise<void> => {
    const raw = Array.isArray(args?.sources) ? args.sources : [];
    const ids = [...new Set(raw.filter((id): id is string => typeof id === 'string' && id.length <= 300))].slice(0, MAX_GROUNDING_IDS);
    if (ids.length === 0) return;
    let passages: Passage[];
    try {
      passages = await withTimeout((signal) => retriever.resolve(ids, { signal }));
    } catch (error) {
      logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'resolving citations failed');
      return;
    }
    if (passages.length === 0 || closed) return;
    const sources: CitationSource[] = passages.map((p) => ({
      id: p.id,
      title: p.title,
      ...(p.url ? { url: p.url } : {}),
      snippet: snippetOf(p.content),
    }));
    const itemId = responses.get(responseId)?.assistantItemId;
    if (itemId) options.sendToBrowser({ type: 'citations', item_id: itemId, sources });
    else waitingCitations = sources;
  };

  const siteTool = async (tools: SiteTools, name: string, args: string): Promise<string> => {
    const controller = new AbortController();
    running.add(controller);
    const started = clock.now();
    try {
      const result = await tools.call(name, args, controller.signal);
      timed(name, started, result.ok);
      return result.output;
    } finally {
      running.delete(controller);
    }
  };

  const run = async (responseId: string, callId: string, name: string, args: string) => {
    const state = stateOf(responseId);
    state.pending++;
    try {
      const parsed = parseArgs(args);
      let output: string;
      if (name === SEARCH_TOOL) {
        output = await search(parsed);
        state.followUp = true;
      } else if (name === GROUNDING_TOOL) {
        await ground(responseId, parsed);
        output = GROUNDING_ACK;
      } else if (options.siteTools?.has(name)) {
        output = await siteTool(options.siteTools, name, args);
        state.followUp = true;
      } else {
        output = JSON.stringify({ error: `unknown tool "${name.slice(0, 64)}"` });
        state.followUp = true;
      }
      if (!closed) options.sendUpstream(functionOutputEvent(callId, output));
    } catch (error) {
      logger.error({ err: error, tool: name }, 'tool failed');
    } finally {
      state.pending--;
      maybeFollowUp(responseId, state);
    }
  };

  return {
    callAdded(_responseId, callId, name) {
      names.set(callId, name);
    },
    callReady(responseId, callId, name, args) {
      if (closed || handled.has(callId)) return;
      handled.add(callId);
      const toolName = name ?? names.get(callId) ?? '';
      names.delete(callId);
      void run(responseId, callId, toolName, args);
    },
    assistantItem(responseId, itemId) {
      stateOf(responseId).assistantItemId = itemId;
      if (waitingCitations) {
        options.sendToBrowser({ type: 'citations', item_id: itemId, sources: waitingCitations });
        waitingCitations = undefined;
      }
    },
    responseDone(responseId, status) {
      const state = stateOf(responseId);
      state.done = true;
      state.status = status;
      maybeFollowUp(responseId, state);
    },
    close() {
      closed = true;
      for (const controller of running) controller.abort(new Error('session ended'));
      running.clear();
    },
  };
}
