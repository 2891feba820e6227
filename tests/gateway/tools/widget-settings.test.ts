import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/gateway-harness.js';
import { parseConfig } from '../../../gateway/config/parse.js';
import { docsSiteConfigText } from './load-tools-config.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('GET /v1/widget-settings (consent notice for the widget)', () => {
  it('serves the site\'s consent block with its defaults to any origin, null without one, 404 for an unknown site', async () => {
    harness = await startHarness({
      site: { consent: { text: { en: 'Your voice is sent to our speech service.', ja: '音声は送信されます。' }, link: 'https://example.com/privacy' } },
      sites: { other: { origins: ['https://other.example.com'], engine: 'aoai', retrieval: { kind: 'local', sources: ['./none/*.md'] } } },
    });
    const base = `http://127.0.0.1:${harness.port}/v1/widget-settings`;
    const docs = await fetch(`${base}?site=docs`, { headers: { origin: 'https://anywhere.example' } });
    expect(docs.status).toBe(200);
    expect(docs.headers.get('access-control-allow-origin')).toBe('*');
    expect(await docs.json()).toEqual({
      consent: { text: { en: 'Your voice is sent to our speech service.', ja: '音声は送信されます。' }, link: 'https://example.com/privacy', remember_days: 180, typed_needs_consent: false },
    });
    expect(await (await fetch(`${base}?site=other`)).json()).toEqual({ consent: null });
    const unknown = await fetch(`${base}?site=nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('refuses a consent block check would reject: empty text, a non-http link, days out of range, an unknown key', () => {
    const text = docsSiteConfigText('    consent: { text: "", link: "javascript:alert(1)", remember_days: 5000, remember: true }');
    const result = parseConfig(text, { file: 'voice-rag.config.yaml', env: {} });
    expect(result.ok).toBe(false);
    const paths = result.errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['sites.docs.consent.text', 'sites.docs.consent.link', 'sites.docs.consent.remember_days']));
    expect(result.errors.map((e) => e.message).join('\n')).toMatch(/remember/);
  });
});
