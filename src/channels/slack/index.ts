/**
 * The Slack channel (Bolt). HTTP mode: Slack posts events, commands and clicks to POST /slack/events
 * on our one server, where Bolt's HTTPReceiver checks the signature and acknowledges. Socket Mode
 * (SLACK_APP_TOKEN set): Bolt's SocketModeReceiver holds a WebSocket to Slack instead, for hosts
 * Slack cannot reach. Either way the request is acknowledged first and answered after, once.
 * Returns null when Slack is not configured.
 */
import { App, HTTPReceiver, SocketModeReceiver, type AuthorizeResult } from '@slack/bolt';
import { ConfigError } from '../../config.js';
import type { DeliveryLog, FollowupForms, MenuSource, UpcomingRemindersSource } from '../../core/ports.js';
import type { Route } from '../../server/httpServer.js';
import { outboundProxy } from '../../server/outboundProxy.js';
import type { Channel, ChannelDeps } from '../channel.js';
import { boltLogger } from './boltLogger.js';
import { ChannelPacer } from './channelPacer.js';
import { PacedChatPoster } from './chatPoster.js';
import { isEnrolmentSubmission, SlackFollowup } from './followup.js';
import { SLACK_BODY_LIMIT, SLACK_EVENTS_PATH, slackEventsRoute } from './httpRoute.js';
import { registerListeners } from './listeners.js';
import { admitRequests, FirstDelivery } from './middleware.js';
import { WORKSPACE_NOT_ALLOWED } from './messages.js';
import { SlackTurns } from './turns.js';
import { createSlackWebClient, slackWebClientOptions } from './webClient.js';

export { SLACK_EVENTS_PATH } from './httpRoute.js';

/** What the Slack channel is handed besides the router (src/core/ports.ts). */
export interface SlackChannelPorts {
  /** Repeated deliveries, recognised whichever instance they reach. */
  deliveries: DeliveryLog;
  /** The menu in each language, for the App Home tab. */
  menus: MenuSource;
  /**
   * The follow-up registry's forms (docs/followup.md): the enrolment modal, the reminder buttons
   * and the Home tab's list. Without them the Home tab says reminders are coming (the registry's
   * commands are the router's: without its feature they go to the assistant like any other text).
   */
  followup?: FollowupForms;
  /** REMINDERS: the coordinator's upcoming follow-ups for the Home tab; default: from `followup`. */
  reminders?: UpcomingRemindersSource;
}
export interface SlackChannelOptions {
  /**
   * The per-channel pacer answers post through. The composition root hands in the one its Slack
   * reminders use too, so that both share each channel's pace; default one of the channel's own.
   */
  pacer?: ChannelPacer;
}

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

export async function createSlackChannel(deps: ChannelDeps, ports: SlackChannelPorts, options: SlackChannelOptions = {}): Promise<Channel | null> {
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
  // Through the hospital's proxy when HTTPS_PROXY / HTTP_PROXY say so (src/server/outboundProxy.ts).
  const proxy = outboundProxy(config);
  // Bolt's clients (the listeners' `client`) make the rare calls; answers go through the paced
  // client below. Both are WebClients with options from webClient.ts.
  const clientOptions = slackWebClientOptions({ apiUrl: config.SLACK_API_URL, rateLimited: 'wait', fetch: proxy.fetch });

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
    route = slackEventsRoute({ receiver: httpReceiver, signingSecret, logger, refuseEvents: () => deps.draining?.() ?? false });
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
  const turns = new SlackTurns(deps.router, logger);
  const admit = admitRequests({
    teams: config.SLACK_TEAM_IDS,
    hooksUrl: config.SLACK_HOOKS_URL,
    logger,
    // The enrolment modal's submissions are acknowledged by their listener, which validates first
    // and acknowledges with the result (well within Slack's 3 s: validation is in memory, the
    // enrolment one short transaction).
    acknowledgedByListener: isEnrolmentSubmission,
    onOtherTeam: async (args) => {
      // Refused here, the enrolment form's submission still gets its ack at once, with the reason on the form.
      if (isEnrolmentSubmission(args.body) && 'ack' in args && typeof args.ack === 'function') {
        const ack = args.ack as (response: { response_action: 'errors'; errors: Record<string, string> }) => Promise<void>;
        await ack({ response_action: 'errors', errors: { code: WORKSPACE_NOT_ALLOWED } });
      }
    },
  });
  // The first middleware: from here to the end of its listeners, a request counts as pending, so
  // that a shutdown answers it. Bolt runs it in the same tick as the ack (Events API requests are
  // acknowledged just before the middleware), leaving no moment where it is acknowledged and unseen.
  app.use((args) => turns.hold(() => admit(args)));
  const poster = new PacedChatPoster(
    createSlackWebClient(botToken, { apiUrl: config.SLACK_API_URL, logger, rateLimited: 'reject', fetch: proxy.fetch }),
    options.pacer ?? new ChannelPacer({ paceMs: config.SLACK_CHANNEL_PACE_MS, logger }),
  );
  const once = new FirstDelivery(ports.deliveries, logger);
  const followup = ports.followup ? new SlackFollowup({ forms: ports.followup, turns, once, poster, logger }) : undefined;
  const reminders = ports.reminders ?? ports.followup?.upcoming;
  registerListeners(app, {
    menus: ports.menus,
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

  return {
    name: 'slack',
    routes: route ? [route] : [],
    pending: () => turns.pending,
    start: async () => {
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
      if (socketMode) {
        try {
          await app.stop();
        } catch (error) {
          logger.warn({ err: error }, 'slack socket mode did not stop cleanly');
        }
      }
      const unanswered = await turns.drain(SHUTDOWN_DRAIN_MS);
      if (unanswered > 0) logger.error({ unanswered }, 'slack stopped with acknowledged questions still unanswered');
    },
  };
}
