/**
 * The Microsoft Teams channel: botbuilder's CloudAdapter at POST /api/messages on our one HTTP
 * server, personal chats, group chats and channels, Adaptive Card replies, and proactive messages
 * for the follow-up reminders.
 *
 * Authentication is botbuilder's, configured from its own environment names (MicrosoftAppId,
 * MicrosoftAppPassword, MicrosoftAppTenantId, MicrosoftAppType). With an app id, a request without
 * a valid token gets 401. Without one the channel runs in local mode, for the Bot Framework
 * Emulator on this machine: no token is checked, so in exchange
 * - the endpoint exists only when HOST is loopback, and answers only clients on this machine that
 *   came through no proxy;
 * - the bot posts back only to loopback service URLs;
 * - the sender is never a care coordinator (no registry command or reminder button acts), and
 *   nothing of the activity is stored: conversation references are not saved, and the composition
 *   root hands it a delivery log in memory and a router whose conversations are kept in memory.
 */
import { CloudAdapter } from 'botbuilder';
import { isLoopbackHost } from '../../config.js';
import type { ConversationReferences, DeliveryLog, FollowupForms } from '../../core/ports.js';
import type { Reply } from '../../reply/model.js';
import type { Route } from '../../server/httpServer.js';
import type { Channel, ChannelDeps } from '../channel.js';
import { TeamsBotFrameworkAuthentication } from './authentication.js';
import { createTurnHandler, tenantAllowed } from './bot.js';
import { TeamsChannelError } from './errors.js';
import { TeamsFollowup } from './followup.js';
import { createActivityRoute, isLoopbackUrl } from './httpBridge.js';
import { replyActivities, Sender } from './outgoing.js';
import { ReferenceBook, toConversationReference } from './references.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry.js';

export const MESSAGES_PATH = '/api/messages';

export interface TeamsChannel extends Channel {
  name: 'teams';
  /** 'authenticated' with MicrosoftAppId set; 'local' (Bot Framework Emulator, tests) without. */
  mode: 'authenticated' | 'local';
  /**
   * Posts replies into a conversation the bot has seen (a chat, a channel, or a channel's reply
   * chain, by the conversation id a TurnRequest carried), without a user message to answer.
   * Throws TeamsChannelError NO_CONVERSATION_REFERENCE or TENANT_NOT_ALLOWED.
   */
  sendProactive(conversationId: string, replies: Reply[]): Promise<ProactiveResult>;
}

export interface ProactiveResult {
  /** The ids the Bot Connector gave the messages, in order. */
  activityIds: string[];
}

/** What the Teams channel is handed besides the router (src/core/ports.ts). */
export interface TeamsChannelPorts {
  /** Repeated deliveries (in memory in local mode: nothing of an unauthenticated activity is stored). */
  deliveries: DeliveryLog;
  /** Conversation references for proactive messages (saved in authenticated mode only). */
  references: ConversationReferences;
  /**
   * The follow-up registry's enrolment card (docs/followup.md). The registry's commands and the
   * reminder cards' buttons are the router's: without its feature they go to the assistant.
   */
  followup?: FollowupForms;
}

export interface TeamsChannelOptions {
  /** Throttling retries (tests shorten the waits). */
  retry?: Partial<RetryPolicy>;
  /** Proactive sends have no user waiting on an HTTP response, so they may wait longer. */
  proactiveDeadlineMs?: number;
  now?: () => Date;
}

export async function createTeamsChannel(deps: ChannelDeps, ports: TeamsChannelPorts, options: TeamsChannelOptions = {}): Promise<TeamsChannel> {
  const { config } = deps;
  const logger = deps.logger.child({ channel: 'teams' });
  const appId = config.MicrosoftAppId;
  const mode = appId ? 'authenticated' : 'local';
  const now = options.now ?? (() => new Date());
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...options.retry };
  const proactivePolicy: RetryPolicy = { ...policy, deadlineMs: options.proactiveDeadlineMs ?? Math.max(policy.deadlineMs, 60_000) };
  const allowedTenants = new Set(config.TEAMS_TENANT_IDS);
  const allowedChannels = new Set(config.TEAMS_CHANNEL_IDS.length > 0 ? config.TEAMS_CHANNEL_IDS : mode === 'authenticated' ? ['msteams'] : ['msteams', 'emulator']);

  const adapter = new CloudAdapter(new TeamsBotFrameworkAuthentication(config, logger));
  // A safety net only: the turn handler catches its own errors. Without it botbuilder rethrows,
  // prints the stack to the console and answers 500, and Teams re-delivers the activity.
  adapter.onTurnError = async (_context, error) => {
    logger.error({ err: error }, 'Teams turn failed outside the handler');
  };

  const references = new ReferenceBook(ports.references, now);
  const sender = new Sender(policy, logger);
  const proactiveSender = new Sender(proactivePolicy, logger);
  const logic = createTurnHandler({
    router: deps.router,
    references,
    deliveries: ports.deliveries,
    sender,
    allowedTenants,
    allowedChannels,
    logger,
    authenticated: mode === 'authenticated',
    ...(ports.followup ? { followup: new TeamsFollowup(ports.followup, logger) } : {}),
  });

  // Unauthenticated on a network address would let anyone post as anyone: then there is no endpoint.
  const endpointOn = mode === 'authenticated' || isLoopbackHost(config.HOST);
  const routes: Route[] = endpointOn
    ? [
        {
          method: 'POST',
          path: MESSAGES_PATH,
          handler: createActivityRoute({ adapter, logic, authRequired: mode === 'authenticated', serviceUrlAllowed: isLoopbackUrl, logger }),
        },
      ]
    : [];

  async function sendProactive(conversationId: string, replies: Reply[]): Promise<ProactiveResult> {
    const stored = await references.find(conversationId);
    if (stored === undefined) {
      throw new TeamsChannelError('NO_CONVERSATION_REFERENCE', 'the bot has no reference for this Teams conversation (never messaged there, or removed)');
    }
    if (!tenantAllowed(allowedTenants, stored.conversation.tenantId)) {
      throw new TeamsChannelError('TENANT_NOT_ALLOWED', 'the conversation belongs to a tenant not in TEAMS_TENANT_IDS');
    }
    const activityIds: string[] = [];
    const reference = toConversationReference(stored);
    // Caught here rather than left to the adapter, whose onTurnError would swallow it: the
    // reminder dispatcher must learn that a reminder did not go out.
    let failure: { error: unknown } | undefined;
    await adapter.continueConversationAsync(appId ?? '', reference, async (context) => {
      try {
        for (const reply of replies) {
          for (const activity of replyActivities(reply)) {
            const id = await proactiveSender.send(context, activity, 'new');
            if (id) activityIds.push(id);
          }
        }
      } catch (error) {
        failure = { error };
      }
    });
    if (failure) {
      logger.error({ err: failure.error, sent: activityIds.length }, 'Teams proactive message failed');
      throw failure.error;
    }
    logger.info({ conversationType: stored.conversation.conversationType, messages: activityIds.length }, 'Teams proactive message sent');
    return { activityIds };
  }

  if (mode === 'local' && endpointOn) {
    logger.warn('Teams channel in local mode (no MicrosoftAppId): requests are not authenticated; only a Bot Framework Emulator on this machine is answered, and it never acts on the follow-up registry');
  } else if (mode === 'local') {
    logger.info({ path: MESSAGES_PATH }, 'Teams endpoint off: no MicrosoftAppId, and HOST is not loopback (unauthenticated requests are taken only on this machine)');
  }

  return { name: 'teams', mode, routes, sendProactive };
}
