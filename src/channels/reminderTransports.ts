/**
 * The reminder transports the configuration asks for (docs/followup.md): Slack when
 * SLACK_BOT_TOKEN and REMINDER_SLACK_CHANNEL are set, Teams when REMINDER_TEAMS_CONVERSATION_ID is
 * set and the Teams channel gave its sendProactive. Empty: reminders are planned nowhere (the
 * dispatcher need not start). The transports live with their channels; the dispatcher in
 * src/followup/ takes them through the contract in src/core/reminders.ts. Slack reminders go
 * through the outbound proxy and the per-channel pacer answers use (`slackPacer`, handed in by the
 * composition root), so that they share each channel's pace.
 */
import type { Config } from '../config.js';
import type { ReminderTransport } from '../core/reminders.js';
import { createLogger, type Logger } from '../logging.js';
import { outboundProxy } from '../server/outboundProxy.js';
import { ChannelPacer } from './slack/channelPacer.js';
import { createSlackReminderTransport } from './slack/reminderTransport.js';
import { createTeamsReminderTransport, type SendProactive } from './teams/reminderTransport.js';

export function reminderTransportsFromConfig(
  config: Config,
  deps: {
    logger?: Logger;
    sendProactive?: SendProactive;
    /** The pacer the Slack channel's answers go through; default one of the reminders' own, at SLACK_CHANNEL_PACE_MS. */
    slackPacer?: ChannelPacer;
  } = {},
): ReminderTransport[] {
  const transports: ReminderTransport[] = [];
  if (config.SLACK_BOT_TOKEN && config.REMINDER_SLACK_CHANNEL) {
    transports.push(
      createSlackReminderTransport({
        token: config.SLACK_BOT_TOKEN,
        channel: config.REMINDER_SLACK_CHANNEL,
        ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
        ...(deps.logger ? { logger: deps.logger } : {}),
        fetch: outboundProxy(config).fetch,
        pacer: deps.slackPacer ?? slackChannelPacer(config, deps.logger),
      }),
    );
  }
  if (config.REMINDER_TEAMS_CONVERSATION_ID && deps.sendProactive) {
    transports.push(createTeamsReminderTransport({ conversationId: config.REMINDER_TEAMS_CONVERSATION_ID, sendProactive: deps.sendProactive }));
  }
  return transports;
}

/** The pacer for posts into Slack channels (SLACK_CHANNEL_PACE_MS): build one per process and hand it to the Slack channel and its reminders. */
export function slackChannelPacer(config: Pick<Config, 'SLACK_CHANNEL_PACE_MS'>, logger: Logger = createLogger('silent')): ChannelPacer {
  return new ChannelPacer({ paceMs: config.SLACK_CHANNEL_PACE_MS, logger: logger.child({ channel: 'slack' }) });
}
