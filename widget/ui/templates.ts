/**
 * Template pieces of `<voice-rag>`: icons, the transcript and its citations.
 */
import { html, nothing, svg } from 'lit';
import type { CSSResult, TemplateResult } from 'lit';
import type { CitationSource } from '../../gateway/protocol.js';
import type { Turn } from '../state.js';
import type { Strings } from './strings.js';

/** Microphone icon. */
export const micIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">${svg`<path
  d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3Zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2Z"/>`}</svg>`;

/** Stop icon. */
export const stopIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">${svg`<rect
  x="6" y="6" width="12" height="12" rx="2"/>`}</svg>`;

/** Close icon. */
export const closeIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">${svg`<path
  d="M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7l-1.4-1.4L9.2 12 2.9 5.7l1.4-1.4 6.3 6.3 6.3-6.3Z"/>`}</svg>`;

/** Only http(s) links are rendered: a `javascript:` URL from a document must never become a link. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url, globalThis.location?.href);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

function renderSource(source: CitationSource): TemplateResult {
  const href = safeUrl(source.url);
  const title = href
    ? html`<a href=${href} target="_blank" rel="noopener">${source.title}</a>`
    : html`<span>${source.title}</span>`;
  return html`<li>${title}${source.snippet ? html`<span class="snippet">${source.snippet}</span>` : nothing}</li>`;
}

/** The sources of one answer, as links. */
export function renderCitations(turn: Turn, strings: Strings): TemplateResult | typeof nothing {
  if (turn.sources.length === 0) return nothing;
  return html`<ul part="citations" class="citations" aria-label=${strings.sources}>
    ${turn.sources.map(renderSource)}
  </ul>`;
}

/** The transcript: visitor and assistant turns, each answer followed by its citations (and `after`, e.g. its rating). */
export function renderTranscript(turns: readonly Turn[], strings: Strings, after?: (turn: Turn) => unknown): TemplateResult {
  return html`<ol part="transcript" class="transcript" aria-label=${strings.label}>${turns.map(
    (turn) => html`<li class="turn ${turn.role}">
      <span class="who">${turn.role === 'user' ? strings.you : strings.assistant}</span>
      <span class=${turn.final ? 'text' : 'text pending'}>${turn.text}</span>
      ${turn.interrupted ? html`<span part="interrupted" class="interrupted"><span aria-hidden="true">— </span>${strings.interrupted}</span>` : nothing}
      ${turn.role === 'assistant' ? renderCitations(turn, strings) : nothing}
      ${after ? after(turn) : nothing}
    </li>`,
  )}</ol>`;
}

/** Adds the styles of a lazy chunk to the element's shadow root, once (a constructed sheet, like Lit's own: no inline style). */
export function adoptLazyStyles(root: HTMLElement | DocumentFragment, styles: CSSResult): void {
  const sheet = styles.styleSheet;
  if (sheet && root instanceof ShadowRoot && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}
