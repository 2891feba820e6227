/**
 * The `tools` block of a site (docs/CONFIG.md `sites.*.tools`) as a zod schema, with the checks
 * `voice-rag check` runs on it: compilable object schemas, URLs whose origin no argument can
 * change, placeholders that name required parameters, no reserved headers, no built-in names;
 * page tools (run in the visitor's browser) are in page-tool-schema.ts.
 */
import { z } from 'zod';
import { compileParameters } from './json-schema.js';
import { templateOrigin } from './request.js';
import { BUILT_IN_PAGE_TOOLS, pageToolSchema } from './page-tool-schema.js';
import { BUILT_IN_TOOL_NAMES, PLACEHOLDER } from './types.js';

/** Headers a tool may not set: they would change where or how the request goes. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'content-type']);

/** A site tool the gateway runs over HTTP (docs/CONFIG.md, `sites.*.tools`). */
export const httpToolSchema = z
  .strictObject({
    kind: z.literal('http'),
    description: z.string().min(1).max(1024).describe('what the tool does and when to call it; the model reads this'),
    parameters: z
      .record(z.string(), z.unknown())
      .default({ type: 'object', properties: {} })
      .describe('JSON Schema of the arguments (type: object); the gateway validates every call against it'),
    url: z.string().describe('http(s) URL; {name} placeholders after the origin take the (required) argument of that name, encoded'),
    method: z.enum(['GET', 'POST']).default('GET').describe('GET: other arguments go in the query; POST: in a JSON body'),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]+$/, 'header names are letters, digits and -'), z.string())
      .default({})
      .describe('sent with every call; use ${NAME} for secrets, resolved when the config loads'),
    timeout_ms: z.number().int().positive().max(30_000).default(5000),
    max_response_kb: z.number().int().positive().max(1024).default(64).describe('a larger answer is dropped and the model told so'),
    fields: z.array(z.string().min(1)).min(1).optional().describe('dotted paths of the JSON answer the model sees (default: all of it)'),
  })
  .superRefine((tool, ctx) => {
    if (!templateOrigin(tool.url)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'must be an http(s) URL without user info, with no {placeholder} in its scheme, host or port' });
    }
    if (tool.parameters.type !== 'object') {
      ctx.addIssue({ code: 'custom', path: ['parameters', 'type'], message: 'must be "object" (Realtime function tools take an object)' });
    }
    try {
      compileParameters(tool.parameters);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['parameters'], message: `is not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}` });
    }
    const required = Array.isArray(tool.parameters.required) ? tool.parameters.required : [];
    for (const [, name] of tool.url.matchAll(PLACEHOLDER)) {
      if (!required.includes(name)) ctx.addIssue({ code: 'custom', path: ['url'], message: `placeholder {${String(name)}} must name a required parameter` });
    }
    for (const header of Object.keys(tool.headers)) {
      if (RESERVED_HEADERS.has(header.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['headers', header], message: `the gateway sets ${header} itself` });
    }
  });

export const siteToolSchema = z.discriminatedUnion('kind', [httpToolSchema, pageToolSchema]);

/** A site's tools by name: names as the Realtime API accepts them, the gateway's own ones taken. */
export const siteToolsSchema = z.record(z.string(), siteToolSchema).superRefine(
  (tools, ctx) => {
    for (const name of Object.keys(tools)) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'tool names are 1-64 letters, digits, _ and -' });
      else if (BUILT_IN_TOOL_NAMES.includes(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is a built-in tool (${BUILT_IN_TOOL_NAMES.join(', ')}); choose another name` });
      } else if (Object.hasOwn(BUILT_IN_PAGE_TOOLS, name) && tools[name]?.kind !== 'page') {
        ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is a built-in page tool; declare it with kind: page or choose another name` });
      } else if (tools[name]?.kind === 'page' && !Object.hasOwn(BUILT_IN_PAGE_TOOLS, name) && !tools[name].description) {
        ctx.addIssue({ code: 'custom', path: [name, 'description'], message: 'a page tool the page registers needs a description (the model reads it)' });
      }
    }
  },
  // Names are checked even when a tool's body is invalid, so `check` lists every problem at once.
  { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
);
