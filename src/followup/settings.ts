/**
 * Follow-up settings from the configuration, and who counts as a care coordinator.
 */
import type { Config } from '../config.js';
import { pseudonymFormat, type PseudonymFormat } from './codes.js';
import { DEFAULT_SCHEDULE_SETTINGS, type ScheduleSettings } from './schedule.js';

export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export function scheduleSettingsFromConfig(config: Config): ScheduleSettings {
  return {
    ...DEFAULT_SCHEDULE_SETTINGS,
    leadDays: config.REMINDER_LEAD_DAYS,
    hour: config.REMINDER_HOUR,
    overdueEveryDays: config.REMINDER_OVERDUE_EVERY_DAYS,
    lang: config.REMINDER_LANG,
  };
}

/** The patient codes' format: PSEUDONYM_PATTERN, or the strict default. */
export function pseudonymFormatFromConfig(config: Pick<Config, 'PSEUDONYM_PATTERN'>): PseudonymFormat {
  return pseudonymFormat(config.PSEUDONYM_PATTERN);
}

/** Whether a platform user may enrol patients and act on reminders. */
export type CoordinatorPredicate = (userRef: string) => boolean | Promise<boolean>;

/**
 * Coordinators are the users listed in COORDINATOR_USER_IDS, and, when the channel supplies
 * `isCoordinatorChannelMember` (membership of the coordinators' Slack channel or Teams team),
 * the members of that channel.
 */
export function coordinatorPredicate(
  userIds: readonly string[],
  isCoordinatorChannelMember?: (userRef: string) => Promise<boolean>,
): CoordinatorPredicate {
  const listed = new Set(userIds);
  return async (userRef) => listed.has(userRef) || (isCoordinatorChannelMember !== undefined && (await isCoordinatorChannelMember(userRef)));
}
