/**
 * Page tools in the visitor's browser (extension `page_tools`, docs/WIDGET.md "Page tools"): each
 * `page_tool_call` becomes a cancellable `voice-rag-tool` event; the page's handler answers with
 * `event.respond(result)` (a value or a promise) or refuses with `preventDefault()`; otherwise the
 * widget's built-in `open_page` / `scroll_to` run. The answer goes back as `page_tool_result`.
 */
import type { PageToolCallMessage, PageToolResultMessage } from '../gateway/protocol.js';
import { VoiceRagToolEvent } from './events.js';

/** Largest JSON result sent back; a frame holds 16 KiB. */
const MAX_RESULT_CHARS = 12_000;

export { VoiceRagToolEvent } from './events.js';

const failure = (call: PageToolCallMessage, error: string): PageToolResultMessage => ({
  type: 'page_tool_result', call_id: call.call_id, ok: false, error: error.slice(0, 500) || 'failed',
});

/** `open_page`: same-document links scroll; other pages open after the answer has gone out. */
function openPage(url: unknown): { ok: boolean; value: unknown } {
  let target: URL;
  try {
    target = new URL(String(url), location.href);
  } catch {
    return { ok: false, value: 'not a URL' };
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return { ok: false, value: 'only http(s) pages can be opened' };
  const here = new URL(location.href);
  if (target.origin === here.origin && target.pathname === here.pathname && target.search === here.search && target.hash) {
    location.hash = target.hash;
    return { ok: true, value: { opened: target.href } };
  }
  // The page unloads with the widget; a moment's delay lets the answer reach the gateway first.
  setTimeout(() => location.assign(target.href), 150);
  return { ok: true, value: { opened: target.href } };
}

/** `scroll_to`: an element with that id, else the first heading whose text matches. */
function scrollTo(section: unknown): { ok: boolean; value: unknown } {
  const wanted = String(section).trim();
  const norm = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();
  const headings = [...document.querySelectorAll<HTMLElement>('h1, h2, h3, h4, h5, h6')];
  const found =
    document.getElementById(wanted) ??
    headings.find((h) => norm(h.textContent ?? '') === norm(wanted)) ??
    headings.find((h) => norm(h.textContent ?? '').includes(norm(wanted)));
  if (!found) return { ok: false, value: `no section "${wanted.slice(0, 100)}" on this page` };
  found.scrollIntoView({ behavior: 'smooth', block: 'start' });
  return { ok: true, value: { section: (found.textContent ?? wanted).trim().slice(0, 200) } };
}

const BUILT_IN: Record<string, (args: Record<string, unknown>) => { ok: boolean; value: unknown }> = {
  open_page: (args) => openPage(args.url),
  scroll_to: (args) => scrollTo(args.section),
};

/** Runs one call: the page's handler first, then the built-in one; never throws. */
export async function runPageTool(target: EventTarget, call: PageToolCallMessage): Promise<PageToolResultMessage> {
  const event = new VoiceRagToolEvent(call.name, call.arguments);
  target.dispatchEvent(event);
  let ok = true;
  let value: unknown;
  if (event.answer) {
    try {
      value = await event.answer.value;
    } catch (error) {
      return failure(call, error instanceof Error ? error.message : String(error));
    }
  } else if (event.defaultPrevented) {
    return failure(call, 'refused by the page');
  } else if (Object.hasOwn(BUILT_IN, call.name)) {
    ({ ok, value } = BUILT_IN[call.name]!(call.arguments));
    if (!ok) return failure(call, String(value));
  } else {
    return failure(call, 'this page has no handler for it');
  }
  const json = JSON.stringify(value ?? null);
  if (json.length > MAX_RESULT_CHARS) return failure(call, `the page answered more than ${MAX_RESULT_CHARS} characters`);
  return { type: 'page_tool_result', call_id: call.call_id, ok: true, result: JSON.parse(json) as unknown };
}
