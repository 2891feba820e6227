/** A site's declared tools as Realtime function tools, sent upstream in `session.update`. */
import type { SiteConfig } from '../config/schema.js';
import { pageToolSpec } from './page-tool-schema.js';

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
    ...(tool.kind === 'page' ? pageToolSpec(name, tool) : { description: tool.description, parameters: tool.parameters }),
  }));
}

/** Whether the site declares a tool the visitor's page runs. */
export function hasPageTools(tools: SiteConfig['tools']): boolean {
  return Object.values(tools ?? {}).some((tool) => tool.kind === 'page');
}

/**
 * The site as a session without page tools sees it (the widget did not offer to run them):
 * the model is never told of a tool nobody would answer.
 */
export function withoutPageTools(site: SiteConfig): SiteConfig {
  if (!hasPageTools(site.tools)) return site;
  const tools = Object.fromEntries(Object.entries(site.tools ?? {}).filter(([, tool]) => tool.kind !== 'page'));
  return { ...site, tools: Object.keys(tools).length > 0 ? tools : undefined };
}
