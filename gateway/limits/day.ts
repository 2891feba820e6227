/**
 * Budget days start at midnight in a configured IANA zone. Intl gives the wall clock of an
 * instant; the instant of the next midnight is found from the zone's offset.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: number, timeZone: string): WallClock {
  // UTC (the default) needs no Intl: its time-zone data costs ≈ 7 MB of resident memory once touched.
  if (timeZone === 'UTC') {
    const date = new Date(instant);
    const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    return { year, month, day, hour: date.getUTCHours(), minute: date.getUTCMinutes(), second: date.getUTCSeconds() };
  }
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** The zone's offset from UTC at `instant`, in ms (positive east of Greenwich). */
function offsetMs(instant: number, timeZone: string): number {
  const wall = wallClock(instant, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000));
}

/** `timeZone` if Intl knows it, else UTC (the schema accepts any string; a typo must not break admission). */
export function knownZone(timeZone: string | undefined): string {
  if (!timeZone || timeZone === 'UTC') return 'UTC';
  try {
    formatter(timeZone);
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** The calendar day of `instant` in `timeZone`, as YYYY-MM-DD (the budget counter's name). */
export function dayKey(instant: number, timeZone: string): string {
  const wall = wallClock(instant, timeZone);
  return `${wall.year}-${String(wall.month).padStart(2, '0')}-${String(wall.day).padStart(2, '0')}`;
}

/** The first instant after `instant` that falls on the next calendar day in `timeZone`. */
export function nextMidnight(instant: number, timeZone: string): number {
  const wall = wallClock(instant, timeZone);
  const today = dayKey(instant, timeZone);
  const midnightAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day + 1);
  const first = midnightAsUtc - offsetMs(instant, timeZone);
  const second = midnightAsUtc - offsetMs(first, timeZone);
  // Where a DST change skips midnight, the second guess lands on the old day: the first
  // guess is then the instant the clocks jump, which is when the new day starts.
  const candidates = [first, second].filter((candidate) => candidate > instant && dayKey(candidate, timeZone) !== today);
  return candidates.length > 0 ? Math.min(...candidates) : first;
}
