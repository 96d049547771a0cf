/**
 * Calendar dates and the instants reminders go out at. Pure: no clock.
 *
 * A due date is a calendar date ("2026-04-10"), not an instant: the PDTA counts in months and a
 * coordinator books by day. Dates travel as ISO strings (YYYY-MM-DD), which sort and compare as
 * text and mean the same on every engine and in every time zone; the store keeps them so too.
 *
 * The instant a reminder is sent is computed with Intl in Europe/Rome, so 09:00 stays 09:00 for
 * the coordinators across daylight-saving changes (08:00Z in winter, 07:00Z in summer) without a
 * time-zone library: Node's ICU carries the tz database.
 */

/** An ISO calendar date, YYYY-MM-DD. */
export type IsoDate = string;

export const DEFAULT_TIME_ZONE = 'Europe/Rome';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Ymd {
  year: number;
  month: number; // 1-12
  day: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parts(date: IsoDate): Ymd {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not an ISO date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  const ymd = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  if (ymd.month < 1 || ymd.month > 12 || ymd.day < 1 || ymd.day > daysInMonth(ymd.year, ymd.month)) {
    throw new RangeError(`no such date: ${date}`);
  }
  return ymd;
}

function format({ year, month, day }: Ymd): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** True for a real calendar date in ISO form (2028-02-29 yes, 2026-02-29 no). */
export function isIsoDate(value: string): boolean {
  try {
    parts(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a date as a coordinator types it: 2026-03-01, or the Italian 1/3/2026, 01/03/2026,
 * 01.03.2026, 01-03-2026 (day first). Returns null for anything else or a date that does not exist.
 */
export function parseUserDate(text: string): IsoDate | null {
  const trimmed = text.trim();
  if (ISO_DATE.test(trimmed)) return isIsoDate(trimmed) ? trimmed : null;
  const dayFirst = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(trimmed);
  if (!dayFirst) return null;
  const candidate = format({ year: Number(dayFirst[3]), month: Number(dayFirst[2]), day: Number(dayFirst[1]) });
  return isIsoDate(candidate) ? candidate : null;
}

/**
 * `date` plus `months` calendar months, clamped to the end of the month: 31 January + 1 month is
 * 28 February (29 in a leap year), never 3 March. Schedules always count from their anchor
 * (anchor + 3k months), never step by step, so a clamp does not drift: 31 Jan + 3 = 30 Apr but
 * 31 Jan + 6 = 31 Jul.
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  if (!Number.isInteger(months)) throw new RangeError(`months must be an integer, got ${months}`);
  const { year, month, day } = parts(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return format({ year: y, month: m, day: Math.min(day, daysInMonth(y, m)) });
}

export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`days must be an integer, got ${days}`);
  const { year, month, day } = parts(date);
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return format({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  const a = parts(from);
  const b = parts(to);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}

/** 0 Sunday … 6 Saturday. */
export function weekday(date: IsoDate): number {
  const { year, month, day } = parts(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** The Monday of the week holding `date` (weeks start on Monday in Italy). */
export function mondayOf(date: IsoDate): IsoDate {
  return addDays(date, -((weekday(date) + 6) % 7));
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return a >= b ? a : b;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallTime extends Ymd {
  hour: number;
  minute: number;
  second: number;
}

function wallTime(instant: Date, timeZone: string): WallTime {
  const values: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') values[part.type] = Number(part.value);
  }
  return {
    year: values.year ?? Number.NaN,
    month: values.month ?? Number.NaN,
    day: values.day ?? Number.NaN,
    hour: values.hour ?? Number.NaN,
    minute: values.minute ?? Number.NaN,
    second: values.second ?? Number.NaN,
  };
}

/** The zone's offset from UTC at `instant`, in milliseconds (Rome: +1 h in winter, +2 h in summer). */
function offsetMs(instant: Date, timeZone: string): number {
  const w = wallTime(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The calendar date in `timeZone` at `instant` ("today" for the coordinators). */
export function dateInZone(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): IsoDate {
  return format(wallTime(instant, timeZone));
}

/**
 * The instant at which the clock on the wall in `timeZone` shows `hour`:00 on `date`.
 * 09:00 Europe/Rome is 08:00Z in winter and 07:00Z in summer. An hour that does not exist (02:00
 * on the last Sunday of March) is taken as the first instant after the gap (03:00 CEST); an hour
 * that happens twice (02:00 on the last Sunday of October) as the first of the two.
 */
export function zonedInstant(date: IsoDate, hour: number, timeZone: string = DEFAULT_TIME_ZONE): Date {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new RangeError(`hour must be 0-23, got ${hour}`);
  const { year, month, day } = parts(date);
  const asUtc = Date.UTC(year, month - 1, day, hour);
  // Offsets either side of the wanted wall time: a day earlier and a day later are outside any
  // transition, so between them they hold the offset before and the offset after a change.
  const before = offsetMs(new Date(asUtc - 86_400_000), timeZone);
  const after = offsetMs(new Date(asUtc + 86_400_000), timeZone);
  // Earlier candidate first: for a repeated hour, the first occurrence.
  const candidates = [asUtc - Math.max(before, after), asUtc - Math.min(before, after)];
  for (const t of candidates) {
    const w = wallTime(new Date(t), timeZone);
    if (w.year === year && w.month === month && w.day === day && w.hour === hour && w.minute === 0) return new Date(t);
  }
  // In the gap: the wall clock jumped over this hour. The instant of the jump is the start of the
  // next existing hour, which is asUtc minus the offset in force before the change.
  return new Date(asUtc - before);
}
