/**
 * Reminders to a Teams conversation through the Teams channel's proactive messages.
 *
 * Teams offers no way to ask "is there already a message carrying this key?": the Bot Connector
 * cannot list or search a conversation's messages for a bot, and an activity id exists only once
 * the send returned. So this transport keeps the sent activity id (recorded in the outbox) but has
 * no alreadySent(): after a crash in the instant between posting and recording, the reminder is
 * posted again. A duplicate is the lesser failure for a coordinator than a missing reminder.
 */
import { ReminderDeliveryError, type ReminderTransport } from '../../core/reminders.js';
import type { Reply } from '../../reply/model.js';
import { describeFailure } from './retry.js';

/**
 * What the Teams channel provides (its sendProactive, src/channels/teams/index.ts): post replies,
 * as Adaptive Cards from src/reply/adaptiveCard.ts, into a conversation it holds a reference for.
 * Its result carries the activity ids (`{ activityIds }`; a string, an array of ids or of
 * `{ id }` are read too).
 */
export type SendProactive = (conversationId: string, replies: Reply[]) => Promise<unknown>;

export interface TeamsReminderTransportOptions {
  /** REMINDER_TEAMS_CONVERSATION_ID */
  conversationId: string;
  sendProactive: SendProactive;
}

function activityId(result: unknown): string | null {
  if (typeof result === 'string') return result;
  if (Array.isArray(result)) {
    for (const entry of result) {
      const id = activityId(entry);
      if (id !== null) return id;
    }
    return null;
  }
  if (typeof result === 'object' && result !== null) {
    if ('activityIds' in result) return activityId(result.activityIds);
    if ('id' in result && typeof result.id === 'string') return result.id;
  }
  return null;
}

export function createTeamsReminderTransport(options: TeamsReminderTransportOptions): ReminderTransport {
  return {
    target: 'teams',
    async send(reminder) {
      try {
        const result = await options.sendProactive(options.conversationId, [reminder.reply]);
        return { messageId: activityId(result) };
      } catch (error) {
        // Retry-After in seconds or as an HTTP date (src/core/retry.ts's parseRetryAfter).
        const { status, retryAfterMs } = describeFailure(error);
        const after = status === 429 ? retryAfterMs : undefined;
        // A 4xx (throttled, forbidden, conversation gone) means the connector refused the activity.
        throw new ReminderDeliveryError(error instanceof Error ? error.message : String(error), {
          notDelivered: status !== undefined && status >= 400 && status < 500,
          ...(after !== undefined ? { retryAfterMs: after } : {}),
          cause: error,
        });
      }
    },
  };
}
