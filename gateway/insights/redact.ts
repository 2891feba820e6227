/**
 * Removes personal data from text before it is stored: the built-in e-mail, phone and card
 * patterns and a site's own regular expressions (`insights.redact`).
 */
import type { RedactionConfig } from '../config/insights-schema.js';

export type Redactor = (text: string) => string;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// Also the spoken form a transcript may hold: "jane dot doe at example dot com".
const SPOKEN_EMAIL = /\b[\p{L}\p{N}]+(?:\s+dot\s+[\p{L}\p{N}]+)*\s+at\s+[\p{L}\p{N}-]+(?:\s+dot\s+[\p{L}\p{N}-]+)*\s+dot\s+(?:com|org|net|edu|gov|io|de|fr|uk|nl|eu|info)\b/giu;
// 13 to 19 digits, optionally grouped by spaces or dashes; kept only when the Luhn check passes.
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
// A leading + or a digit, then 7 to 15 more digits with the usual separators.
const PHONE = /(?:\+\s?|\(|\b)\d(?:[\s().-]{0,2}\d){6,14}\b/g;

/** The Luhn checksum of a digit string: true for card numbers (and few random numbers). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

const BUILT_IN: Record<'email' | 'phone' | 'card', Redactor> = {
  email: (text) => text.replace(EMAIL, '[email]').replace(SPOKEN_EMAIL, '[email]'),
  card: (text) => text.replace(CARD, (match) => (luhnValid(match.replace(/\D/g, '')) ? '[card]' : match)),
  // A number with fewer than 8 digits (a year, a version, a count) is not taken for a phone.
  phone: (text) => text.replace(PHONE, (match) => (match.replace(/\D/g, '').length >= 8 ? '[phone]' : match)),
};

// Cards first: a card number would otherwise be taken for a phone number.
const ORDER = ['email', 'card', 'phone'] as const;

/** The redactor of a site's `redact` list; built-ins run first, then the site's patterns in order. */
export function createRedactor(redactions: readonly RedactionConfig[]): Redactor {
  const steps: Redactor[] = ORDER.filter((name) => redactions.includes(name)).map((name) => BUILT_IN[name]);
  for (const entry of redactions) {
    if (typeof entry === 'string') continue;
    const pattern = new RegExp(entry.pattern, 'gu');
    steps.push((text) => text.replace(pattern, entry.replace_with));
  }
  return (text) => steps.reduce((out, step) => step(out), text);
}
