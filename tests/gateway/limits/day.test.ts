import { describe, expect, it } from 'vitest';
import { dayKey, knownZone, nextMidnight } from '../../../gateway/limits/day.js';

const at = (iso: string): number => Date.parse(iso);

describe('budget day', () => {
  it('ends at the next UTC midnight', () => {
    expect(nextMidnight(at('2026-01-15T12:00:00Z'), 'UTC')).toBe(at('2026-01-16T00:00:00Z'));
    expect(nextMidnight(at('2026-01-15T00:00:00Z'), 'UTC')).toBe(at('2026-01-16T00:00:00Z'));
    expect(nextMidnight(at('2026-12-31T23:59:59.999Z'), 'UTC')).toBe(at('2027-01-01T00:00:00Z'));
  });

  it('ends at the next midnight in the zone, summer and winter', () => {
    expect(nextMidnight(at('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(at('2026-01-16T05:00:00Z'));
    expect(nextMidnight(at('2026-07-15T12:00:00Z'), 'America/New_York')).toBe(at('2026-07-16T04:00:00Z'));
    expect(nextMidnight(at('2026-07-15T23:30:00Z'), 'Asia/Tokyo')).toBe(at('2026-07-16T15:00:00Z'));
  });

  it('spans a daylight saving change inside the day', () => {
    // Berlin moves its clocks forward at 02:00 on 2026-03-29: that day has 23 hours.
    expect(nextMidnight(at('2026-03-28T23:30:00Z'), 'Europe/Berlin')).toBe(at('2026-03-29T22:00:00Z'));
  });

  it('starts the day when the clocks jump over midnight', () => {
    // Santiago goes from 00:00 straight to 01:00 on 2026-09-06: the day starts at 04:00 UTC.
    const end = nextMidnight(at('2026-09-05T16:00:00Z'), 'America/Santiago');
    expect(end).toBe(at('2026-09-06T04:00:00Z'));
    expect(dayKey(end, 'America/Santiago')).toBe('2026-09-06');
  });

  it('names the day in the zone', () => {
    expect(dayKey(at('2026-01-16T03:00:00Z'), 'UTC')).toBe('2026-01-16');
    expect(dayKey(at('2026-01-16T03:00:00Z'), 'America/New_York')).toBe('2026-01-15');
  });

  it('falls back to UTC for a zone Intl does not know', () => {
    expect(knownZone('Mars/Olympus_Mons')).toBe('UTC');
    expect(knownZone(undefined)).toBe('UTC');
    expect(knownZone('Europe/Paris')).toBe('Europe/Paris');
  });
});
