/**
 * A reminder card after someone pressed one of its buttons (docs/followup.md): the card is
 * replaced, with updateActivity, by the reminder as it now stands, rendered as every answer is
 * (src/reply/adaptiveCard.ts), its stale buttons gone and a closing line saying who did what and
 * when (the pseudonymous code, the person's name as Teams gives it, the time).
 *
 * Why updateActivity and not Universal Actions (Action.Execute with the refreshed card in the
 * invoke response): the reminder's buttons are the same Action.Submit/messageBack buttons every
 * answer has, and a messageBack click reaches the bot as a message whose `replyToId` is the card's
 * activity id; botbuilder 4.23's TurnContext.updateActivity PUTs the new card to that id. That
 * keeps one kind of button and one path for every click, where Action.Execute would need a second
 * kind of button and an invoke handler for reminders alone.
 */
import type { Activity } from 'botbuilder';
import { actedLine, type ActedReminder } from '../../core/reminders.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, cardSummary, renderAdaptiveCard } from '../../reply/adaptiveCard.js';

/**
 * The activity that replaces the reminder card `activityId`, or null when the reminder would not
 * fit one card (never for a reminder; a card is never cut to fit).
 */
export function actedReminderActivity(activityId: string, acted: ActedReminder, who: string): Partial<Activity> | null {
  const cards = renderAdaptiveCard(acted.reply, { closingText: actedLine(acted, who) });
  if (cards.length !== 1) return null;
  const summary = cardSummary(acted.reply);
  return {
    type: 'message',
    id: activityId,
    ...(summary !== '' ? { summary } : {}),
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: cards[0] }],
  };
}
