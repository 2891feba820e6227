/**
 * Page tools of one session (extension `page_tools`): a model's call to a tool the site declares
 * with `kind: page` is checked against its schema (and `open_page` against the site's origins),
 * sent to the widget as `page_tool_call`, and settled by the widget's `page_tool_result` or by
 * the tool's timeout, so the model always gets a short answer and never a hung turn.
 */
import type { ValidateFunction } from 'ajv';
import type { Clock } from '../clock.js';
import type { SiteConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { PageToolResultMessage } from '../protocol.js';
import { compileParameters, firstProblem } from '../tools/json-schema.js';
import { pageToolSpec, type PageToolConfig } from '../tools/page-tool-schema.js';
import { parseObject, type SiteTools } from '../tools/site-tools.js';
import { toolError, type ToolResult } from '../tools/types.js';
import type { SendToBrowser } from './types.js';

/** The page tools of a session, plus the door for the widget's answers. */
export interface PageTools extends SiteTools {
  /** A `page_tool_result` from the widget; results of unknown or finished calls are dropped. */
  settle(message: PageToolResultMessage): void;
}

export interface PageToolsDeps {
  send: SendToBrowser;
  clock: Clock;
  logger: Logger;
}

interface Waiting {
  name: string;
  resolve(result: ToolResult): void;
}

/** `open_page` may only open the site's own pages: a path, or a URL on one of its origins. */
export function openPageRefusal(url: unknown, origins: readonly string[]): string | undefined {
  if (typeof url !== 'string') return 'url must be a string';
  if (url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\')) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) return 'the URL may not carry credentials';
    return origins.includes(parsed.origin) ? undefined : 'only pages of this site can be opened';
  } catch {
    return 'url must be a path or an absolute URL of this site';
  }
}

/** The session's page tools, or undefined when the site declares none. */
export function createPageTools(site: SiteConfig, deps: PageToolsDeps): PageTools | undefined {
  const tools = new Map<string, { config: PageToolConfig; validate: ValidateFunction }>();
  for (const [name, config] of Object.entries(site.tools ?? {})) {
    if (config.kind === 'page') tools.set(name, { config, validate: compileParameters(pageToolSpec(name, config).parameters) });
  }
  if (tools.size === 0) return undefined;
  const waiting = new Map<string, Waiting>();
  let calls = 0;

  return {
    has: (name) => tools.has(name),
    call(name, args, signal) {
      const tool = tools.get(name);
      if (!tool) return Promise.resolve(toolError(`unknown tool "${name.slice(0, 64)}"`));
      const parsed = parseObject(args);
      if (!parsed) return Promise.resolve(toolError('arguments must be a JSON object'));
      if (!tool.validate(parsed)) return Promise.resolve(toolError(`invalid arguments: ${firstProblem(tool.validate)}`));
      const refusal = name === 'open_page' ? openPageRefusal(parsed.url, site.origins) : undefined;
      if (refusal) return Promise.resolve(toolError(`refused: ${refusal}`));
      const callId = `pt_${++calls}`;
      return new Promise<ToolResult>((resolve) => {
        const timeoutMs = tool.config.timeout_ms;
        const finish = (result: ToolResult) => {
          if (!waiting.delete(callId)) return;
          deps.clock.clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          resolve(result);
        };
        const timer = deps.clock.setTimeout(() => {
          deps.logger.warn({ tool: name, timeout_ms: timeoutMs }, 'page tool did not answer in time');
          finish(toolError(`${name} did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        const onAbort = () => finish(toolError('the session ended'));
        signal.addEventListener('abort', onAbort, { once: true });
        waiting.set(callId, { name, resolve: finish });
        deps.send({ type: 'page_tool_call', call_id: callId, name, arguments: parsed });
      });
    },
    settle(message) {
      const call = waiting.get(message.call_id);
      if (!call) return;
      if (message.ok) {
        call.resolve({ output: JSON.stringify(message.result), ok: true });
        return;
      }
      deps.logger.info({ tool: call.name, reason: message.error }, 'the page refused a page tool');
      call.resolve(toolError(`the page did not run ${call.name}: ${message.error ?? 'failed'}`));
    },
  };
}
