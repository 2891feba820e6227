/**
 * The page the visitor is reading, for the `page` protocol extension: its URL, title and the
 * heading of the section in view, reported when the session is ready and again when any of them
 * changes (docs/WIDGET.md, "Page context").
 */
import type { PageMessage } from '../../gateway/protocol.js';
import { PAGE_FIELD_LIMITS } from '../session/protocol-copies.js';

/** The reading line: the section in view is the one whose heading is above this fraction of the viewport. */
const READING_LINE = 0.3;
/** Single-page apps change the URL with `history.pushState`, which fires no event: a cheap look this often catches it. */
const POLL_MS = 1000;
/** Scrolling is looked at once it pauses this long. */
const SCROLL_SETTLE_MS = 250;

const HEADINGS = 'h1, h2, h3';

const cut = (text: string, max: number) => [...text.replace(/\s+/g, ' ').trim()].slice(0, max).join('');

/** The heading of the section in view: the last one above the reading line, else the first one on screen. */
export function sectionHeading(doc: Document, viewportHeight: number): HTMLElement | undefined {
  const line = viewportHeight * READING_LINE;
  let above: HTMLElement | undefined;
  let firstOnScreen: HTMLElement | undefined;
  for (const heading of doc.querySelectorAll<HTMLElement>(HEADINGS)) {
    const top = heading.getBoundingClientRect().top;
    if (top <= line) above = heading;
    else if (!firstOnScreen && top < viewportHeight) firstOnScreen = heading;
  }
  return above ?? firstOnScreen;
}

/** A heading's words as a screen reader reads them: without `aria-hidden` parts such as a "#" permalink. */
export function headingText(heading: HTMLElement): string {
  const copy = heading.cloneNode(true) as HTMLElement;
  for (const hidden of copy.querySelectorAll('[aria-hidden="true"]')) hidden.remove();
  return copy.textContent ?? '';
}

/** The page now: the URL carries the section's `#id` when its heading has one; undefined if the URL is too long even without query. */
export function readPage(doc: Document, location: Location, viewportHeight: number): PageMessage | undefined {
  const heading = sectionHeading(doc, viewportHeight);
  const url = new URL(location.href);
  if (heading?.id) url.hash = heading.id;
  if (url.href.length > PAGE_FIELD_LIMITS.url) url.search = url.hash = '';
  if (url.href.length > PAGE_FIELD_LIMITS.url) return undefined;
  const title = cut(doc.title, PAGE_FIELD_LIMITS.title);
  const section = heading ? cut(headingText(heading), PAGE_FIELD_LIMITS.section) : '';
  return { type: 'page', url: url.href, ...(title ? { title } : {}), ...(section ? { section } : {}) };
}

/** Reports the page to `send` while started: at once, then on each change (navigation, hash, title, section in view). */
export class PageWatcher {
  #send: ((page: PageMessage) => void) | undefined;
  #last = '';
  #poll: ReturnType<typeof setInterval> | undefined;
  #settle: ReturnType<typeof setTimeout> | undefined;

  /** Starts reporting; called when `ready.extensions` lists `page`. */
  start(send: (page: PageMessage) => void): void {
    this.stop();
    this.#send = send;
    addEventListener('popstate', this.#check);
    addEventListener('hashchange', this.#check);
    addEventListener('scroll', this.#scrolled, { passive: true });
    this.#poll = setInterval(this.#check, POLL_MS);
    this.#check();
  }

  /** Stops reporting and forgets the last page, so the next session reports it again. */
  stop(): void {
    if (!this.#send) return;
    this.#send = undefined;
    this.#last = '';
    removeEventListener('popstate', this.#check);
    removeEventListener('hashchange', this.#check);
    removeEventListener('scroll', this.#scrolled);
    clearInterval(this.#poll);
    clearTimeout(this.#settle);
  }

  readonly #scrolled = (): void => {
    clearTimeout(this.#settle);
    this.#settle = setTimeout(this.#check, SCROLL_SETTLE_MS);
  };

  readonly #check = (): void => {
    const page = readPage(document, location, innerHeight);
    const key = JSON.stringify(page ?? null);
    if (!this.#send || key === this.#last) return;
    this.#last = key;
    if (page) this.#send(page);
  };
}
