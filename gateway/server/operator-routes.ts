/**
 * Routes for the gateway's operator: `/metrics` (Prometheus) and `/status` (the operator page,
 * behind `server.status_token`; 404 when no token is configured, so the page does not exist
 * on gateways that did not ask for it). The token is accepted as a bearer token (scripts) or as
 * the password of HTTP Basic auth, so a browser can open the page through its login prompt.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import type { GatewayMetrics } from './metrics.js';
import type { StatusHistory } from '../status/history.js';
import { renderStatusPage, STATUS_PAGE_CSP } from '../status/page.js';
import type { InsightReport } from '../insights/report.js';

/** Days of insights the operator page shows. */
export const STATUS_INSIGHT_DAYS = 7;

export interface OperatorRouteDeps {
  metrics: GatewayMetrics;
  history: StatusHistory;
  /** The bearer token of /status, read per request so a config reload applies. */
  statusToken(): string | undefined;
  /** The insight reports of sites with insights on, over the last days (absent: none shown). */
  insights?(days: number): Promise<InsightReport[]>;
  /** Every worker's metrics, merged (a worker of `serve --workers`); default: this process's registry. */
  metricsText?(): Promise<string>;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token in an `Authorization` header: `Bearer TOKEN`, or Basic with TOKEN as the password. */
function presentedToken(header: string): string | undefined {
  if (header.startsWith('Bearer ')) return header.slice(7);
  if (header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

/** Adds `/metrics` and `/status` to the app. */
export function addOperatorRoutes(app: Hono, deps: OperatorRouteDeps): void {
  app.get('/metrics', async (c) => {
    const headers = { 'content-type': deps.metrics.registry.contentType, 'cache-control': 'no-store' };
    if (!deps.metricsText) return c.body(await deps.metrics.registry.metrics(), 200, headers);
    // A partial sum would read as a drop in every counter: no figures rather than wrong ones.
    const body = await deps.metricsText().catch((error: unknown) => error as Error);
    if (body instanceof Error) return c.text(`metrics of every worker not available: ${body.message}\n`, 503, { 'cache-control': 'no-store' });
    return c.body(body, 200, headers);
  });

  app.get('/status', async (c) => {
    const expected = deps.statusToken();
    if (!expected) return c.text('not found', 404);
    const given = presentedToken(c.req.header('authorization') ?? '');
    if (!given || !sameSecret(given, expected)) {
      return c.text('unauthorized', 401, { 'www-authenticate': 'Basic realm="voice-rag status", charset="UTF-8"' });
    }
    if (deps.history.samples().length === 0) await deps.history.sample().catch(() => undefined);
    // A store that does not answer leaves the insights out, never the page.
    const insights = (await deps.insights?.(STATUS_INSIGHT_DAYS).catch(() => undefined)) ?? [];
    return c.html(renderStatusPage(deps.history.samples(), insights), 200, {
      'content-security-policy': STATUS_PAGE_CSP,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
  });
}
