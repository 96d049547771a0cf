/**
 * The composition root: the one place that knows every part and builds the service graph: the
 * conversation service over the store, the follow-up registry, the router with the registry's
 * feature plugged in, the ports each channel is handed (src/core/ports.ts), the channels and the
 * reminder dispatcher. `pdta serve` (src/server/serve.ts), `pdta chat` (src/cli.ts), the
 * benchmarks in bench/ and the channel tests build through it, so what they run is what
 * production runs. It is the only module outside src/channels/ that imports a channel.
 */
import type { Channel, ChannelDeps } from '../channels/channel.js';
import type { ChannelPacer } from '../channels/slack/channelPacer.js';
import type { SlackChannelOptions, SlackChannelPorts } from '../channels/slack/index.js';
import type { TeamsChannel, TeamsChannelOptions, TeamsChannelPorts } from '../channels/teams/index.js';
import { createWebChannel } from '../channels/web/index.js';
import { isLoopbackHost, type Config } from '../config.js';
import type { Content } from '../content/schema.js';
import type { FollowupForms, MenuSource } from '../core/ports.js';
import type { TurnRouter } from '../core/router.js';
import type { ConversationService } from '../core/turn.js';
import type { Assistant } from '../engine/assistant.js';
import { FollowupChat } from '../followup/chat.js';
import { startDispatcher, type RunningDispatcher } from '../followup/dispatcher.js';
import { FollowupService } from '../followup/service.js';
import { coordinatorPredicate, pseudonymFormatFromConfig, scheduleSettingsFromConfig, type Clock, type CoordinatorPredicate } from '../followup/settings.js';
import type { ScheduleSettings } from '../followup/schedule.js';
import { followupForms } from '../followup/turnFeature.js';
import type { Logger } from '../logging.js';
import { countError, remindersSentTotal } from '../server/metrics.js';
import { TrackedConversationService } from '../server/trackedService.js';
import { channelReferences, ConversationRefs } from '../store/conversationRefs.js';
import type { Store } from '../store/database.js';
import { deliveryLogForEngine, MemoryDeliveryLog, SharedDeliveryLog } from '../store/deliveryLog.js';
import { ProcessedEvents } from '../store/events.js';
import { memoryConversations, routerFor, storedConversations } from './conversations.js';

export { memoryConversations, routerFor, storedConversations };
export type { Channel };

/**
 * Bolt and botbuilder take a second or more to import: `pdta serve` starts
 * loading them while the store opens, not before it listens. Rejections are left to the awaits.
 */
export function preloadPlatformChannels(): void {
  for (const loading of [import('../channels/slack/index.js'), import('../channels/teams/index.js'), import('../channels/reminderTransports.js')]) loading.catch(() => undefined);
}

/** A shutdown has begun: `pdta serve`'s TrackedConversationService says so with `isDraining`; any other service never drains. */
export function drainingOf(service: ConversationService): () => boolean {
  return () => 'isDraining' in service && service.isDraining === true;
}

/** The menu outside any conversation (it needs none: the same reply for everyone). */
export function menusFrom(assistant: Assistant): MenuSource {
  return (lang) => assistant.ask('pdta:menu', { lang });
}

function formsFor(chat: FollowupChat | undefined, logger: Logger): FollowupForms | undefined {
  return chat ? followupForms(chat, (error) => logger.error({ err: error }, 'upcoming reminders not read for the Home tab')) : undefined;
}

/** What every platform channel is built from. */
export interface ChannelWiring {
  config: Config;
  logger: Logger;
  assistant: Assistant;
  store: Store;
  router: TurnRouter;
  draining?: () => boolean;
  /** The follow-up registry in chat, when wired (the same one the router's feature uses). */
  followup?: FollowupChat;
  /** The batched writer of processed ids, shared by the channels of one process. */
  events?: ProcessedEvents;
  now?: () => Date;
}

function channelDeps(w: ChannelWiring): ChannelDeps {
  return { config: w.config, router: w.router, logger: w.logger, ...(w.draining ? { draining: w.draining } : {}) };
}

/** Slack's ports: its deliveries always in the shared table (any instance, whatever the engine). */
export function slackPorts(w: ChannelWiring): SlackChannelPorts {
  const forms = formsFor(w.followup, w.logger.child({ channel: 'slack' }));
  return {
    deliveries: new SharedDeliveryLog(w.events ?? new ProcessedEvents(w.store.db), 'slack', w.now),
    menus: menusFrom(w.assistant),
    ...(forms ? { followup: forms } : {}),
  };
}

/**
 * Teams' ports: deliveries shared on PostgreSQL, in memory on PGlite (one process) and in local
 * mode (nothing of an unauthenticated activity is stored).
 */
export function teamsPorts(w: ChannelWiring): TeamsChannelPorts {
  const forms = formsFor(w.followup, w.logger.child({ channel: 'teams' }));
  const authenticated = Boolean(w.config.MicrosoftAppId);
  return {
    deliveries: authenticated ? deliveryLogForEngine(w.store, w.events ?? new ProcessedEvents(w.store.db), 'teams', w.now) : new MemoryDeliveryLog(w.now),
    references: channelReferences(new ConversationRefs(w.store.db), 'teams'),
    ...(forms ? { followup: forms } : {}),
  };
}

/** The Slack channel as production builds it; null when Slack is not configured. */
export async function composeSlackChannel(w: ChannelWiring, ports: Partial<SlackChannelPorts> = {}, options: SlackChannelOptions = {}): Promise<Channel | null> {
  // Bolt takes a second or more to import: only when asked for.
  const { createSlackChannel } = await import('../channels/slack/index.js');
  return createSlackChannel(channelDeps(w), { ...slackPorts(w), ...ports }, options);
}

/**
 * The one pacer of a process's posts into Slack channels (answers and reminders alike), when a bot
 * token is set: posts into one channel share its pace, whichever part of the app makes them.
 */
async function slackPacerFor(config: Config, logger: Logger): Promise<ChannelPacer | undefined> {
  if (!config.SLACK_BOT_TOKEN) return undefined;
  const { slackChannelPacer } = await import('../channels/reminderTransports.js');
  return slackChannelPacer(config, logger);
}

/** The Teams channel as production builds it. */
export async function composeTeamsChannel(w: ChannelWiring, options: TeamsChannelOptions = {}): Promise<TeamsChannel> {
  const { createTeamsChannel } = await import('../channels/teams/index.js');
  const now = w.now ?? options.now;
  return createTeamsChannel(channelDeps(w), teamsPorts({ ...w, ...(now ? { now } : {}) }), { ...options, ...(now ? { now } : {}) });
}

/**
 * Who may change the registry: COORDINATOR_USER_IDS (each `slack:…` or `teams:…`), and, when
 * reminders go to a Slack channel, that channel's Slack members (the ChannelMembership port over
 * Slack, src/channels/slack/membership.ts: conversations.members, kept for 5 minutes; needs
 * channels:read, or groups:read for a private channel). Teams has no
 * such membership check: there only the `teams:` entries count (Azure AD object ids).
 */
async function coordinators(config: Config, logger: Logger): Promise<CoordinatorPredicate> {
  if (!config.SLACK_BOT_TOKEN || !config.REMINDER_SLACK_CHANNEL) return coordinatorPredicate(config.COORDINATOR_USER_IDS);
  const [{ slackChannelMembership }, { outboundProxy }] = await Promise.all([import('../channels/slack/membership.js'), import('../server/outboundProxy.js')]);
  const membership = slackChannelMembership({
    token: config.SLACK_BOT_TOKEN,
    channel: config.REMINDER_SLACK_CHANNEL,
    slackApiUrl: config.SLACK_API_URL,
    fetch: outboundProxy(config).fetch,
    logger,
  });
  return coordinatorPredicate(config.COORDINATOR_USER_IDS, membership);
}

export interface ServerGraphOptions {
  config: Config;
  logger: Logger;
  assistant: Assistant;
  store: Store;
  /** Wraps the conversation service before the router sees it (tests use it to hold a turn in flight). */
  decorateService?: (service: ConversationService) => ConversationService;
  /** The clock the registry and the dispatcher read, how often the dispatcher polls and plans (tests). */
  followup?: { clock?: Clock; pollMs?: number; planEveryMs?: number };
}

export interface ServerGraph {
  /** The service behind every channel (counted, logged, drained on shutdown). */
  service: TrackedConversationService;
  /** Teams in local mode: conversations in memory, no dosing audit in the name of an id nobody vouched for. */
  unauthenticatedTeams: TrackedConversationService | undefined;
  /** The follow-up registry every channel uses. */
  followup: FollowupService;
  router: TurnRouter;
  /** The web playground first (when enabled), then Slack (when configured) and Teams. */
  channels: Channel[];
  /** Starts the channels, then the reminder dispatcher (Teams reminders go through the Teams channel). */
  start(): Promise<RunningDispatcher | undefined>;
}

/**
 * The server's graph, built once the store is open: one conversation service, one follow-up
 * registry, one router, every channel. Nothing is started yet.
 */
export async function composeServer(options: ServerGraphOptions): Promise<ServerGraph> {
  const { config, logger, assistant, store } = options;
  const ttlMs = config.CONVERSATION_TTL_MINUTES * 60_000;
  const base: ConversationService = storedConversations(assistant, store, ttlMs);
  const service = new TrackedConversationService(options.decorateService ? options.decorateService(base) : base, logger);
  const unauthenticatedTeams = config.MicrosoftAppId ? undefined : new TrackedConversationService(memoryConversations(assistant, ttlMs), logger);
  const clock = options.followup?.clock;
  const settings = scheduleSettingsFromConfig(config);
  const followup = new FollowupService({
    db: store.db,
    content: assistant.catalog.content,
    isCoordinator: await coordinators(config, logger),
    settings,
    codeFormat: pseudonymFormatFromConfig(config),
    ...(clock ? { clock } : {}),
  });
  const chat = new FollowupChat(followup);
  const router = routerFor(service, chat);
  const events = new ProcessedEvents(store.db);
  const wiring: ChannelWiring = { config, logger, assistant, store, router, draining: drainingOf(service), followup: chat, events };
  const slackPacer = await slackPacerFor(config, logger);
  const [slack, teams] = await Promise.all([
    composeSlackChannel(wiring, {}, slackPacer ? { pacer: slackPacer } : {}),
    composeTeamsChannel(unauthenticatedTeams ? { ...wiring, router: routerFor(unauthenticatedTeams, chat), draining: drainingOf(unauthenticatedTeams) } : wiring),
  ]);
  const channels = [slack, teams].filter((c): c is Channel => c !== null);
  if (playgroundEnabled(config)) {
    channels.unshift(createWebChannel({ service: router, logger, contentVersion: assistant.contentVersion, localClientsOnly: config.PLAYGROUND === 'auto' }));
    if (!isLoopbackHost(config.HOST)) logger.warn({ host: config.HOST }, 'the playground (/ and /api/chat) has no login and is open to every client that reaches this address (PLAYGROUND=on)');
  }
  return {
    service,
    unauthenticatedTeams,
    followup,
    router,
    channels,
    start: async () => {
      for (const c of channels) await c.start?.();
      return startReminders(config, {
        store,
        content: assistant.catalog.content,
        settings,
        logger,
        sendProactive: teams.sendProactive,
        ...(slackPacer ? { slackPacer } : {}),
        ...(clock ? { clock } : {}),
        ...(options.followup?.pollMs !== undefined ? { pollMs: options.followup.pollMs } : {}),
        ...(options.followup?.planEveryMs !== undefined ? { planEveryMs: options.followup.planEveryMs } : {}),
      });
    },
  };
}

/**
 * The playground has no login. auto: served only when the server listens on loopback (a
 * developer's machine), whatever else is configured; anywhere else it takes PLAYGROUND=on.
 */
export function playgroundEnabled(config: Config): boolean {
  switch (config.PLAYGROUND) {
    case 'on':
      return true;
    case 'off':
      return false;
    case 'auto':
      return isLoopbackHost(config.HOST);
    default: {
      const never: never = config.PLAYGROUND;
      return never;
    }
  }
}

/**
 * The reminder dispatcher, when a target is configured: planning and delivery on this instance,
 * every reminder sent counted in pdta_reminders_sent_total (by channel) and every failed attempt
 * as a reminder_send error.
 */
async function startReminders(
  config: Config,
  deps: {
    store: Store;
    content: Content;
    settings: ScheduleSettings;
    logger: Logger;
    sendProactive: TeamsChannel['sendProactive'];
    /** The pacer the Slack channel's answers go through, shared with the Slack reminders. */
    slackPacer?: ChannelPacer;
    clock?: Clock;
    pollMs?: number;
    planEveryMs?: number;
  },
): Promise<RunningDispatcher | undefined> {
  const { logger } = deps;
  if (config.REMINDER_SLACK_CHANNEL && !config.SLACK_BOT_TOKEN) {
    logger.warn('REMINDER_SLACK_CHANNEL is set but SLACK_BOT_TOKEN is not: no reminders go to Slack');
  }
  const { reminderTransportsFromConfig } = await import('../channels/reminderTransports.js');
  const transports = reminderTransportsFromConfig(config, { logger, sendProactive: deps.sendProactive, ...(deps.slackPacer ? { slackPacer: deps.slackPacer } : {}) });
  if (transports.length === 0) {
    logger.info('follow-up reminders not dispatched: set REMINDER_SLACK_CHANNEL or REMINDER_TEAMS_CONVERSATION_ID (docs/followup.md)');
    return undefined;
  }
  // Every configured series starts at 0, so that rate() sees the first reminder.
  for (const t of transports) remindersSentTotal.inc({ channel: t.target }, 0);
  const dispatcher = startDispatcher({
    store: deps.store,
    transport: transports,
    logger: logger.child({ component: 'reminders' }),
    content: deps.content,
    settings: deps.settings,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
    ...(deps.planEveryMs !== undefined ? { planEveryMs: deps.planEveryMs } : {}),
    onSent: ({ target }) => remindersSentTotal.inc({ channel: target }),
    onFailed: () => countError('reminder_send'),
  });
  logger.info({ targets: transports.map((t) => t.target) }, 'follow-up reminders dispatching');
  return dispatcher;
}
