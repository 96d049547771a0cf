import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, dateInZone, daysBetween, mondayOf, parseUserDate, weekday, zonedInstant } from '../../src/followup/dates.js';

describe('month arithmetic for follow-up intervals', () => {
  it('clamps to the end of a shorter month: 31 January + 1 month is 28 February', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-08-31', 3)).toBe('2026-11-30');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
  });

  it('knows leap years: 29 February 2028 exists, 2100 is not a leap year', () => {
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2027-08-29', 6)).toBe('2028-02-29');
    expect(addMonths('2028-02-29', 12)).toBe('2029-02-28');
    expect(addMonths('2028-02-29', 48)).toBe('2032-02-29');
    expect(addMonths('2099-08-31', 6)).toBe('2100-02-28');
    expect(addMonths('2000-01-31', 1)).toBe('2000-02-29');
  });

  it('crosses year ends both ways', () => {
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2026-12-15', 12)).toBe('2027-12-15');
    expect(addMonths('2027-01-15', -2)).toBe('2026-11-15');
  });

  it('keeps the day when the target month has it, and never goes past the month (property)', () => {
    const date = fc
      .record({ y: fc.integer({ min: 1990, max: 2200 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
      .map(({ y, m, d }) => {
        const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
        return `${y}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
      });
    fc.assert(
      fc.property(date, fc.integer({ min: -240, max: 240 }), (d, n) => {
        const out = addMonths(d, n);
        const [y, m, day] = d.split('-').map(Number) as [number, number, number];
        const [oy, om, oday] = out.split('-').map(Number) as [number, number, number];
        const index = y * 12 + m - 1 + n;
        expect(oy * 12 + om - 1).toBe(index);
        const last = new Date(Date.UTC(oy, om, 0)).getUTCDate();
        expect(oday).toBe(Math.min(day, last));
      }),
    );
  });

  it('adds days and counts them across leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(daysBetween('2028-02-01', '2028-03-01')).toBe(29);
    expect(daysBetween('2026-03-09', '2026-03-02')).toBe(-7);
  });

  it('finds the Monday of the week (weeks start on Monday)', () => {
    expect(weekday('2026-03-02')).toBe(1);
    expect(mondayOf('2026-03-08')).toBe('2026-03-02');
    expect(mondayOf('2026-03-02')).toBe('2026-03-02');
    expect(mondayOf('2026-03-01')).toBe('2026-02-23');
  });

  it('reads dates as coordinators type them and refuses impossible ones', () => {
    expect(parseUserDate('2026-03-01')).toBe('2026-03-01');
    expect(parseUserDate('1/3/2026')).toBe('2026-03-01');
    expect(parseUserDate('01.03.2026')).toBe('2026-03-01');
    expect(parseUserDate('29/02/2028')).toBe('2028-02-29');
    expect(parseUserDate('29/02/2026')).toBeNull();
    expect(parseUserDate('2026-02-30')).toBeNull();
    expect(parseUserDate('03/01/26')).toBeNull();
    expect(parseUserDate('domani')).toBeNull();
  });
});

describe('09:00 Europe/Rome as a UTC instant, across daylight-saving changes', () => {
  it('is 08:00Z in winter and 07:00Z in summer, around the last Sunday of March 2026', () => {
    expect(zonedInstant('2026-03-28', 9).toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(zonedInstant('2026-03-29', 9).toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(zonedInstant('2026-03-30', 9).toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  it('goes back to 08:00Z after the last Sunday of October 2026', () => {
    expect(zonedInstant('2026-10-24', 9).toISOString()).toBe('2026-10-24T07:00:00.000Z');
    expect(zonedInstant('2026-10-25', 9).toISOString()).toBe('2026-10-25T08:00:00.000Z');
    expect(zonedInstant('2026-10-26', 9).toISOString()).toBe('2026-10-26T08:00:00.000Z');
  });

  it('takes an hour skipped in March as the first instant after the gap, a repeated one in October as the first', () => {
    // 02:00 does not exist on 29 March 2026: clocks jump from 02:00 CET to 03:00 CEST (01:00Z).
    expect(zonedInstant('2026-03-29', 2).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    // 02:00 happens twice on 25 October 2026: first at 00:00Z (CEST), again at 01:00Z (CET).
    expect(zonedInstant('2026-10-25', 2).toISOString()).toBe('2026-10-25T00:00:00.000Z');
  });

  it('knows the Rome calendar date of an instant near midnight', () => {
    expect(dateInZone(new Date('2026-03-28T23:30:00Z'))).toBe('2026-03-29');
    expect(dateInZone(new Date('2026-07-01T21:59:00Z'))).toBe('2026-07-01');
    expect(dateInZone(new Date('2026-07-01T22:00:00Z'))).toBe('2026-07-02');
  });

  it('puts every hour except the skipped one on the right Rome wall clock (property)', () => {
    const wall = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 30 }), fc.integer({ min: 0, max: 23 }), (offset, hour) => {
        const day = addDays('2020-01-01', offset);
        const instant = zonedInstant(day, hour);
        expect(dateInZone(instant)).toBe(day);
        const [h, m] = wall.format(instant).split(':').map(Number) as [number, number];
        expect(m).toBe(0);
        // Only 02:00 on the last Sunday of March is missing; it becomes 03:00.
        if (h !== hour) expect([hour, h]).toEqual([2, 3]);
      }),
      { numRuns: 2000 },
    );
  });
});
