/**
 * `pdta serve`: one process, one HTTP server, every configured channel. With nothing configured it
 * still starts (the web playground, the Teams endpoint in local mode, the store on PGlite under
 * DATA_DIR) and prints its URL, so someone who has just cloned the repository can talk to it.
 *
 * Routes: / and /api/chat (playground), /slack/events (Slack), /api/messages (Teams),
 * /pathway.svg, /healthz (alive), /readyz (ready for traffic), /metrics (Prometheus).
 * Follow-up reminders (docs/followup.md): one FollowupService for every channel, and a reminder
 * dispatcher on every instance when REMINDER_SLACK_CHANNEL or REMINDER_TEAMS_CONVERSATION_ID is set.
 * SIGTERM drains: stop accepting, let turns in flight finish (bounded), stop the dispatcher, close the store.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql } from 'kysely';
import { createWebChannel } from '../channels/web/index.js';
import type { Channel } from '../channels/channel.js';
import { ConfigError, isLoopbackHost, loadConfig, loadDotEnv, type Config } from '../config.js';
import { openAssistant } from '../engine/openAssistant.js';
import type { Content } from '../content/schema.js';
import type { Clock, CoordinatorPredicate, FollowupService, ReminderTransport, RunningDispatcher } from '../followup/index.js';
import type { ScheduleSettings } from '../followup/schedule.js';
import { createLogger, type Logger } from '../logging.js';
import { renderPathwaySvg } from '../pathway/pathwaySvg.js';
import type { Lang } from '../reply/model.js';
import { openStore, type Store } from '../store/database.js';
import type { ConversationService } from './conversationService.js';
import { MemoryConversationSnapshots, SqlConversationSnapshots } from './conversationSnapshots.js';
import { TurnConversationService } from './turnConversationService.js';
import { ConversationStore } from '../store/conversations.js';
import { HttpError, sendJson, startHttpServer, type Route, type RunningServer } from './httpServer.js';
import { startHousekeeping } from './housekeeping.js';
import { countError, httpRequestsTotal, registry, remindersSentTotal } from './metrics.js';
import { TrackedConversationService } from './trackedService.js';

export interface Served {
  url: string;
  config: Config;
  store: Store;
  /** The service every channel uses (counted, logged, drained on shutdown). */
  service: ConversationService;
  channels: Channel[];
  /** The follow-up registry every channel uses (coordinators from COORDINATOR_USER_IDS and the reminders' Slack channel). */
  followup: FollowupService;
  /** The reminder dispatcher; absent when no reminder target is configured. */
  reminders: RunningDispatcher | undefined;
  /**
   * Graceful, within SHUTDOWN_TIMEOUT_SECONDS: /readyz turns 503 and, for `readinessDelayMs`
   * (SHUTDOWN_DELAY_SECONDS on SIGTERM, none by default), everything else is still served; then the
   * listener closes, every request already accepted is answered (Slack's acknowledged ones too),
   * the dispatcher stops and the store closes. Never rejects.
   */
  close(options?: { readinessDelayMs?: number }): Promise<void>;
}

export interface ServeOptions {
  /** The configuration's source; default process.env after reading ./.env into it. */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Wraps the conversation service before the channels see it (tests use it to hold a turn in flight). */
  decorateService?: (service: ConversationService) => ConversationService;
  /**
   * Follow-up overrides, for tests: the clock the registry and the dispatcher read (a reminder's
   * day and hour without waiting for them), and how often the dispatcher polls and plans.
   */
  followup?: { clock?: Clock; pollMs?: number; planEveryMs?: number };
}

/** A readiness probe must answer before the load balancer's own timeout (typically 1 to 5 s). */
const STORE_PING_TIMEOUT_MS = 2_000;

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

/** How often a shutdown looks again whether every accepted request has been answered. */
const SETTLE_POLL_MS = 20;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** After the listener has closed: a request on a connection still open is sent elsewhere. */
const shuttingDown: Route = {
  method: '*',
  path: '/*',
  handler: () => {
    throw new HttpError(503, 'the server is shutting down; retry shortly', { 'retry-after': '5', connection: 'close' });
  },
};

/**
 * A channel's route behind the bound on work in flight: past it, 503 with Retry-After at once,
 * before the body is read, so that a flood costs little and /healthz keeps answering. Slack sends
 * a refused event again later; a browser or the Bot Connector retries.
 */
function admitted(route: Route, saturated: () => boolean): Route {
  return {
    ...route,
    handler: (req, res) => {
      if (saturated()) {
        countError('overloaded');
        throw new HttpError(503, 'the assistant is busy; retry in a moment', { 'retry-after': '1' });
      }
      return route.handler(req, res);
    },
  };
}

/** What a failed listen() says about the configuration: the variable to fix, as a ConfigError (exit 2). */
function listenProblem(error: unknown, config: Config): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EADDRINUSE':
      return new ConfigError(`PORT: ${config.PORT} is already in use on ${config.HOST} (is another pdta serve running?); choose a free port`);
    case 'EACCES':
      return new ConfigError(`PORT: ${config.PORT} needs privileges this process does not have on ${config.HOST}; choose a port from 1024`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
    case 'EADDRNOTAVAIL':
      return new ConfigError(`HOST: cannot listen on ${JSON.stringify(config.HOST)} (${code}): give an address of this machine, e.g. 127.0.0.1, or 0.0.0.0 for every interface`);
    default:
      return error;
  }
}

async function pingStore(store: Store): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), STORE_PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([sql`select 1`.execute(store.db).then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function pathwayRoute(svgs: Record<Lang, string>): Route {
  return {
    method: 'GET',
    path: '/pathway.svg',
    handler: (req: IncomingMessage, res: ServerResponse) => {
      let lang: string;
      try {
        lang = new URL(req.url ?? '/', 'http://localhost').searchParams.get('lang') ?? 'it';
      } catch {
        throw new HttpError(400, 'the query string cannot be read; use /pathway.svg?lang=it or ?lang=en');
      }
      if (lang !== 'it' && lang !== 'en') throw new HttpError(400, 'lang must be "it" or "en"');
      const svg = svgs[lang];
      res.writeHead(200, {
        'content-type': 'image/svg+xml; charset=utf-8',
        'content-length': Buffer.byteLength(svg),
        // The picture changes only with content/, that is with a new release of the server.
        'cache-control': 'public, max-age=3600',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
        'x-content-type-options': 'nosniff',
      });
      res.end(svg);
    },
  };
}

type FollowupModule = typeof import('../followup/index.js');

/**
 * Who may change the registry: COORDINATOR_USER_IDS (each `slack:…` or `teams:…`), and, when
 * reminders go to a Slack channel, that channel's Slack members (read with conversations.members,
 * kept for 5 minutes; needs channels:read, or groups:read for a private channel). Teams has no
 * such membership check: there only the `teams:` entries count (Azure AD object ids).
 */
function coordinators(config: Config, followup: FollowupModule, logger: Logger): CoordinatorPredicate {
  const membership =
    config.SLACK_BOT_TOKEN && config.REMINDER_SLACK_CHANNEL
      ? followup.slackChannelMembership({
          token: config.SLACK_BOT_TOKEN,
          channel: config.REMINDER_SLACK_CHANNEL,
          ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
          logger,
        })
      : undefined;
  return followup.coordinatorPredicate(config.COORDINATOR_USER_IDS, membership);
}

/**
 * The reminder dispatcher, when a target is configured: planning and delivery on this instance,
 * every reminder sent counted in pdta_reminders_sent_total (by channel) and every failed attempt
 * as a reminder_send error.
 */
function startReminders(
  config: Config,
  followup: FollowupModule,
  deps: {
    store: Store;
    content: Content;
    settings: ScheduleSettings;
    logger: Logger;
    transports: ReminderTransport[];
    clock?: Clock;
    pollMs?: number;
    planEveryMs?: number;
  },
): RunningDispatcher | undefined {
  const { logger } = deps;
  if (config.REMINDER_SLACK_CHANNEL && !config.SLACK_BOT_TOKEN) {
    logger.warn('REMINDER_SLACK_CHANNEL is set but SLACK_BOT_TOKEN is not: no reminders go to Slack');
  }
  const { transports } = deps;
  if (transports.length === 0) {
    logger.info('follow-up reminders not dispatched: set REMINDER_SLACK_CHANNEL or REMINDER_TEAMS_CONVERSATION_ID (docs/followup.md)');
    return undefined;
  }
  // Every configured series starts at 0, so that rate() sees the first reminder.
  for (const t of transports) remindersSentTotal.inc({ channel: t.target }, 0);
  const dispatcher = followup.startDispatcher({
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

export async function serve(options: ServeOptions = {}): Promise<Served> {
  if (!options.env) loadDotEnv();
  const config = loadConfig(options.env ?? process.env);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const assistant = await openAssistant();
  const content = assistant.catalog.content;
  const svgs: Record<Lang, string> = { it: renderPathwaySvg(content, 'it'), en: renderPathwaySvg(content, 'en') };

  // The server listens before the store is open: creating a new PGlite directory takes seconds
  // (more on a busy machine), and an orchestrator's liveness probe must not kill the process meanwhile.
  let phase: 'starting' | 'ready' | 'draining' = 'starting';
  let channels: Channel[] = [];
  let store: Store | undefined;
  let tracked: TrackedConversationService | undefined;
  let followup: FollowupService | undefined;
  let unauthenticatedTeams: TrackedConversationService | undefined;
  let reminders: RunningDispatcher | undefined;
  const operational: Route[] = [
    pathwayRoute(svgs),
    // Liveness: the process answers. Stays 200 while starting and draining, so it is not killed mid-way.
    { method: 'GET', path: '/healthz', handler: (_req, res) => sendJson(res, 200, { status: phase === 'ready' ? 'ok' : phase }) },
    {
      method: 'GET',
      path: '/readyz',
      handler: async (_req, res) => {
        const storeOk = phase === 'ready' && store ? await pingStore(store) : false;
        const status = phase !== 'ready' ? phase : storeOk ? 'ready' : 'store unavailable';
        sendJson(res, status === 'ready' ? 200 : 503, {
          status,
          channels: channels.map((c) => c.name),
          store: store?.engine ?? null,
          turnsInFlight: tracked?.turnsInFlight ?? 0,
          contentVersion: assistant.contentVersion,
        });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handler: async (_req, res) => {
        const text = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) });
        res.end(text);
      },
    },
  ];
  const starting: Route = {
    method: '*',
    path: '/*',
    handler: () => {
      throw new HttpError(503, 'the assistant is starting; retry in a few seconds', { 'retry-after': '2' });
    },
  };
  let routes: Route[] = [...operational, starting];

  let server: RunningServer;
  try {
    server = await startHttpServer({
      host: config.HOST,
      port: config.PORT,
      routes: () => routes,
      onError: (error: unknown, req: IncomingMessage) => {
        countError('request_failed');
        logger.error({ err: error, path: req.url?.split('?')[0] }, 'request failed');
      },
      onResponse: (route, method, status) => httpRequestsTotal.inc({ route, method, status: String(status) }),
    });
  } catch (error) {
    throw listenProblem(error, config);
  }
  logger.info({ url: server.url }, 'starting: opening the store');

  const playground = playgroundEnabled(config);
  // Bolt and botbuilder take a second or more to import: loaded while the store opens, not before listening.
  const platformChannels = Promise.all([import('../channels/slack/index.js'), import('../channels/teams/index.js'), import('../followup/index.js'), import('../channels/reminderTransports.js')]);
  platformChannels.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
  try {
    store = await openStore(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: config.DATA_DIR });
    const [{ createSlackChannel }, { createTeamsChannel }, followupModule, { reminderTransportsFromConfig }] = await platformChannels;
    const service: ConversationService = new TurnConversationService({
      assistant,
      snapshots: new SqlConversationSnapshots(new ConversationStore(store.db, { serverDatabase: store.engine === 'postgres' }), config.CONVERSATION_TTL_MINUTES * 60_000),
    });
    tracked = new TrackedConversationService(options.decorateService ? options.decorateService(service) : service, logger);
    // Teams in local mode takes activities no platform authenticated: their conversations are kept
    // in memory, and no dosing audit is written in the name of an id nobody vouched for.
    if (!config.MicrosoftAppId) {
      unauthenticatedTeams = new TrackedConversationService(
        new TurnConversationService({ assistant, snapshots: new MemoryConversationSnapshots(config.CONVERSATION_TTL_MINUTES * 60_000) }),
        logger,
      );
    }
    const clock = options.followup?.clock;
    const settings = followupModule.scheduleSettingsFromConfig(config);
    followup = new followupModule.FollowupService({
      db: store.db,
      content,
      isCoordinator: coordinators(config, followupModule, logger),
      settings,
      codeFormat: followupModule.pseudonymFormatFromConfig(config),
      ...(clock ? { clock } : {}),
    });
    const deps = { config, assistant, service: tracked, store, logger };
    const [slack, teams] = await Promise.all([
      createSlackChannel(deps, { followup }),
      createTeamsChannel(unauthenticatedTeams ? { ...deps, service: unauthenticatedTeams } : deps, { followup }),
    ]);
    channels = [slack, teams].filter((c): c is Channel => c !== null);
    if (playground) {
      channels.unshift(createWebChannel({ service: tracked, logger, contentVersion: assistant.contentVersion, localClientsOnly: config.PLAYGROUND === 'auto' }));
      if (!isLoopbackHost(config.HOST)) logger.warn({ host: config.HOST }, 'the playground (/ and /api/chat) has no login and is open to every client that reaches this address (PLAYGROUND=on)');
    }
    for (const c of channels) await c.start?.();
    // After the channels: Teams reminders go through the Teams channel's proactive messages.
    reminders = startReminders(config, followupModule, {
      store,
      content,
      settings,
      logger,
      transports: reminderTransportsFromConfig(config, { logger, sendProactive: teams.sendProactive }),
      ...(clock ? { clock } : {}),
      ...(options.followup?.pollMs !== undefined ? { pollMs: options.followup.pollMs } : {}),
      ...(options.followup?.planEveryMs !== undefined ? { planEveryMs: options.followup.planEveryMs } : {}),
    });
  } catch (error) {
    await reminders?.stop().catch(() => undefined);
    for (const c of channels) await c.stop?.().catch(() => undefined);
    await server.close(1_000);
    await store?.close();
    throw error;
  }
  const limit = config.MAX_TURNS_IN_FLIGHT;
  const openedChannels = channels;
  const localTeams = unauthenticatedTeams;
  const trackedTurns = tracked;
  /** Turns being answered, and Slack requests acknowledged but not answered yet. */
  const workInFlight = (): number =>
    trackedTurns.turnsInFlight + (localTeams?.turnsInFlight ?? 0) + openedChannels.reduce((n, c) => n + (c.pending?.() ?? 0), 0);
  routes = [...channels.flatMap((c) => c.routes.map((r) => admitted(r, () => workInFlight() >= limit))), ...operational];
  const housekeeping = startHousekeeping(store, logger.child({ component: 'housekeeping' }));
  phase = 'ready';
  logger.info({ url: server.url, channels: channels.map((c) => c.name), playground, store: store.engine }, 'pdta assistant listening');

  const openedStore = store;
  const turns = tracked;
  const registryService = followup;
  const dispatcher = reminders;
  const timeoutMs = config.SHUTDOWN_TIMEOUT_SECONDS * 1000;
  let closing: Promise<void> | undefined;
  const shutDown = async (readinessDelayMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    const left = (): number => Math.max(0, deadline - Date.now());
    phase = 'draining';
    housekeeping.stop();
    logger.info({ turnsInFlight: turns.turnsInFlight, timeoutMs, readinessDelayMs }, 'shutting down: draining turns in flight');
    // Readiness first: the load balancer sees 503 on /readyz and stops sending here, while what it
    // still sends meanwhile is served as usual.
    if (readinessDelayMs > 0) await delay(Math.min(readinessDelayMs, left()));
    // No new connections from here; a request on a connection still open gets 503 with Retry-After.
    routes = [...operational, shuttingDown];
    const serverClosed = server.close(left() + 1_000);
    // The dispatcher finishes the round in progress (its sends are recorded) meanwhile: stopped
    // before the store closes, so no reminder is sent that could not be recorded.
    const dispatcherStopped = dispatcher?.stop().then(
      () => logger.info('follow-up reminders stopped'),
      (error: unknown) => logger.error({ err: error }, 'reminder dispatcher stop failed'),
    );
    // Every request accepted before the listener closed is answered: HTTP requests still open,
    // Slack requests acknowledged (Slack never sends them again) and the turns they lead to.
    const busy = (): number => server.requestsInProgress + workInFlight();
    while (busy() > 0 && left() > 0) await delay(Math.min(SETTLE_POLL_MS, left()));
    // Only now are new turns refused: nothing accepted can still be on its way to one.
    const [leftTurns, leftLocal] = await Promise.all([turns.drain(left()), unauthenticatedTeams?.drain(left()) ?? 0]);
    if (leftLocal > 0) logger.warn({ turnsLeft: leftLocal }, 'shutdown timeout reached with local Teams turns still in flight');
    if (leftTurns > 0 || busy() > 0) logger.warn({ turnsLeft: leftTurns, requestsLeft: busy() }, 'shutdown timeout reached with turns still in flight');
    // The drained turns' responses are written by now; their connections are idle and can go.
    server.server.closeIdleConnections();
    for (const c of channels) {
      try {
        await c.stop?.();
      } catch (error) {
        logger.error({ err: error, channel: c.name }, 'channel stop failed');
      }
    }
    await serverClosed;
    await dispatcherStopped;
    try {
      await openedStore.close();
    } catch (error) {
      logger.error({ err: error }, 'store close failed');
    }
    logger.info('stopped');
  };

  return {
    url: server.url,
    config,
    store: openedStore,
    service: turns,
    channels,
    followup: registryService,
    reminders: dispatcher,
    close: (closeOptions = {}) => (closing ??= shutDown(closeOptions.readinessDelayMs ?? 0)),
  };
}

/**
 * SIGTERM (orchestrators) and SIGINT (Ctrl-C) drain and exit 0; a second signal exits at once,
 * for an operator who does not want to wait. What `pdta serve` does after serve() resolves.
 */
export function stopOnSignals(served: Served, exit: (code: number) => void = (code) => process.exit(code)): void {
  const stop = (): void => {
    process.once('SIGTERM', () => exit(130));
    process.once('SIGINT', () => exit(130));
    void served.close({ readinessDelayMs: readinessDelay }).then(() => exit(0));
  };
  // An orchestrator's SIGTERM waits for the load balancer (SHUTDOWN_DELAY_SECONDS); Ctrl-C at a terminal does not.
  let readinessDelay = 0;
  process.once('SIGTERM', () => {
    readinessDelay = served.config.SHUTDOWN_DELAY_SECONDS * 1000;
    stop();
  });
  process.once('SIGINT', stop);
}
