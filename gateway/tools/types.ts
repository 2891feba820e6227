/** Shapes shared by the site tools module: the fetch port and the result a tool call gives the model. */

/** The one way site tools reach the network; the composition root passes the runtime's fetch. */
export type FetchPort = (url: string, init: RequestInit) => Promise<Response>;

/** What one tool call produced: the function output the model reads, and whether it succeeded. */
export interface ToolResult {
  output: string;
  ok: boolean;
}

/** Names of the gateway's own tools: site tools may not take them. */
export const BUILT_IN_TOOL_NAMES: readonly string[] = ['search', 'report_grounding'];

/** A `{name}` placeholder in a tool's URL. */
export const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** A short error result: the model reads it and carries on with the turn. */
export function toolError(message: string): ToolResult {
  return { output: JSON.stringify({ error: message }), ok: false };
}
