/**
 * A reminder message after someone pressed one of its buttons (docs/followup.md): chat.update
 * replaces it with the reminder as it now stands, rendered as every answer is
 * (src/reply/blockKit.ts), its stale buttons gone and a closing line saying who did what and when
 * (the pseudonymous code, a Slack mention of the person, the time). Nobody presses a button that
 * no longer means anything; an old copy elsewhere (a forwarded one) still gets "already done".
 *
 * The message keeps its metadata: the dispatcher's "already delivered?" check finds a reminder by
 * the key in it, so the key is sent back with the update when the action payload carried it.
 */
import type { BlockAction, ButtonAction, webApi } from '@slack/bolt';
import { actedLine, type ActedReminder } from '../../core/reminders.js';
import { escapeMrkdwn, renderBlockKitMessage, type MessageMetadata } from '../../reply/blockKit.js';
import { REMINDER_EVENT_TYPE } from './reminderTransport.js';

/** The message a button was pressed on, when it is one chat.update can change (not ephemeral, not a view). */
export function pressedMessage(body: BlockAction<ButtonAction>): { channel: string; ts: string; metadata?: MessageMetadata } | null {
  const container = body.container as Record<string, unknown>;
  if (body.view !== undefined || container['type'] !== 'message' || container['is_ephemeral'] === true) return null;
  const channel = body.channel?.id ?? (typeof container['channel_id'] === 'string' ? container['channel_id'] : undefined);
  const ts = typeof container['message_ts'] === 'string' ? container['message_ts'] : body.message?.ts;
  if (!channel || !ts) return null;
  const metadata = (body.message as { metadata?: { event_type?: unknown; event_payload?: unknown } } | undefined)?.metadata;
  const kept =
    metadata?.event_type === REMINDER_EVENT_TYPE && typeof metadata.event_payload === 'object' && metadata.event_payload !== null
      ? { metadata: { event_type: REMINDER_EVENT_TYPE, event_payload: metadata.event_payload as MessageMetadata['event_payload'] } }
      : {};
  return { channel, ts, ...kept };
}

/** The reminder as it now stands, with who (a mention built from the platform id, never typed text) did what and when. */
export function actedReminderMessage(acted: ActedReminder, userId: string): ReturnType<typeof renderBlockKitMessage> {
  return renderBlockKitMessage(acted.reply, { closingContext: actedLine(acted, `<@${userId}>`, escapeMrkdwn) });
}

export async function updateReminderMessage(
  client: webApi.WebClient,
  where: { channel: string; ts: string; metadata?: MessageMetadata },
  acted: ActedReminder,
  userId: string,
): Promise<void> {
  const message = actedReminderMessage(acted, userId);
  await client.chat.update({
    channel: where.channel,
    ts: where.ts,
    text: message.text,
    blocks: message.blocks,
    ...(where.metadata ? { metadata: where.metadata } : {}),
  });
}
