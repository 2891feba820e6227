/** PII redaction before storage: the built-in e-mail, phone and card patterns, and a site's own. */
import { describe, expect, it } from 'vitest';
import { insightsSchema } from '../../../gateway/config/insights-schema.js';
import { createRedactor, luhnValid } from '../../../gateway/insights/redact.js';

const defaults = createRedactor(insightsSchema.parse({ store: 'x.sqlite' }).redact);

describe('the default redactions', () => {
  it.each([
    ['write to jane.doe+shop@example.co.uk please', 'write to [email] please'],
    ['my address is JANE_DOE@Example.com.', 'my address is [email].'],
    ['it is jane dot doe at example dot com', 'it is [email]'],
    ['mail j doe at mail dot example dot org thanks', 'mail j [email] thanks'],
    ['call +44 20 7946 0958 today', 'call [phone] today'],
    ['call (555) 123-4567', 'call [phone]'],
    ['my card is 4111 1111 1111 1111', 'my card is [card]'],
    ['card 5500-0000-0000-0004 expired', 'card [card] expired'],
  ])('%s', (input, expected) => {
    expect(defaults(input)).toBe(expected);
  });

  it('leaves numbers that are not personal alone', () => {
    expect(defaults('returns within 45 days since 2026, version 3.14.1')).toBe('returns within 45 days since 2026, version 3.14.1');
    expect(defaults('what is at the end of the page')).toBe('what is at the end of the page');
  });

  it('takes a 16-digit number that fails the Luhn check for a phone-like number, not a card', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(defaults('order 4111 1111 1111 1112')).not.toContain('[card]');
  });
});

describe('a site’s own redactions', () => {
  it('applies its patterns after the built-ins, and only the ones it lists', () => {
    const config = insightsSchema.parse({ store: 'x.sqlite', redact: ['email', { pattern: '\\bORD-\\d{6}\\b', replace_with: '[order]' }] });
    const redact = createRedactor(config.redact);
    expect(redact('order ORD-123456 for a@b.io, call 0171 234 5678')).toBe('order [order] for [email], call 0171 234 5678');
  });

  it('an empty list stores text as given', () => {
    expect(createRedactor([])('a@b.io')).toBe('a@b.io');
  });

  it('refuses a pattern that does not compile', () => {
    const result = insightsSchema.safeParse({ store: 'x.sqlite', redact: [{ pattern: '(' }] });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(/valid regular expression/);
  });
});
