/**
 * Markdown → title and sections. Headings `#`…`###` start sections (deeper ones stay in the
 * text); anchors are made exactly as the demo renderer makes its heading ids (slugify of the
 * heading's source text, duplicates suffixed -1, -2), so a citation lands on the section.
 */
import { Lexer } from 'marked';
import type { Token } from 'marked';
import { parse as parseYaml } from 'yaml';
import { slugify } from '../slug.js';
import type { ParsedDocument, Section } from './document.js';

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Parses a Markdown file with optional YAML front matter (`title`, `url`). */
export function parseMarkdown(source: string, fallbackTitle: string): ParsedDocument {
  const text = source.replace(/^\uFEFF/, '');
  const match = FRONT_MATTER.exec(text);
  let meta: Record<string, unknown> = {};
  if (match) {
    try {
      const parsed: unknown = parseYaml(match[1]);
      if (parsed && typeof parsed === 'object') meta = parsed as Record<string, unknown>;
    } catch {
      // A broken front matter only loses its title and url; the body still counts.
    }
  }
  const body = match ? text.slice(match[0].length) : text;
  const tokens = Lexer.lex(body, { gfm: true });
  const sections: Section[] = [];
  const seen = new Map<string, number>();
  let current: Section = { text: '' };
  let firstH1: string | undefined;
  const lines: string[] = [];
  const flush = () => {
    current.text = lines.join('\n\n').trim();
    lines.length = 0;
    if (current.text || current.heading) sections.push(current);
  };
  for (const token of tokens) {
    if (token.type === 'heading' && token.depth <= 3) {
      const heading = inlineText(token.tokens ?? []).trim() || token.text;
      if (token.depth === 1 && firstH1 === undefined) firstH1 = heading;
      flush();
      const base = slugify(token.text);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      current = { heading, anchor: count === 0 ? base : `${base}-${count}`, text: '' };
      continue;
    }
    const block = blockText(token);
    if (block) lines.push(block);
  }
  flush();
  const title = typeof meta.title === 'string' && meta.title.trim() ? meta.title.trim() : (firstH1 ?? fallbackTitle);
  return {
    title,
    ...(typeof meta.url === 'string' && meta.url ? { url: meta.url } : {}),
    sections: sections.filter((section) => section.text),
  };
}

function blockText(token: Token): string {
  switch (token.type) {
    case 'space':
    case 'hr':
    case 'def':
      return '';
    case 'heading':
    case 'paragraph':
      return inlineText(token.tokens ?? []).trim();
    case 'code':
      return String(token.text ?? '').trim();
    case 'blockquote':
      return (token.tokens ?? []).map(blockText).filter(Boolean).join('\n');
    case 'list':
      return (token.items as Array<{ tokens?: Token[]; text: string }>)
        .map((item) => `- ${(item.tokens ?? []).map(blockText).filter(Boolean).join(' ') || item.text}`)
        .join('\n');
    case 'table': {
      const cell = (c: { tokens?: Token[]; text: string }) => (c.tokens ? inlineText(c.tokens) : c.text).trim();
      const header = (token.header as Array<{ tokens?: Token[]; text: string }>).map(cell);
      const rows = (token.rows as Array<Array<{ tokens?: Token[]; text: string }>>).map((row) => row.map(cell));
      return [header, ...rows].map((row) => row.join(' | ')).join('\n');
    }
    case 'html':
      return String(token.text ?? '').replace(/<[^>]*>/g, ' ').replace(/[ \t]+/g, ' ').trim();
    case 'text':
      return token.tokens ? inlineText(token.tokens).trim() : String(token.text ?? '').trim();
    default:
      return 'tokens' in token && Array.isArray(token.tokens) ? inlineText(token.tokens).trim() : String(token.raw ?? '').trim();
  }
}

function inlineText(tokens: readonly Token[]): string {
  let out = '';
  for (const token of tokens) {
    if (token.type === 'image') continue;
    if (token.type === 'br') out += '\n';
    else if (token.type === 'html') out += '';
    else if ('tokens' in token && Array.isArray(token.tokens) && token.tokens.length > 0) out += inlineText(token.tokens);
    else if ('text' in token) out += String(token.text ?? '');
  }
  return decodeEntities(out);
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name] ?? _);
}
