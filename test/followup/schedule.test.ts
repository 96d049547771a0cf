import { describe, expect, it } from 'vitest';
import { zonedInstant } from '../../src/followup/dates.js';
import { scheduleRules, SPECIALIST_VISITS_NOTE } from '../../src/followup/rules.js';
import { DEFAULT_SCHEDULE_SETTINGS, firstReminderOn, nextAfterDone, nextReminderOn, planEnrolment } from '../../src/followup/schedule.js';
import { content } from './fixtures.js';

const rules = scheduleRules(content());

type Therapy = { therapyId: string; lastGivenOn: string | null; since?: string | null };

function dues(lastExamsOn: string, therapy: Therapy | null): Record<string, string> {
  const onRecord = therapy === null ? null : { since: null, ...therapy };
  return Object.fromEntries(planEnrolment(rules, { lastExamsOn, therapy: onRecord }).map((p) => [p.ruleId, p.dueOn]));
}

describe('what the PDTA schedules, read from content/', () => {
  it('has the two follow-up exams of chapter 6, every 12 and every 6 months', () => {
    expect(rules.exams.map((r) => [r.id, r.everyMonths])).toEqual([
      ['followup.phospho-calcium-complete', 12],
      ['followup.phosphate-metabolism', 6],
    ]);
  });

  it('takes the therapy rhythm from the dose rows: neridronate every 3 months, zoledronate yearly', () => {
    expect(rules.rule('therapy.neridronate')?.everyMonths).toBe(3);
    expect(rules.rule('therapy.zoledronate')?.everyMonths).toBe(12);
    // Daily or weekly therapies carry no month interval in the table: no administration reminders.
    expect(rules.therapy('therapy.acetazolamide')?.kind).toBe('none');
    expect(rules.therapy('therapy.alendronate')?.kind).toBe('none');
  });

  it('gives specialist visits no schedule, since the PDTA states indications, not intervals', () => {
    expect(content().specialists.length).toBeGreaterThan(0);
    for (const s of content().specialists) expect(rules.rule(s.id)).toBeUndefined();
    expect(SPECIALIST_VISITS_NOTE.it).toContain('non un intervallo');
  });

  it('follows content/ when it changes, with nothing hard-coded', () => {
    const edited = structuredClone(content());
    edited.followup[1]!.everyMonths = 4;
    const neridronate = edited.therapies.find((t) => t.id === 'therapy.neridronate')!;
    if (neridronate.adult.kind === 'fixed') neridronate.adult.dose.everyMonths = 2;
    if (neridronate.paediatric.kind === 'per-kg') neridronate.paediatric.rule.everyMonths = 2;
    const changed = scheduleRules(edited);
    expect(changed.rule('followup.phosphate-metabolism')?.everyMonths).toBe(4);
    expect(changed.rule('therapy.neridronate')?.everyMonths).toBe(2);
  });
});

describe('due dates of an enrolment', () => {
  it('counts the exams from the last exams and the therapy from its last administration (the example enrolment)', () => {
    expect(dues('2026-03-01', { therapyId: 'therapy.neridronate', lastGivenOn: '2026-01-10', since: '2025-10-10' })).toEqual({
      'followup.phospho-calcium-complete': '2027-03-01',
      'followup.phosphate-metabolism': '2026-09-01',
      'therapy.neridronate': '2026-04-10',
    });
  });

  it('never counts from the therapy start: only the last administration moves the next one', () => {
    const a = dues('2026-03-01', { therapyId: 'therapy.neridronate', lastGivenOn: '2026-09-01', since: '2025-01-01' });
    const b = dues('2026-03-01', { therapyId: 'therapy.neridronate', lastGivenOn: '2026-09-01', since: null });
    expect(a['therapy.neridronate']).toBe('2026-12-01');
    expect(b['therapy.neridronate']).toBe('2026-12-01');
  });

  it('clamps at month ends: exams on 31 August are next due on 28 February', () => {
    expect(dues('2026-08-31', null)).toEqual({
      'followup.phospho-calcium-complete': '2027-08-31',
      'followup.phosphate-metabolism': '2027-02-28',
    });
  });

  it('lands on 29 February 2028 in the leap year, and counts on from it', () => {
    expect(dues('2027-08-31', null)['followup.phosphate-metabolism']).toBe('2028-02-29');
    expect(dues('2028-02-29', null)).toEqual({
      'followup.phospho-calcium-complete': '2029-02-28',
      'followup.phosphate-metabolism': '2028-08-29',
    });
  });

  it('counts neridronate 3 months from a last administration on the 31st, clamped to the month end', () => {
    const due = (lastGivenOn: string) => dues('2026-03-01', { therapyId: 'therapy.neridronate', lastGivenOn })['therapy.neridronate'];
    expect(due('2026-01-31')).toBe('2026-04-30');
    expect(due('2025-11-30')).toBe('2026-02-28');
    expect(due('2027-11-30')).toBe('2028-02-29');
    expect(due('2026-08-31')).toBe('2026-11-30');
  });

  it('counts yearly zoledronate from a last administration on 29 February', () => {
    expect(dues('2026-03-01', { therapyId: 'therapy.zoledronate', lastGivenOn: '2024-02-29' })['therapy.zoledronate']).toBe('2025-02-28');
    expect(dues('2026-03-01', { therapyId: 'therapy.zoledronate', lastGivenOn: '2027-02-28' })['therapy.zoledronate']).toBe('2028-02-28');
  });

  it('keeps a next administration that is already past: it is overdue, not skipped', () => {
    // Issue #18: on neridronate since 2026-09-01 and not given since, 2026-12-01 is due, whatever today is.
    expect(dues('2026-11-01', { therapyId: 'therapy.neridronate', lastGivenOn: '2026-09-01' })['therapy.neridronate']).toBe('2026-12-01');
  });

  it('schedules no therapy reminder for a therapy without a rhythm', () => {
    expect(Object.keys(dues('2026-03-01', { therapyId: 'therapy.acetazolamide', lastGivenOn: null, since: '2026-01-10' }))).toEqual([
      'followup.phospho-calcium-complete',
      'followup.phosphate-metabolism',
    ]);
  });

  it('refuses to schedule a therapy with an interval but no last administration, rather than drop its reminders', () => {
    expect(() => dues('2026-03-01', { therapyId: 'therapy.neridronate', lastGivenOn: null, since: '2026-01-10' })).toThrow(/last administration/);
  });

  it('counts the next occurrence from the day it was done', () => {
    const rule = rules.rule('followup.phosphate-metabolism')!;
    expect(nextAfterDone(rule, '2026-08-31').dueOn).toBe('2027-02-28');
  });
});

describe('when reminders go out', () => {
  const settings = DEFAULT_SCHEDULE_SETTINGS;
  const sendInstant = (due: string) => zonedInstant(firstReminderOn(due, settings), settings.hour, settings.timeZone).toISOString();

  it('is 7 days before the due date at 09:00 Rome: 08:00Z in winter, 07:00Z in summer', () => {
    expect(sendInstant('2026-04-04')).toBe('2026-03-28T08:00:00.000Z'); // Saturday before the change
    expect(sendInstant('2026-04-05')).toBe('2026-03-29T07:00:00.000Z'); // last Sunday of March 2026
    expect(sendInstant('2026-10-31')).toBe('2026-10-24T07:00:00.000Z');
    expect(sendInstant('2026-11-01')).toBe('2026-10-25T08:00:00.000Z'); // last Sunday of October 2026
    expect(sendInstant('2028-03-07')).toBe('2028-02-29T08:00:00.000Z');
  });

  it('follows REMINDER_LEAD_DAYS and REMINDER_HOUR', () => {
    const s = { ...settings, leadDays: 14, hour: 8 };
    expect(zonedInstant(firstReminderOn('2026-07-15', s), s.hour).toISOString()).toBe('2026-07-01T06:00:00.000Z');
  });

  it('prompts an overdue item again every 7 days after its due date', () => {
    expect(nextReminderOn('2026-03-09', '2026-03-02', settings)).toBe('2026-03-16');
    expect(nextReminderOn('2026-03-09', '2026-03-16', settings)).toBe('2026-03-23');
    // Caught up late (after downtime): a week from the day it went out, never two in a row.
    expect(nextReminderOn('2026-03-09', '2026-03-20', settings)).toBe('2026-03-27');
  });
});
