/**
 * Consent before the microphone (docs/WIDGET.md, "Consent"): the site's notice settings from the
 * gateway (`GET /v1/widget-settings`), and the visitor's agreement remembered per site in
 * `localStorage` for the configured days.
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

const DAY_MS = 86_400_000;

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

/** The notice text for a language: its own, else its primary tag's, else English, else the first. */
export function noticeText(text: ConsentSettings['text'], lang: string): string {
  if (typeof text === 'string') return text;
  const tag = lang.toLowerCase();
  const byTag = new Map(Object.entries(text).map(([key, value]) => [key.toLowerCase(), value]));
  return byTag.get(tag) ?? byTag.get(tag.split('-')[0] ?? '') ?? byTag.get('en') ?? Object.values(text)[0] ?? '';
}

const storageKey = (site: string) => `voice-rag:consent:${site}`;

/** Whether the visitor agreed on this site within the last `days` days (in this browser profile). */
export function consentRemembered(site: string, days: number, now = Date.now()): boolean {
  if (days <= 0) return false;
  try {
    const at = Number((JSON.parse(globalThis.localStorage.getItem(storageKey(site)) ?? 'null') as { at?: unknown } | null)?.at);
    return Number.isFinite(at) && at <= now && now - at < days * DAY_MS;
  } catch {
    // Storage blocked (privacy settings, sandboxed frames): ask again, never assume agreement.
    return false;
  }
}

/** Remembers the agreement (when `days` > 0); storage that refuses only means asking again next time. */
export function rememberConsent(site: string, days: number, now = Date.now()): void {
  if (days <= 0) return;
  try {
    globalThis.localStorage.setItem(storageKey(site), JSON.stringify({ at: now }));
  } catch {
    // Nothing to do: the agreement holds for this page only.
  }
}
