/**
 * HTML → title and sections: the main content only (`<main>`, else `<article>`, else the body,
 * without scripts, styles, navigation, headers, footers and asides); h1–h3 start sections and
 * keep their own `id` as the anchor when they have one.
 */
import { NodeType, parse } from 'node-html-parser';
import type { HTMLElement, Node } from 'node-html-parser';
import { slugify } from '../slug.js';
import type { ParsedDocument, Section } from './document.js';

const DROP = 'script, style, noscript, template, svg, nav, header, footer, aside, form, button, iframe, [hidden], [aria-hidden="true"]';
const BLOCK = new Set([
  'p', 'div', 'section', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'tr', 'table', 'thead', 'tbody', 'pre', 'blockquote',
  'br', 'hr', 'h4', 'h5', 'h6', 'figure', 'figcaption', 'article', 'main', 'details', 'summary',
]);
const CELL = new Set(['td', 'th']);

/** Parses an HTML page into its title and sections. */
export function parseHtml(html: string, fallbackTitle: string): ParsedDocument {
  const root = parse(html, { comment: false, blockTextElements: { script: false, style: false, pre: true, noscript: false } });
  const pageTitle = root.querySelector('title')?.text.trim();
  const content = root.querySelector('main') ?? root.querySelector('article') ?? root.querySelector('[role="main"]') ?? root.querySelector('body') ?? root;
  for (const element of content.querySelectorAll(DROP)) element.remove();
  const firstH1 = content.querySelector('h1')?.text.trim();

  const sections: Section[] = [];
  const seen = new Map<string, number>();
  let current: Section = { text: '' };
  let buffer = '';
  const flush = () => {
    current.text = tidy(buffer);
    buffer = '';
    if (current.text) sections.push(current);
  };
  const walk = (node: Node) => {
    if (node.nodeType === NodeType.TEXT_NODE) {
      buffer += node.text;
      return;
    }
    if (node.nodeType !== NodeType.ELEMENT_NODE) return;
    const element = node as HTMLElement;
    const tag = element.rawTagName?.toLowerCase() ?? '';
    if (/^h[1-3]$/.test(tag)) {
      flush();
      const heading = tidy(element.text);
      const id = element.getAttribute('id');
      let anchor = id;
      if (!anchor) {
        const base = slugify(heading);
        const count = seen.get(base) ?? 0;
        seen.set(base, count + 1);
        anchor = count === 0 ? base : `${base}-${count}`;
      }
      current = heading ? { heading, anchor, text: '' } : { text: '' };
      return;
    }
    const block = BLOCK.has(tag);
    if (block) buffer += '\n';
    for (const child of element.childNodes) walk(child);
    if (block) buffer += '\n';
    else if (CELL.has(tag)) buffer += ' | ';
  };
  walk(content);
  flush();
  return { title: pageTitle || firstH1 || fallbackTitle, sections };
}

/** Collapses runs of spaces, keeps paragraph breaks as blank lines. */
function tidy(text: string): string {
  return text
    .replace(/\u00a0/g, ' ')
    .split(/\n/)
    .map((line) => line.replace(/[ \t\r\f\v]+/g, ' ').replace(/^[ |]+|[ |]+$/g, '').trim())
    .join('\n')
    .replace(/\n{2,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '')
}
