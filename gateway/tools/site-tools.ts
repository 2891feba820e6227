/**
 * A site's HTTP tools, run by the gateway: arguments validated against the declared schema
 * before any request, the request kept on the configured origin, a time limit and a size
 * limit, only the declared fields shown to the model, and short error results otherwise.
 * Headers (which may hold `${ENV}` secrets, resolved at config load) and URLs are never
 * logged nor shown to the model.
 */
import type { ValidateFunction } from 'ajv';
import type { Clock } from '../clock.js';
import type { HttpToolConfig, SiteConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { compileParameters, firstProblem } from './json-schema.js';
import { buildRequest } from './request.js';
import { pickFields, readLimited } from './response.js';
import { toolError, type FetchPort, type ToolResult } from './types.js';

/** The site tools of one session, as the tool loop uses them (HTTP tools here, page tools in session/page-tools.ts). */
export interface SiteTools {
  has(name: string): boolean;
  /** Runs a declared tool; never throws. `signal` aborts it (session end). */
  call(name: string, args: string, signal: AbortSignal): Promise<ToolResult>;
}

export interface SiteToolsDeps {
  fetch: FetchPort;
  clock: Clock;
  logger: Logger;
}

interface CompiledTool {
  config: HttpToolConfig;
  validate: ValidateFunction;
}

// A config snapshot is frozen and shared by its sessions: compile its schemas once.
const compiled = new WeakMap<object, Map<string, CompiledTool>>();

function compileAll(tools: NonNullable<SiteConfig['tools']>): Map<string, CompiledTool> {
  let byName = compiled.get(tools);
  if (!byName) {
    byName = new Map();
    for (const [name, config] of Object.entries(tools)) {
      if (config.kind === 'http') byName.set(name, { config, validate: compileParameters(config.parameters) });
    }
    compiled.set(tools, byName);
  }
  return byName;
}

/** The model's arguments as a JSON object, or undefined when they are not one. */
export function parseObject(args: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(args || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The site's HTTP tools, or undefined when it declares none. */
export function createSiteTools(tools: SiteConfig['tools'], deps: SiteToolsDeps): SiteTools | undefined {
  if (!tools || Object.keys(tools).length === 0) return undefined;
  const byName = compileAll(tools);
  if (byName.size === 0) return undefined;
  const { clock, logger } = deps;

  const request = async (name: string, tool: HttpToolConfig, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolResult> => {
    const built = buildRequest(tool, args);
    if (!built.ok) {
      logger.warn({ tool: name, reason: built.reason }, 'tool call refused');
      return toolError(`refused: ${built.reason}`);
    }
    const response = await deps.fetch(built.url, { ...built.init, signal });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      logger.warn({ tool: name, status: response.status }, 'tool answered with an error status');
      return toolError(`${name} answered HTTP ${response.status}`);
    }
    const text = await readLimited(response, tool.max_response_kb * 1024);
    if (text === undefined) {
      logger.warn({ tool: name, limit_kb: tool.max_response_kb }, 'tool answer too large');
      return toolError(`${name} answered more than ${tool.max_response_kb} KB; the answer was dropped`);
    }
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {
      if (tool.fields) return toolError(`${name} did not answer JSON`);
    }
    const shown = tool.fields ? pickFields(data, tool.fields) : data;
    return { output: typeof shown === 'string' ? shown : JSON.stringify(shown), ok: true };
  };

  return {
    has: (name) => byName.has(name),
    async call(name, args, signal) {
      const tool = byName.get(name);
      if (!tool) return toolError(`unknown tool "${name.slice(0, 64)}"`);
      const parsed = parseObject(args);
      if (!parsed) return toolError('arguments must be a JSON object');
      if (!tool.validate(parsed)) return toolError(`invalid arguments: ${firstProblem(tool.validate)}`);
      const controller = new AbortController();
      const onAbort = () => controller.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const timer = clock.setTimeout(() => controller.abort(new Error('timed out')), tool.config.timeout_ms);
      try {
        return await request(name, tool.config, parsed, controller.signal);
      } catch (error) {
        const timedOut = controller.signal.aborted && !signal.aborted;
        logger.warn({ tool: name, reason: timedOut ? 'timeout' : error instanceof Error ? error.name : 'failed' }, 'tool call failed');
        return toolError(timedOut ? `${name} did not answer within ${tool.config.timeout_ms} ms` : `${name} could not be reached`);
      } finally {
        clock.clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
}

/** One set of tools made of several (HTTP and page tools): the first that has a name runs it. */
export function combineSiteTools(...sets: Array<SiteTools | undefined>): SiteTools | undefined {
  const present = sets.filter((set): set is SiteTools => set !== undefined);
  if (present.length <= 1) return present[0];
  return {
    has: (name) => present.some((set) => set.has(name)),
    call: (name, args, signal) => (present.find((set) => set.has(name)) ?? present[0]!).call(name, args, signal),
  };
}
