// The paraphrase question set (tests/fixtures/retrieval/paraphrases.json) and where its two corpora live, shared by tests and the bench.
import { fileURLToPath } from 'node:url';
import set from '../../fixtures/retrieval/paraphrases.json' with { type: 'json' };

/** One question, the page and sentence that answer it, and the phrasings a model would search with. */
export interface Paraphrase {
  corpus: 'demo' | 'pino';
  lang: 'en' | 'ja';
  /** Page path under the corpus folder. */
  doc: string;
  /** The visitor's words. */
  question: string;
  /** The model's query in the documents' language (English questions: the question itself). */
  query?: string;
  /** Up to 3 other phrasings the model would add. */
  alternatives: string[];
  /** The sentence that answers it, verbatim without Markdown emphasis. */
  answer: string;
}

export const paraphrases = set as Paraphrase[];

/** The corpora: folder and the glob of their pages (url_base "/", url_extension ".md", so a URL names its page). */
export const PARAPHRASE_CORPORA = {
  demo: { dir: fileURLToPath(new URL('../../../demo/site/', import.meta.url)), sources: ['./**/*.md'] },
  pino: { dir: fileURLToPath(new URL('../../fixtures/retrieval/pino-docs/', import.meta.url)), sources: ['./*.md'] },
} as const;

/** The page a passage URL points at. */
export function pageOf(url: string | undefined): string {
  const path = decodeURI((url ?? '').replace(/#.*$/, '').replace(/^\//, ''));
  return path === '' || path.endsWith('/') ? `${path}index.md` : path;
}
