/**
 * `GET /v1/widget-settings?site=SITE_ID`: what the widget must know before it opens the
 * microphone (the site's `consent` notice). Public text for any origin, no secret in it.
 */
import type { Hono } from 'hono';
import type { GatewayConfig } from '../config/schema.js';

/** The JSON the widget reads (docs/WIDGET.md, "Consent"). */
export interface WidgetSettings {
  consent: GatewayConfig['sites'][string]['consent'] | null;
}

export function addWidgetSettingsRoute(app: Hono, getConfig: () => GatewayConfig): void {
  app.get('/v1/widget-settings', (c) => {
    const headers = { 'access-control-allow-origin': '*', 'cache-control': 'no-cache' };
    const siteId = c.req.query('site') ?? '';
    const sites = getConfig().sites;
    if (!Object.hasOwn(sites, siteId)) return c.json({ error: 'unknown site' }, 404, headers);
    const settings: WidgetSettings = { consent: sites[siteId]!.consent ?? null };
    return c.json(settings, 200, headers);
  });
}
