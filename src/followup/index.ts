/**
 * Follow-up reminders for care coordinators (docs/followup.md): the registry service, the chat
 * command parser, the reminder buttons, the transports and the dispatcher `pdta serve` starts.
 */
import type { Config } from '../config.js';
import type { Logger } from '../logging.js';
import { createSlackReminderTransport } from './slackTransport.js';
import { createTeamsReminderTransport, type SendProactive } from './teamsTransport.js';
import type { ReminderTransport } from './transport.js';

export { FollowupService, type ItemView, type PatientView, type ImportReport, type ImportLine, type ExportRow } from './service.js';
export { parseFollowupCommand, parseEnrolmentCommand, type FollowupCommand, type CommandParse, type EnrolmentParse } from './command.js';
export { validateEnrolment, type EnrolmentInput, type EnrolmentRequest } from './enrolment.js';
export { checkPatientCode } from './codes.js';
export { FollowupError, type Problem } from './errors.js';
export {
  FOLLOWUP_BUTTON_PREFIX,
  FOLLOWUP_VERBS,
  followupButtonValue,
  parseFollowupButtonValue,
  isFollowupButtonValue,
  handleFollowupButton,
  type FollowupVerb,
  type FollowupButtonResult,
} from './buttons.js';
export { reminderReply, type ReminderPayload } from './message.js';
export { ReminderPlanner } from './planner.js';
export { startDispatcher, createDispatcher, type DispatcherOptions, type RunningDispatcher } from './dispatcher.js';
export { ReminderDeliveryError, type ReminderTransport, type OutboundReminder } from './transport.js';
export { createSlackReminderTransport, REMINDER_EVENT_TYPE } from './slackTransport.js';
export { createTeamsReminderTransport, type SendProactive } from './teamsTransport.js';
export { coordinatorPredicate, pseudonymFormatFromConfig, scheduleSettingsFromConfig, type CoordinatorPredicate, type Clock } from './settings.js';
export { slackChannelMembership, type SlackChannelMembershipOptions } from './slackMembership.js';
export { FollowupChat, type ChatOutcome } from './chat.js';
export { SPECIALIST_VISITS_NOTE } from './rules.js';

/**
 * The transports the configuration asks for: Slack when SLACK_BOT_TOKEN and REMINDER_SLACK_CHANNEL
 * are set, Teams when REMINDER_TEAMS_CONVERSATION_ID is set and the Teams channel gave its
 * sendProactive. Empty: reminders are planned nowhere (the dispatcher need not start).
 */
export function reminderTransportsFromConfig(
  config: Config,
  deps: { logger?: Logger; sendProactive?: SendProactive } = {},
): ReminderTransport[] {
  const transports: ReminderTransport[] = [];
  if (config.SLACK_BOT_TOKEN && config.REMINDER_SLACK_CHANNEL) {
    transports.push(
      createSlackReminderTransport({
        token: config.SLACK_BOT_TOKEN,
        channel: config.REMINDER_SLACK_CHANNEL,
        ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
        ...(deps.logger ? { logger: deps.logger } : {}),
      }),
    );
  }
  if (config.REMINDER_TEAMS_CONVERSATION_ID && deps.sendProactive) {
    transports.push(createTeamsReminderTransport({ conversationId: config.REMINDER_TEAMS_CONVERSATION_ID, sendProactive: deps.sendProactive }));
  }
  return transports;
}
