/** PDF and plain-text sources: no headings to split at, so one section each. */
import { extractText, getDocumentProxy, getMeta } from 'unpdf';
import type { ParsedDocument } from './document.js';

/** Extracts the text of a PDF page by page; the title comes from its metadata, else `fallbackTitle`. */
export async function parsePdf(bytes: Uint8Array, fallbackTitle: string): Promise<ParsedDocument> {
  // pdf.js takes ownership of the buffer it is given, so hand it a copy.
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  try {
    const { text } = await extractText(pdf, { mergePages: false });
    let title = fallbackTitle;
    try {
      const meta = await getMeta(pdf);
      const info = meta.info as Record<string, unknown> | undefined;
      if (typeof info?.Title === 'string' && info.Title.trim()) title = info.Title.trim();
    } catch {
      // Metadata is optional; the file name is a fine title.
    }
    const pages = (Array.isArray(text) ? text : [text]).map((page) => page.replace(/[ \t]+/g, ' ').trim()).filter(Boolean);
    return { title, sections: pages.length ? [{ text: pages.join('\n\n') }] : [] };
  } finally {
    await pdf.destroy();
  }
}

/** Plain text: the first line is the title when it is short and more text follows. */
export function parseText(text: string, fallbackTitle: string): ParsedDocument {
  const clean = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').trim();
  const [first = '', ...rest] = clean.split('\n');
  const body = rest.join('\n').trim();
  if (first.trim().length > 0 && first.trim().length <= 80 && body) {
    return { title: first.trim(), sections: [{ text: body }] };
  }
  return { title: fallbackTitle, sections: clean ? [{ text: clean }] : [] };
}
