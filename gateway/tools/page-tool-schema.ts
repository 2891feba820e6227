/**
 * Page tools (docs/CONFIG.md `sites.*.tools`, `kind: page`): tools the widget runs in the
 * visitor's browser, with the built-in `open_page` and `scroll_to` and their default schemas.
 */
import { z } from 'zod';
import { compileParameters } from './json-schema.js';

/** The page tools the widget can run by itself; a site turns each on by declaring it. */
export const BUILT_IN_PAGE_TOOLS: Readonly<Record<string, { description: string; parameters: Record<string, unknown> }>> = {
  open_page: {
    description: "Open a page of this site in the visitor's browser, e.g. a page you cited. Only this site's pages can be opened.",
    parameters: {
      type: 'object',
      properties: { url: { type: 'string', maxLength: 2000, description: "the page's URL or path on this site" } },
      required: ['url'],
      additionalProperties: false,
    },
  },
  scroll_to: {
    description: 'Scroll the page the visitor is reading to a section, named by its heading or its id.',
    parameters: {
      type: 'object',
      properties: { section: { type: 'string', minLength: 1, maxLength: 200, description: 'the heading text or the id of the section' } },
      required: ['section'],
      additionalProperties: false,
    },
  },
};

/** A tool the widget runs in the visitor's page (the page's handler, or the widget's built-in one). */
export const pageToolSchema = z
  .strictObject({
    kind: z.literal('page'),
    description: z.string().min(1).max(1024).optional().describe('what the tool does; optional for open_page and scroll_to'),
    parameters: z.record(z.string(), z.unknown()).optional().describe('JSON Schema of the arguments (type: object); open_page and scroll_to have their own by default'),
    timeout_ms: z.number().int().positive().max(60_000).default(10_000).describe('how long the gateway waits for the page to answer'),
  })
  .superRefine((tool, ctx) => {
    if (!tool.parameters) return;
    if (tool.parameters.type !== 'object') ctx.addIssue({ code: 'custom', path: ['parameters', 'type'], message: 'must be "object" (Realtime function tools take an object)' });
    try {
      compileParameters(tool.parameters);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['parameters'], message: `is not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}` });
    }
  });

export type PageToolConfig = z.output<typeof pageToolSchema>;

/** What the model is told about a page tool: the declared text and schema, else the built-in one's. */
export function pageToolSpec(name: string, tool: PageToolConfig): { description: string; parameters: Record<string, unknown> } {
  const builtIn = Object.hasOwn(BUILT_IN_PAGE_TOOLS, name) ? BUILT_IN_PAGE_TOOLS[name] : undefined;
  return {
    description: tool.description ?? builtIn?.description ?? name,
    parameters: tool.parameters ?? builtIn?.parameters ?? { type: 'object', properties: {} },
  };
}
