/**
 * The Slack channel (Bolt). HTTP mode: Slack posts events, commands and clicks to POST /slack/events
 * on our one server, where Bolt's HTTPReceiver checks the signature and acknowledges. Socket Mode
 * (SLACK_APP_TOKEN set): Bolt's SocketModeReceiver holds a WebSocket to Slack instead, for hosts
 * Slack cannot reach. Either way the request is acknowledged first and answered after, once.
 * Returns null when Slack is not configured.
 */
import { App, HTTPReceiver, SocketModeReceiver, type AnyMiddlewareArgs, type AuthorizeResult, type Middleware, type webApi } from '@slack/bolt';
import { ConfigError } from '../../config.js';
import { FollowupChat } from '../../followup/chat.js';
import type { FollowupService } from '../../followup/service.js';
import { ProcessedEvents } from '../../store/events.js';
import type { ConversationService } from '../../server/conversationService.js';
import type { Route } from '../../server/httpServer.js';
import { outboundProxy } from '../../server/outboundProxy.js';
import type { Channel, ChannelDeps } from '../channel.js';
import { boltLogger } from './boltLogger.js';
import { UndiciChatPoster, WEB_API_RETRY } from './chatPoster.js';
import { isEnrolmentSubmission, SlackFollowup } from './followup.js';
import type { UpcomingRemindersSource } from './home.js';
import { SLACK_BODY_LIMIT, SLACK_EVENTS_PATH, slackEventsRoute } from './httpRoute.js';
import { registerListeners } from './listeners.js';
import { acknowledgeFirst, FirstDelivery, refuseForeignResponseUrls, refuseOtherTeams } from './middleware.js';
import { WORKSPACE_NOT_ALLOWED } from './messages.js';
import { SlackTurns } from './turns.js';

export { SLACK_EVENTS_PATH } from './httpRoute.js';

export interface SlackChannelOptions {
  /** REMINDERS: the coordinator's upcoming follow-ups for the Home tab; default: from `followup`. */
  reminders?: UpcomingRemindersSource;
  /**
   * The follow-up registry (docs/followup.md): registry commands typed to the app, the enrolment
   * modal, the reminder buttons and the Home tab's list. Without it those texts go to the
   * assistant like any other and the Home tab says reminders are coming.
   */
  followup?: FollowupService;
  now?: () => Date;
}

/** Slack forgets to retry after minutes; a day of processed ids is plenty. */
const PROCESSED_TTL_MS = 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 60 * 1000;
/** On shutdown, how long acknowledged questions get to be answered (a 429 wait included). */
const SHUTDOWN_DRAIN_MS = 10_000;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/**
 * The bot's user id as the Events API states it in `authorizations`: Bolt needs it to ignore the
 * bot's own messages, and asking auth.test for it would make an offline app unable to acknowledge.
 */
function botUserIdFrom(body: unknown): string | undefined {
  const authorizations = record(body)['authorizations'];
  if (!Array.isArray(authorizations)) return undefined;
  for (const a of authorizations) {
    const { user_id: userId, is_bot: isBot } = record(a);
    if (isBot === true && typeof userId === 'string') return userId;
  }
  return undefined;
}

/**
 * `pdta serve` wraps the service in one that refuses turns once a shutdown has begun and says so
 * with `isDraining`; any other service never drains.
 */
function isDraining(service: ConversationService): boolean {
  return 'isDraining' in service && service.isDraining === true;
}

/**
 * Every request is acknowledged at once, except the enrolment modal's submissions: Slack reads a
 * modal's field errors from the acknowledgement itself (response_action "errors"), so that
 * listener validates first and acknowledges with the result (well within Slack's 3 s: validation
 * is in memory, the enrolment one short transaction).
 */
function acknowledgeFirstExceptEnrolmentForm(ackFirst: Middleware<AnyMiddlewareArgs>): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    if (isEnrolmentSubmission(args.body)) await args.next();
    else await ackFirst(args);
  };
}

export async function createSlackChannel(deps: ChannelDeps, options: SlackChannelOptions = {}): Promise<Channel | null> {
  const { config } = deps;
  const signingSecret = config.SLACK_SIGNING_SECRET;
  const appToken = config.SLACK_APP_TOKEN;
  if (signingSecret === undefined && appToken === undefined) return null;
  const botToken = config.SLACK_BOT_TOKEN;
  if (!botToken) {
    throw new ConfigError('SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set (the bot posts its answers with it)');
  }
  const logger = deps.logger.child({ channel: 'slack' });
  const slackLogger = boltLogger(logger);
  const now = options.now ?? (() => new Date());
  const slackApiUrl = config.SLACK_API_URL ? (config.SLACK_API_URL.endsWith('/') ? config.SLACK_API_URL : `${config.SLACK_API_URL}/`) : undefined;
  // Through the hospital's proxy when HTTPS_PROXY / HTTP_PROXY say so (src/server/outboundProxy.ts).
  const proxy = outboundProxy(config);
  // The WebClient (Bolt's `client`) for the rare calls; answers go through the lighter ChatPoster.
  const clientOptions: webApi.WebClientOptions = {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    ...(proxy.fetch ? { fetch: proxy.fetch } : {}),
    retryConfig: WEB_API_RETRY,
    rejectRateLimitedCalls: false,
    timeout: 30_000,
  };

  // An app-level token means Socket Mode (the app connects out); otherwise Slack posts to us.
  let receiver: HTTPReceiver | SocketModeReceiver;
  let route: Route | undefined;
  if (appToken !== undefined) {
    receiver = new SocketModeReceiver({ appToken, logger: slackLogger, installerOptions: { clientOptions }, ...(proxy.dispatcher ? { dispatcher: proxy.dispatcher } : {}) });
  } else if (signingSecret !== undefined) {
    const httpReceiver = new HTTPReceiver({
      signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      logger: slackLogger,
      // The ack goes out as soon as ack() is called; the turn runs after it.
      processBeforeResponse: false,
      bodyLimit: SLACK_BODY_LIMIT,
      // Bolt's own signature check stays on (its default), although httpRoute.ts has verified with
      // Bolt's verifySlackRequest already: see there why.
    });
    receiver = httpReceiver;
    route = slackEventsRoute({ receiver: httpReceiver, signingSecret, logger, refuseEvents: () => isDraining(deps.service) });
  } else {
    return null;
  }
  const socketMode = route === undefined;

  const app = new App({
    receiver,
    logger: slackLogger,
    clientOptions,
    // Conversation state lives in our ConversationService (and the store), not in Bolt's memory.
    convoStore: false,
    authorize: async (_source, body): Promise<AuthorizeResult> => {
      const botUserId = botUserIdFrom(body);
      return botUserId ? { botToken, botUserId } : { botToken };
    },
  });
  const turns = new SlackTurns(deps.service, logger);
  const ackFirst = acknowledgeFirstExceptEnrolmentForm(acknowledgeFirst());
  // The first middleware: from here to the end of its listeners, a request counts as pending, so
  // that a shutdown answers it. Bolt runs it in the same tick as the ack (Events API requests are
  // acknowledged just before the middleware), leaving no moment where it is acknowledged and unseen.
  app.use((args) => turns.hold(() => ackFirst(args)));
  app.use(
    refuseOtherTeams(config.SLACK_TEAM_IDS, logger, async (args) => {
      // The enrolment form's submission is acknowledged by its listener (its field errors ride on
      // the ack): refused here, it still gets its ack at once, with the reason on the form.
      if (isEnrolmentSubmission(args.body) && 'ack' in args && typeof args.ack === 'function') {
        const ack = args.ack as (response: { response_action: 'errors'; errors: Record<string, string> }) => Promise<void>;
        await ack({ response_action: 'errors', errors: { code: WORKSPACE_NOT_ALLOWED } });
      }
    }),
  );
  app.use(refuseForeignResponseUrls(config.SLACK_HOOKS_URL, logger));
  const poster = new UndiciChatPoster({ token: botToken, ...(slackApiUrl ? { apiUrl: slackApiUrl } : {}), ...(proxy.dispatcher ? { dispatcher: proxy.dispatcher } : {}), logger });
  const processed = new ProcessedEvents(deps.store.db);
  const once = new FirstDelivery(processed, logger, now);
  const followup = options.followup ? new SlackFollowup({ chat: new FollowupChat(options.followup), turns, once, poster, logger }) : undefined;
  const reminders = options.reminders ?? followup?.homeSource();
  registerListeners(app, {
    assistant: deps.assistant,
    poster,
    turns,
    once,
    logger,
    ...(reminders ? { reminders } : {}),
    ...(followup ? { followup } : {}),
  });
  app.error(async (error) => {
    logger.error({ err: error, code: error.code }, 'slack listener failed');
  });

  let purgeTimer: NodeJS.Timeout | undefined;
  const purge = async (): Promise<void> => {
    try {
      const purged = await processed.purgeProcessed(new Date(now().getTime() - PROCESSED_TTL_MS));
      if (purged > 0) logger.debug({ purged }, 'slack processed ids purged');
    } catch (error) {
      logger.warn({ err: error }, 'slack processed ids not purged');
    }
  };

  return {
    name: 'slack',
    routes: route ? [route] : [],
    pending: () => turns.pending,
    start: async () => {
      purgeTimer = setInterval(() => void purge(), PURGE_EVERY_MS);
      purgeTimer.unref();
      if (socketMode) {
        // Not awaited: with Slack unreachable the client keeps retrying, and the rest of the
        // server (health, Teams) must not wait for it.
        app.start().then(
          () => logger.info('slack socket mode connected'),
          (error: unknown) => logger.error({ err: error }, 'slack socket mode did not connect'),
        );
      }
      logger.info({ mode: socketMode ? 'socket' : 'http', path: socketMode ? undefined : SLACK_EVENTS_PATH, teams: config.SLACK_TEAM_IDS.length || 'any' }, 'slack channel ready');
    },
    stop: async () => {
      if (purgeTimer) clearInterval(purgeTimer);
      if (socketMode) {
        try {
          await app.stop();
        } catch (error) {
          logger.warn({ err: error }, 'slack socket mode did not stop cleanly');
        }
      }
      const unanswered = await turns.drain(SHUTDOWN_DRAIN_MS);
      if (unanswered > 0) logger.error({ unanswered }, 'slack stopped with acknowledged questions still unanswered');
      await poster.close();
    },
  };
}
