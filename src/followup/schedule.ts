/**
 * Due dates and reminder days. Pure: dates in, dates out; the caller says what "today" is.
 *
 * - A follow-up exam is due its interval after the last exams (or after it was last done).
 * - A therapy's next administration is due `everyMonths` after the last one, exactly as an exam is
 *   due after the last exams: if that date has passed, the administration is overdue and prompted
 *   at once. (It used to count from the therapy's start and skip an administration due before
 *   enrolment, so a missed infusion was never prompted: issue #18, docs/followup.md.)
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
  /**
   * The last administration, which the next one counts from. Required for a therapy the PDTA
   * gives an interval for; null only for one without (acetazolamide…) or a patient enrolled
   * before the registry asked for it (their schedule was counted from the start; see
   * `needsLastGiven`).
   */
  lastGivenOn: IsoDate | null;
  /** When the therapy started: shown, never counted from. */
  since: IsoDate | null;
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

/**
 * The administration due after the last one on `lastGivenOn`, whether or not that date has passed:
 * one already past is overdue, and the planner prompts it at its next pass.
 */
export function therapyDue(rule: ScheduleRule, lastGivenOn: IsoDate): PlannedItem {
  return { ruleId: rule.id, anchorOn: lastGivenOn, dueOn: addMonths(lastGivenOn, rule.everyMonths) };
}

/** After an item is done on `doneOn`, the next one counts from that day. */
export function nextAfterDone(rule: ScheduleRule, doneOn: IsoDate): PlannedItem {
  return { ruleId: rule.id, anchorOn: doneOn, dueOn: addMonths(doneOn, rule.everyMonths) };
}

/** Every item an enrolment puts on the schedule: each follow-up exam, and the therapy if it has a rhythm. */
export function planEnrolment(rules: ScheduleRules, enrolment: { lastExamsOn: IsoDate; therapy: TherapyOnRecord | null }): PlannedItem[] {
  const items = planExams(rules, enrolment.lastExamsOn);
  const therapy = planTherapy(rules, enrolment.therapy);
  return therapy === null ? items : [...items, therapy];
}

export function planExams(rules: ScheduleRules, lastExamsOn: IsoDate): PlannedItem[] {
  return rules.exams.map((rule) => examDue(rule, lastExamsOn));
}

/**
 * The therapy's next administration, or null for no therapy or one without an interval. A therapy
 * with an interval and no last administration is a caller's mistake (the validators refuse it):
 * thrown rather than silently left without reminders.
 */
export function planTherapy(rules: ScheduleRules, therapy: TherapyOnRecord | null): PlannedItem | null {
  if (therapy === null) return null;
  const rhythm = rules.therapy(therapy.therapyId);
  if (rhythm?.kind !== 'rhythm') return null;
  if (therapy.lastGivenOn === null) throw new Error(`${therapy.therapyId}: the last administration is needed to schedule the next`);
  return therapyDue(rhythm.rule, therapy.lastGivenOn);
}

/**
 * True for a therapy on record whose schedule cannot be trusted to prompt a missed administration:
 * one with an interval but no last administration (enrolled before the registry asked for it).
 */
export function needsLastGiven(rules: ScheduleRules, therapy: TherapyOnRecord | null): boolean {
  return therapy !== null && therapy.lastGivenOn === null && rules.therapy(therapy.therapyId)?.kind === 'rhythm';
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
