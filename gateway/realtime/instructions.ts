/**
 * What the gateway tells the model: the default VoiceRAG-style instructions and the two tools.
 * Sites may replace the instructions; the tools are fixed (the browser never chooses them).
 */
import type { SiteConfig } from '../config/schema.js';

/** Instructions used when a site sets none. */
export const DEFAULT_INSTRUCTIONS = [
  'You are a voice assistant for this website. Answer only from its knowledge base, which you reach with the "search" tool.',
  'Always call "search" before answering a question, even if you think you know the answer.',
  'After answering, always call "report_grounding" with the ids of the passages you actually used.',
  'Keep spoken answers short: one to three sentences, plain speech without lists or markup.',
  'Never read passage ids, file names or URLs aloud.',
  "Answer in the visitor's language.",
  'If the knowledge base does not contain the answer, say that you could not find it; do not guess.',
].join('\n');

/** Name of the retrieval tool. */
export const SEARCH_TOOL = 'search';
/** Name of the citation tool. */
export const GROUNDING_TOOL = 'report_grounding';

/** The function tools sent in every `session.update`. */
export const TOOLS = [
  {
    type: 'function',
    name: SEARCH_TOOL,
    description:
      "Search the website's knowledge base. Returns passages; each starts with its id in square brackets, then its title and text. " +
      "Write `query` as a short search query in the language of the website's documents, even when the visitor speaks another one, " +
      "and add up to 3 `alternatives`: other phrasings or keywords the documents might use for the same thing (synonyms, product terms).",
    parameters: {
      type: 'object',
      properties: {
        query: { type: 'string', description: "What to look for, as a short search query in the documents' language" },
        alternatives: {
          type: 'array',
          items: { type: 'string' },
          maxItems: 3,
          description: 'Up to 3 other phrasings or keywords for the same question; searched together with query',
        },
      },
      required: ['query'],
      additionalProperties: false,
    },
  },
  {
    type: 'function',
    name: GROUNDING_TOOL,
    description:
      'Report which knowledge-base passages the answer you just gave is based on, so the visitor sees them as sources. Call it once per answer.',
    parameters: {
      type: 'object',
      properties: {
        sources: {
          type: 'array',
          items: { type: 'string' },
          description: 'Passage ids, exactly as they appear in square brackets in the search results',
        },
      },
      required: ['sources'],
      additionalProperties: false,
    },
  },
] as const;

/** The instructions for a site: its own or the default, plus the language hint. */
export function instructionsFor(site: SiteConfig): string {
  const base = site.instructions?.trim() || DEFAULT_INSTRUCTIONS;
  if (!site.language) return base;
  return `${base}\nThe visitor most likely speaks the language "${site.language}"; reply in the language the visitor uses.`;
}

/** The `response.create` instructions that make the assistant speak the site's greeting. */
export function greetingInstructions(greeting: string): string {
  return `Greet the visitor by saying exactly this, and nothing else: ${JSON.stringify(greeting)}`;
}
