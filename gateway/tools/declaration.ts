/** A site's declared tools as Realtime function tools, sent upstream in `session.update`. */
import type { SiteConfig } from '../config/schema.js';

/** The Realtime function-tool shape (GA and preview agree on it). */
export interface FunctionToolDeclaration {
  type: 'function';
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** The function tools a site declares, in config order. */
export function siteToolDeclarations(tools: SiteConfig['tools']): FunctionToolDeclaration[] {
  return Object.entries(tools ?? {}).map(([name, tool]) => ({
    type: 'function',
    name,
    description: tool.description,
    parameters: tool.parameters,
  }));
}
