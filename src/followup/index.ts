/**
 * Follow-up reminders for care coordinators (docs/followup.md): the registry service, the chat
 * command parser, the reminder buttons and the dispatcher `pdta serve` starts. The reminder
 * transports live with their channels (src/channels/reminderTransports.ts).
 */

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
export { ReminderDeliveryError, type ReminderTransport, type OutboundReminder } from '../core/reminders.js';
export { coordinatorPredicate, pseudonymFormatFromConfig, scheduleSettingsFromConfig, type CoordinatorPredicate, type Clock } from './settings.js';
export { FollowupChat, type ChatOutcome } from './chat.js';
export { SPECIALIST_VISITS_NOTE } from './rules.js';
