/**
 * The HTTP request of one tool call: `{name}` placeholders in the URL filled with encoded
 * arguments, the other arguments as query (GET) or JSON body (POST), and a final check that
 * the request still goes to the configured origin.
 */
import type { HttpToolConfig } from '../config/schema.js';
import { PLACEHOLDER } from './types.js';

/** A request ready for the fetch port, or the reason it was refused. */
export type BuiltRequest = { ok: true; url: string; init: RequestInit } | { ok: false; reason: string };

const scalarText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** The configured origin of a tool's URL template (placeholders are only allowed after it). */
export function templateOrigin(template: string): string | undefined {
  try {
    const url = new URL(template);
    if (url.username || url.password || (url.protocol !== 'https:' && url.protocol !== 'http:')) return undefined;
    const written = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(template)?.[0] ?? '';
    return written.includes('{') || written.includes('}') ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

/** Builds the request; refuses anything that would reach another origin or climb out of the path. */
export function buildRequest(tool: HttpToolConfig, args: Record<string, unknown>): BuiltRequest {
  const origin = templateOrigin(tool.url);
  if (!origin) return { ok: false, reason: 'the tool URL is not allowed' };
  const used = new Set<string>();
  let dotSegment = false;
  const filled = tool.url.replace(PLACEHOLDER, (_match, name: string) => {
    used.add(name);
    const text = scalarText(args[name] ?? '');
    // Encoded, "/", "?", "#", "@" and ":" cannot change host or path shape; "." and ".." still could climb.
    if (text === '.' || text === '..') dotSegment = true;
    return encodeURIComponent(text);
  });
  if (dotSegment) return { ok: false, reason: 'an argument is a relative path segment' };
  let url: URL;
  try {
    url = new URL(filled);
  } catch {
    return { ok: false, reason: 'the arguments do not make a valid URL' };
  }
  if (url.origin !== origin || url.username || url.password) return { ok: false, reason: 'the arguments would leave the tool host' };
  const rest = Object.entries(args).filter(([name, value]) => !used.has(name) && value !== undefined);
  const headers: Record<string, string> = { accept: 'application/json, text/plain;q=0.9, */*;q=0.5', ...tool.headers };
  const init: RequestInit = { method: tool.method, headers, redirect: 'error' };
  if (tool.method === 'GET') for (const [name, value] of rest) url.searchParams.append(name, scalarText(value));
  else if (rest.length > 0) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(Object.fromEntries(rest));
  }
  return { ok: true, url: url.href, init };
}
