/**
 * One Teams turn: an authenticated activity in, the router's outcome out. The channel stays thin:
 * it reads the activity (activity.ts), asks the router (src/core/router.ts), and posts the cards
 * (outgoing.ts); no clinical logic lives here.
 */
import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { DeliveryLog } from '../../core/ports.js';
import type { TurnOutcome, TurnRouter } from '../../core/router.js';
import type { TurnRequest } from '../../core/turn.js';
import type { Logger } from '../../logging.js';
import { botWasAdded, botWasRemoved, conversationType, localeLang, tenantOf, turnRequestOf, userRefOf } from './activity.js';
import type { TeamsFollowup } from './followup.js';
import { apologyActivity, replyActivities, type Sender, type SendMode } from './outgoing.js';
import type { ReferenceBook } from './references.js';
import { actedReminderActivity } from './reminderUpdate.js';

export interface TeamsBotDeps {
  router: TurnRouter;
  references: ReferenceBook;
  deliveries: DeliveryLog;
  sender: Sender;
  /** TEAMS_TENANT_IDS; empty means every tenant. */
  allowedTenants: ReadonlySet<string>;
  /** The Bot Framework channels answered (TEAMS_CHANNEL_IDS, or msteams and, in local mode, emulator). */
  allowedChannels: ReadonlySet<string>;
  logger: Logger;
  /** The follow-up enrolment card and its submission; absent when not wired. */
  followup?: TeamsFollowup;
  /**
   * False in local mode (no MicrosoftAppId, no token checked): the activity's ids are only claims,
   * so its sender is never a coordinator and nothing about it is stored (conversation references).
   */
  authenticated: boolean;
}

export function tenantAllowed(allowed: ReadonlySet<string>, tenantId: string | undefined): boolean {
  return allowed.size === 0 || (tenantId !== undefined && allowed.has(tenantId));
}

export function createTurnHandler(deps: TeamsBotDeps): (context: TurnContext) => Promise<void> {
  const { logger } = deps;

  /** Posts the outcome; what it was, for the log. */
  async function show(context: TurnContext, outcome: TurnOutcome, mode: SendMode): Promise<{ kinds: string[]; feature?: string }> {
    if (outcome.kind === 'form' && deps.followup) {
      await deps.sender.send(context, deps.followup.formCard(outcome.lang), mode);
      return { kinds: ['form'], feature: outcome.feature };
    }
    // A reminder's button changed it: the card it was on (a messageBack click's replyToId) shows
    // what was done, without its stale buttons (reminderUpdate.ts).
    const acted = outcome.kind === 'feature' ? outcome.acted : undefined;
    const updated = acted && context.activity.replyToId ? actedReminderActivity(context.activity.replyToId, acted, context.activity.from?.name || '—') : null;
    if (updated) await bestEffort('update the reminder card', async () => void (await context.updateActivity(updated)));
    const replies = outcome.kind === 'form' ? [outcome.fallback] : outcome.replies;
    for (const reply of replies) {
      for (const activity of replyActivities(reply)) await deps.sender.send(context, activity, mode);
    }
    return { kinds: replies.map((r) => r.kind), ...(outcome.kind === 'turn' ? {} : { feature: outcome.feature }) };
  }

  function answer(context: TurnContext, request: TurnRequest, mode: SendMode): Promise<{ kinds: string[]; feature?: string }> {
    return deps.router.route({ ...request, authenticated: deps.authenticated }, (outcome) => show(context, outcome, mode));
  }

  /** Storage problems must not cost the doctor the answer: they are logged and the turn goes on. */
  async function bestEffort(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      logger.warn({ err: error }, `could not ${what}`);
    }
  }

  async function onMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const started = performance.now();
    if (activity.id) {
      let first = true;
      // Teams re-delivers an activity it thinks went unanswered (src/store/deliveryLog.ts). The conversation
      // id scopes the activity id: Teams ids are per chat.
      await bestEffort('record the activity id', async () => {
        first = await deps.deliveries.firstDelivery(`${activity.conversation.id}|${activity.id}`);
      });
      if (!first) {
        logger.info({ activityId: activity.id, conversationType: conversationType(activity) }, 'repeated Teams delivery ignored');
        return;
      }
    }
    if (deps.authenticated) await bestEffort('save the conversation reference', () => deps.references.remember(activity));
    const request = turnRequestOf(activity);
    try {
      // The enrolment card's submission carries the form's fields, which only the card's own code reads.
      const submitted = deps.followup ? await deps.followup.submitted(activity, { channel: 'teams', userRef: userRefOf(activity), authenticated: deps.authenticated }) : null;
      if (submitted !== null) {
        for (const reply of submitted) await deps.sender.send(context, reply, 'reply');
        logger.debug({ conversationType: conversationType(activity), ms: Math.round(performance.now() - started) }, 'Teams follow-up turn answered');
        return;
      }
      const { kinds, feature } = await answer(context, request, 'reply');
      logger.debug(
        { conversationType: conversationType(activity), input: 'action' in request.input ? 'button' : 'text', kinds, feature, ms: Math.round(performance.now() - started) },
        feature === undefined ? 'Teams turn answered' : 'Teams follow-up turn answered',
      );
    } catch (error) {
      logger.error({ err: error, conversationType: conversationType(activity) }, 'Teams turn failed');
      await bestEffort('send the apology', async () => {
        await deps.sender.send(context, apologyActivity(request.lang ?? localeLang(activity) ?? 'it'), 'reply');
      });
    }
  }

  async function onConversationUpdate(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (botWasRemoved(activity)) {
      // Uninstalled: reminders must stop trying this conversation.
      if (deps.authenticated) await bestEffort('forget the conversation reference', () => deps.references.forget(activity.conversation.id));
      logger.info({ conversationType: conversationType(activity) }, 'Teams app removed from a conversation');
      return;
    }
    if (!botWasAdded(activity)) return;
    if (deps.authenticated) await bestEffort('save the conversation reference', () => deps.references.remember(activity));
    const request: TurnRequest = {
      channel: 'teams',
      conversationId: activity.conversation.id,
      userRef: userRefOf(activity),
      input: { action: 'pdta:menu' },
      // Nothing typed yet to detect the language from: Teams' locale, else Italian (the PDTA's).
      lang: localeLang(activity) ?? 'it',
    };
    try {
      await answer(context, request, 'new');
      // The id (opaque, no names) is what REMINDER_TEAMS_CONVERSATION_ID takes for a team's channel.
      logger.info({ conversationType: conversationType(activity), conversationId: activity.conversation.id }, 'Teams app added; welcome sent');
    } catch (error) {
      logger.error({ err: error, conversationType: conversationType(activity) }, 'Teams welcome failed');
    }
  }

  return async (context: TurnContext): Promise<void> => {
    const activity = context.activity;
    if (!deps.allowedChannels.has(activity.channelId)) {
      logger.warn({ channelId: activity.channelId, activityType: activity.type }, 'Teams activity from a Bot Framework channel not in TEAMS_CHANNEL_IDS refused');
      return;
    }
    const tenantId = tenantOf(activity);
    if (!tenantAllowed(deps.allowedTenants, tenantId)) {
      // No reply, and no message text in the log: only what identifies where it came from.
      logger.warn(
        { tenantId: tenantId ?? null, activityType: activity.type, conversationType: conversationType(activity) },
        'Teams activity from a tenant not in TEAMS_TENANT_IDS refused',
      );
      return;
    }
    switch (activity.type) {
      case ActivityTypes.Message:
        await onMessage(context);
        return;
      case ActivityTypes.ConversationUpdate:
        await onConversationUpdate(context);
        return;
      default:
        // Typing, reactions, installation updates: nothing to answer.
        return;
    }
  };
}
