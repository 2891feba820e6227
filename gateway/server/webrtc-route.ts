/**
 * `POST /v1/realtime/calls?site=SITE&ticket=TICKET` (extension `webrtc`): the widget's SDP offer
 * for a session its control socket already opened, with the socket's origin check (403), CORS for
 * the site's origins, and bounds on the body. The ticket was handed out only after the token and
 * admission checks, so the offer needs no second token.
 */
import type { Hono, Context } from 'hono';
import type { GatewayConfig } from '../config/schema.js';
import type { OfferDesk } from '../webrtc/offer-desk.js';
import { MAX_QUERY_CHARS } from './app.js';

export const CALLS_PATH = '/v1/realtime/calls';
/** An SDP offer of one audio track and a data channel is 2–6 KB. */
const MAX_SDP_BYTES = 64 * 1024;

export interface WebrtcRouteDeps {
  getConfig(): GatewayConfig;
  desk: OfferDesk;
  accepting(): boolean;
}

const siteOf = (config: GatewayConfig, siteId: string) => (Object.hasOwn(config.sites, siteId) ? config.sites[siteId] : undefined);

/** Adds the offer route and its CORS preflight. */
export function addWebrtcRoutes(app: Hono, deps: WebrtcRouteDeps): void {
  const allowedOrigin = (c: Context): string | undefined => {
    const origin = c.req.header('origin');
    const site = siteOf(deps.getConfig(), c.req.query('site') ?? '');
    return origin && site?.origins.includes(origin) ? origin : undefined;
  };
  const cors = (origin: string | undefined): Record<string, string> =>
    origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : { vary: 'Origin' };

  app.options(CALLS_PATH, (c) => {
    const origin = allowedOrigin(c);
    if (!origin) return c.text('origin not allowed for this site', 403);
    return c.body(null, 204, {
      ...cors(origin),
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '600',
    });
  });

  app.post(CALLS_PATH, async (c) => {
    const siteId = c.req.query('site') ?? '';
    const origin = allowedOrigin(c);
    const headers = cors(origin);
    if (!deps.accepting()) return c.text('the gateway is shutting down', 503, headers);
    if (new URL(c.req.url).search.length > MAX_QUERY_CHARS) return c.text('query string too long', 414, headers);
    const site = siteOf(deps.getConfig(), siteId);
    if (!site) return c.text('unknown site', 404, headers);
    if (!origin) return c.text('origin not allowed for this site', 403, headers);
    if (site.transport !== 'webrtc') return c.text('this site does not use the webrtc transport', 409, headers);
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/sdp')) return c.text('send the offer as application/sdp', 415, headers);
    if (Number(c.req.header('content-length') ?? 0) > MAX_SDP_BYTES) return c.text('offer too large', 413, headers);
    const sdp = await c.req.text();
    if (sdp.length > MAX_SDP_BYTES) return c.text('offer too large', 413, headers);
    if (!sdp.startsWith('v=0')) return c.text('the body is not an SDP offer', 400, headers);
    const reply = await deps.desk.deliver(c.req.query('ticket') ?? '', siteId, sdp, c.req.raw.signal);
    if (reply.status === 201) return c.body(reply.answer, 201, { ...headers, 'content-type': 'application/sdp', 'cache-control': 'no-store' });
    return c.text(reply.message, reply.status, headers);
  });
}
