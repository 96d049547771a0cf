/**
 * Follow-up settings from the configuration, and who counts as a care coordinator.
 */
import type { Config } from '../config.js';
import type { ChannelMembership } from '../core/ports.js';
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

/** The platforms whose authenticated users may act on the registry. */
export const PLATFORMS = ['slack', 'teams'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * Who acts on the registry, as the registry and its audit know them: the platform and the
 * platform's user id ("slack:U0123ABCD", "teams:<Azure AD object id>"), so that one platform's
 * id never passes for a user of the other (a Teams activity claiming a Slack coordinator's id).
 */
export function platformUser(platform: Platform, userId: string): string {
  return `${platform}:${userId}`;
}

/**
 * The actor of a request no platform authenticated (the Teams endpoint in local mode, for the Bot
 * Framework Emulator): never a coordinator, whatever id it claims.
 */
export const UNAUTHENTICATED_USER = 'unauthenticated';

/** Whether a platform user (`platformUser()`) may enrol patients and act on reminders. */
export type CoordinatorPredicate = (userRef: string) => boolean | Promise<boolean>;

/**
 * Coordinators are the users listed in COORDINATOR_USER_IDS (each entry `slack:…` or `teams:…`),
 * and, when `slackChannel` is supplied (the composition root wires src/channels/slack/membership.ts),
 * the members of the coordinators' Slack channel (asked with the bare Slack user id, for Slack
 * users only).
 */
export function coordinatorPredicate(platformUserIds: readonly string[], slackChannel?: ChannelMembership): CoordinatorPredicate {
  const listed = new Set(platformUserIds);
  const slack = `${platformUser('slack', '')}`;
  return async (userRef) =>
    listed.has(userRef) || (slackChannel !== undefined && userRef.startsWith(slack) && (await slackChannel.isMember(userRef.slice(slack.length))));
}
