/**
 * Consent before the microphone (docs/WIDGET.md, "Consent"): the site's notice settings from the
 * gateway (`GET /v1/widget-settings`). The notice and the remembered agreement are in consent-notice.ts.
 */

/** The site's `consent` block as the gateway serves it (docs/CONFIG.md `sites.*.consent`). */
export interface ConsentSettings {
  text: string | Record<string, string>;
  link?: string;
  remember_days: number;
  typed_needs_consent: boolean;
}

/** What `consent-text` alone turns on when the site configures no notice. */
export const ATTRIBUTE_CONSENT_DEFAULTS = { remember_days: 180, typed_needs_consent: false } as const;

/** `http(s)://GATEWAY/v1/widget-settings?site=…`, from the same base the socket uses. */
export function settingsUrl(gateway: string, site: string): string {
  const base = new URL(gateway, globalThis.location?.href);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const url = new URL('v1/widget-settings', base);
  url.protocol = url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
  url.search = '';
  url.searchParams.set('site', site);
  return url.href;
}

/** Fetches the site's consent settings; null when it has none. Rejects when they cannot be had. */
export async function fetchConsentSettings(gateway: string, site: string): Promise<ConsentSettings | null> {
  const response = await fetch(settingsUrl(gateway, site), { credentials: 'omit', cache: 'no-cache' });
  if (!response.ok) throw new Error(`widget settings answered HTTP ${response.status}`);
  const body = (await response.json()) as { consent?: ConsentSettings | null };
  return body.consent ?? null;
}
