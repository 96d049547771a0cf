/**
 * The reminder transports the configuration asks for (docs/followup.md): Slack when
 * SLACK_BOT_TOKEN and REMINDER_SLACK_CHANNEL are set, Teams when REMINDER_TEAMS_CONVERSATION_ID is
 * set and the Teams channel gave its sendProactive. Empty: reminders are planned nowhere (the
 * dispatcher need not start). The transports live with their channels; the dispatcher in
 * src/followup/ takes them through the contract in src/core/reminders.ts.
 */
import type { Config } from '../config.js';
import type { ReminderTransport } from '../core/reminders.js';
import type { Logger } from '../logging.js';
import { createSlackReminderTransport } from './slack/reminderTransport.js';
import { createTeamsReminderTransport, type SendProactive } from './teams/reminderTransport.js';

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
