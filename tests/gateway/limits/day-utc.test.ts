// Budget days in UTC are computed without Intl (its zone data costs idle memory): same answers as through Intl.
import { describe, expect, it } from 'vitest';
import { dayKey, nextMidnight } from '../../../gateway/limits/day.js';

describe('UTC budget days without Intl', () => {
  it('agree with the Intl path (Etc/UTC) at every hour of a leap-year boundary and around midnight', () => {
    const start = Date.UTC(2028, 1, 28, 0, 0, 0);
    for (let hour = 0; hour < 72; hour++) {
      for (const offset of [0, 1, 59_999, 3_599_999]) {
        const instant = start + hour * 3_600_000 + offset;
        expect(dayKey(instant, 'UTC')).toBe(dayKey(instant, 'Etc/UTC'));
        expect(nextMidnight(instant, 'UTC')).toBe(nextMidnight(instant, 'Etc/UTC'));
      }
    }
    expect(dayKey(Date.UTC(2028, 1, 29, 23, 59, 59), 'UTC')).toBe('2028-02-29');
    expect(nextMidnight(Date.UTC(2028, 1, 29, 12), 'UTC')).toBe(Date.UTC(2028, 2, 1));
  });
});
