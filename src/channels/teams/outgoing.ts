/** Replies out: reply model -> card activities -> the Bot Connector, one activity per request, retried when throttled. */
import { TurnContext, type Activity } from 'botbuilder';
import type { Logger } from '../../logging.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, cardSummary, renderAdaptiveCard } from '../../reply/adaptiveCard.js';
import type { Lang, Reply } from '../../reply/model.js';
import { withRetry, type RetryPolicy } from './retry.js';

/** The message activities showing a reply: one per card, in order. */
export function replyActivities(reply: Reply): Array<Partial<Activity>> {
  const summary = cardSummary(reply);
  return renderAdaptiveCard(reply).map((card) => ({
    type: 'message',
    // Shown in notifications and the chat list, where a card alone reads "Card".
    ...(summary !== '' ? { summary } : {}),
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card }],
  }));
}

const APOLOGY = {
  it: 'Non sono riuscito a rispondere per un errore interno. Riprova tra poco.',
  en: 'I could not answer because of an internal error. Please try again shortly.',
} as const;

/** What the user sees when the turn failed on our side: no details, nothing clinical. */
export function apologyActivity(lang: Lang): Partial<Activity> {
  return { type: 'message', text: APOLOGY[lang], textFormat: 'plain' };
}

export type SendMode =
  /** In answer to the incoming message: in a channel, inside its reply chain. */
  | 'reply'
  /** A message of its own in the conversation (welcome, proactive). */
  | 'new';

export class Sender {
  constructor(
    private readonly policy: RetryPolicy,
    private readonly logger: Logger,
  ) {}

  /** Sends one activity into the turn's conversation; returns the id the connector gave it. */
  async send(context: TurnContext, activity: Partial<Activity>, mode: SendMode): Promise<string | undefined> {
    const reference = TurnContext.getConversationReference(context.activity);
    if (mode === 'new') delete reference.activityId;
    const outgoing = TurnContext.applyConversationReference({ ...activity }, reference);
    const [response] = await withRetry(
      // A fresh copy per attempt: the adapter deletes the id of what it sends.
      () => context.adapter.sendActivities(context, [{ ...outgoing }]),
      this.policy,
      (info) => this.logger.warn({ ...info, conversationType: context.activity.conversation?.conversationType }, 'Bot Connector throttled; retrying'),
    );
    return response?.id;
  }
}
