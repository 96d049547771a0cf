/**
 * Due dates and reminder days. Pure: dates in, dates out; the caller says what "today" is.
 *
 * - A follow-up exam is due its interval after the last exams (or after it was last done).
 * - A therapy is due every `everyMonths` from the day it started: the first such date on or after
 *   enrolment (an administration that fell before the patient was enrolled is taken as given; a
 *   coordinator who knows otherwise enrols with the date of the last administration instead).
 * - The first reminder goes out `leadDays` before the due date; an item not done by its due date is
 *   prompted again every `overdueEveryDays` until it is done or marked not applicable.
 */
import { addDays, addMonths, maxDate, type IsoDate } from './dates.js';
import type { ScheduleRule, ScheduleRules } from './rules.js';

export interface ScheduleSettings {
  /** Days before the due date that the first reminder goes out (REMINDER_LEAD_DAYS). */
  leadDays: number;
  /** The hour, on the wall clock of `timeZone`, reminders go out at (REMINDER_HOUR). */
  hour: number;
  /** How often an overdue item is prompted again (REMINDER_OVERDUE_EVERY_DAYS). */
  overdueEveryDays: number;
  /** What the snooze button postpones by. */
  snoozeDays: number;
  /** How far ahead the weekly digest looks. */
  digestDays: number;
  timeZone: string;
  lang: 'it' | 'en';
}

export const DEFAULT_SCHEDULE_SETTINGS: ScheduleSettings = {
  leadDays: 7,
  hour: 9,
  overdueEveryDays: 7,
  snoozeDays: 7,
  digestDays: 30,
  timeZone: 'Europe/Rome',
  lang: 'it',
};

export interface TherapyOnRecord {
  therapyId: string;
  since: IsoDate;
}

export interface PlannedItem {
  ruleId: string;
  /** The date the interval counts from. */
  anchorOn: IsoDate;
  dueOn: IsoDate;
}

/** The exam due after exams done on `lastOn`. */
export function examDue(rule: ScheduleRule, lastOn: IsoDate): PlannedItem {
  return { ruleId: rule.id, anchorOn: lastOn, dueOn: addMonths(lastOn, rule.everyMonths) };
}

/** The first administration on or after `today` of a therapy given every `everyMonths` since `since`. */
export function therapyDue(rule: ScheduleRule, since: IsoDate, today: IsoDate): PlannedItem {
  let k = 1;
  // Counted from the anchor each time (since + k·n months), so a 31st never drifts to the 28th.
  while (addMonths(since, k * rule.everyMonths) < today) k += 1;
  return { ruleId: rule.id, anchorOn: since, dueOn: addMonths(since, k * rule.everyMonths) };
}

/** After an item is done on `doneOn`, the next one counts from that day. */
export function nextAfterDone(rule: ScheduleRule, doneOn: IsoDate): PlannedItem {
  return { ruleId: rule.id, anchorOn: doneOn, dueOn: addMonths(doneOn, rule.everyMonths) };
}

/** Every item an enrolment puts on the schedule: each follow-up exam, and the therapy if it has a rhythm. */
export function planEnrolment(
  rules: ScheduleRules,
  enrolment: { lastExamsOn: IsoDate; therapy: TherapyOnRecord | null },
  today: IsoDate,
): PlannedItem[] {
  const items = planExams(rules, enrolment.lastExamsOn);
  const therapy = planTherapy(rules, enrolment.therapy, today);
  return therapy === null ? items : [...items, therapy];
}

export function planExams(rules: ScheduleRules, lastExamsOn: IsoDate): PlannedItem[] {
  return rules.exams.map((rule) => examDue(rule, lastExamsOn));
}

export function planTherapy(rules: ScheduleRules, therapy: TherapyOnRecord | null, today: IsoDate): PlannedItem | null {
  if (therapy === null) return null;
  const rhythm = rules.therapy(therapy.therapyId);
  return rhythm?.kind === 'rhythm' ? therapyDue(rhythm.rule, therapy.since, today) : null;
}

/** The day of an item's first reminder: `leadDays` before it is due. */
export function firstReminderOn(dueOn: IsoDate, settings: Pick<ScheduleSettings, 'leadDays'>): IsoDate {
  return addDays(dueOn, -settings.leadDays);
}

/**
 * After a reminder on `day`, the day of the next one if the item is still open: a week (by
 * default) after the due date, then every week; a reminder sent late (after downtime) counts from
 * the day it went out, so catching up never sends two in a row.
 */
export function nextReminderOn(dueOn: IsoDate, day: IsoDate, settings: Pick<ScheduleSettings, 'overdueEveryDays'>): IsoDate {
  return addDays(maxDate(dueOn, day), settings.overdueEveryDays);
}
