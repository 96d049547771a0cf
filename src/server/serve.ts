/**
 * `pdta serve`: one process, one HTTP server, every configured channel. With nothing configured it
 * still starts (the web playground, the Teams endpoint in local mode, the store on PGlite under
 * DATA_DIR) and prints its URL, so someone who has just cloned the repository can talk to it.
 *
 * Routes: / and /api/chat (playground), /slack/events (Slack), /api/messages (Teams),
 * /pathway.svg, /healthz (alive), /readyz (ready for traffic), /metrics (Prometheus).
 * The service graph (conversation service, follow-up registry, router, channels, reminder
 * dispatcher) comes from the composition root, src/app/compose.ts; this file is the HTTP server
 * around it: health, readiness, metrics, admission and the graceful shutdown.
 * SIGTERM drains: stop accepting, let turns in flight finish (bounded), stop the dispatcher, close the store.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql } from 'kysely';
import { composeServer, playgroundEnabled, preloadPlatformChannels, type Channel, type ServerGraphOptions } from '../app/compose.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from '../config.js';
import type { ConversationService } from '../core/turn.js';
import { openAssistant } from '../engine/openAssistant.js';
import type { RunningDispatcher } from '../followup/dispatcher.js';
import type { FollowupService } from '../followup/service.js';
import { createLogger, type Logger } from '../logging.js';
import { renderPathwaySvg } from '../pathway/pathwaySvg.js';
import type { Lang } from '../reply/model.js';
import { openStore, type Store } from '../store/database.js';
import { HttpError, sendJson, startHttpServer, type Route, type RunningServer } from './httpServer.js';
import { watchEventLoop, type EventLoopLoad } from './eventLoopLoad.js';
import { startProbePort, STORE_CHECK_MS, type Phase, type ProbePort } from './probePort.js';
import { startHousekeeping } from './housekeeping.js';
import { countError, httpRequestsTotal, registry } from './metrics.js';
import { routeOutboundCalls } from './outboundProxy.js';
import type { TrackedConversationService } from './trackedService.js';

export interface Served {
  url: string;
  /** The probes' own port (HEALTH_PORT), when configured: /healthz and /readyz answered by a worker thread. */
  healthUrl: string | undefined;
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
  decorateService?: ServerGraphOptions['decorateService'];
  /**
   * Follow-up overrides, for tests: the clock the registry and the dispatcher read (a reminder's
   * day and hour without waiting for them), and how often the dispatcher polls and plans.
   */
  followup?: ServerGraphOptions['followup'];
  /** The event loop's load as admission reads it; default a watch of this process's loop. Tests hand in a saturated one. */
  eventLoop?: EventLoopLoad;
}

/** A readiness probe must answer before the load balancer's own timeout (typically 1 to 5 s). */
const STORE_PING_TIMEOUT_MS = 2_000;

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

const BUSY = 'the assistant is busy; retry in a moment';
/** Up to this, a refused request's body is read and dropped on a connection kept open (a chat message, a Slack event). */
const SMALL_REFUSED_BODY_BYTES = 64 * 1024;

/**
 * A channel's route behind the bounds on work in flight (turns held, and how busy or how far behind
 * the event loop is): past them, 503 with Retry-After at once, before the body is read, so that a
 * flood costs little and /healthz keeps answering. Slack sends a refused event again later; a browser or the
 * Bot Connector retries. The probes and /metrics are never behind it.
 */
function admitted(route: Route, saturated: () => boolean): Route {
  return {
    ...route,
    handler: (req, res) => {
      if (saturated()) {
        countError('overloaded');
        const declared = Number(req.headers['content-length'] ?? 0);
        // A small body is left for node to read and throw away, and the connection stays open: a
        // load balancer's pool that were made to reconnect after every refusal would queue in the
        // kernel's accept queue, ahead of the health probes. A larger one ends as any refusal before the body.
        if (Number.isFinite(declared) && declared <= SMALL_REFUSED_BODY_BYTES && req.headers['transfer-encoding'] === undefined) {
          sendJson(res, 503, { error: BUSY }, { 'retry-after': '1' });
          return;
        }
        throw new HttpError(503, BUSY, { 'retry-after': '1' });
      }
      return route.handler(req, res);
    },
  };
}

/** What a failed listen() says about the configuration: the variable to fix (PORT or HEALTH_PORT), as a ConfigError (exit 2). */
function listenProblem(error: unknown, config: Config, variable: 'PORT' | 'HEALTH_PORT' = 'PORT'): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const port = variable === 'PORT' ? config.PORT : config.HEALTH_PORT;
  switch (code) {
    case 'EADDRINUSE':
      return new ConfigError(`${variable}: ${port} is already in use on ${config.HOST} (is another pdta serve running?); choose a free port`);
    case 'EACCES':
      return new ConfigError(`${variable}: ${port} needs privileges this process does not have on ${config.HOST}; choose a port from 1024`);
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

/**
 * What the probes' worker cannot see for itself: whether the database answers (checked every
 * STORE_CHECK_MS, as the main port's /readyz checks it on each request) and the work in flight.
 */
function watchForProbes(probes: ProbePort, store: Store, workInFlight: () => number): { firstCheck: Promise<void>; stop(): Promise<void> } {
  let checking: Promise<void> | undefined;
  const check = (): void => {
    probes.turnsInFlight(workInFlight());
    // One check at a time: a database that hangs is reported by the check's own timeout.
    checking ??= pingStore(store)
      .then((ok) => probes.storeChecked(ok))
      .finally(() => {
        checking = undefined;
      });
  };
  check();
  const firstCheck = checking ?? Promise.resolve();
  const timer = setInterval(check, STORE_CHECK_MS);
  timer.unref();
  return {
    firstCheck,
    stop: async () => {
      clearInterval(timer);
      await checking;
    },
  };
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

export async function serve(options: ServeOptions = {}): Promise<Served> {
  if (!options.env) loadDotEnv();
  const config = loadConfig(options.env ?? process.env);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  routeOutboundCalls(config, logger);
  const assistant = await openAssistant();
  const content = assistant.catalog.content;
  const svgs: Record<Lang, string> = { it: renderPathwaySvg(content, 'it'), en: renderPathwaySvg(content, 'en') };

  // The server listens before the store is open: creating a new PGlite directory takes seconds
  // (more on a busy machine), and an orchestrator's liveness probe must not kill the process meanwhile.
  let phase: Phase = 'starting';
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

  // The probes' port first: if it cannot be had, nothing has listened yet (exit 2 naming HEALTH_PORT).
  let probes: ProbePort | undefined;
  if (config.HEALTH_PORT !== undefined) {
    try {
      probes = await startProbePort({ host: config.HOST, port: config.HEALTH_PORT, contentVersion: assistant.contentVersion, logger });
    } catch (error) {
      throw listenProblem(error, config, 'HEALTH_PORT');
    }
  }
  const enter = (next: Phase): void => {
    phase = next;
    probes?.phase(next);
  };

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
    await probes?.close();
    throw listenProblem(error, config);
  }
  logger.info({ url: server.url, ...(probes ? { healthUrl: probes.url } : {}) }, 'starting: opening the store');

  const playground = playgroundEnabled(config);
  preloadPlatformChannels();
  try {
    store = await openStore(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: config.DATA_DIR });
    const graph = await composeServer({
      config,
      logger,
      assistant,
      store,
      ...(options.decorateService ? { decorateService: options.decorateService } : {}),
      ...(options.followup ? { followup: options.followup } : {}),
    });
    tracked = graph.service;
    unauthenticatedTeams = graph.unauthenticatedTeams;
    followup = graph.followup;
    channels = graph.channels;
    reminders = await graph.start();
  } catch (error) {
    await reminders?.stop().catch(() => undefined);
    for (const c of channels) await c.stop?.().catch(() => undefined);
    await server.close(1_000);
    await store?.close();
    await probes?.close();
    throw error;
  }
  const limit = config.MAX_TURNS_IN_FLIGHT;
  const openedChannels = channels;
  const localTeams = unauthenticatedTeams;
  const trackedTurns = tracked;
  /** Turns being answered, and Slack requests acknowledged but not answered yet. */
  const workInFlight = (): number =>
    trackedTurns.turnsInFlight + (localTeams?.turnsInFlight ?? 0) + openedChannels.reduce((n, c) => n + (c.pending?.() ?? 0), 0);
  // A CPU-bound process queues in its event loop, not in its turns: each turn finishes quickly while
  // new connections wait unaccepted. So the loop's load can bound admission too (see eventLoopLoad.ts):
  // its delay by default; how busy it is only when configured, since a loop kept busy by steady use
  // is not overloaded (docs/serve.md, "Overload").
  const maxBusy = config.MAX_EVENT_LOOP_BUSY_PERCENT / 100;
  const maxDelayMs = config.MAX_EVENT_LOOP_DELAY_MS;
  const loopWatch = watchEventLoop();
  const loop: EventLoopLoad = options.eventLoop ?? loopWatch;
  const loopSaturated = (): boolean => (maxBusy < 1 && loop.utilization() > maxBusy) || (maxDelayMs > 0 && loop.delayMs() > maxDelayMs);
  // With nothing in flight a request is always admitted: a loop kept busy by refusals alone (or by
  // the start-up just finished) must still answer someone.
  const saturated = (): boolean => {
    const inFlight = workInFlight();
    return inFlight >= limit || (inFlight > 0 && loopSaturated());
  };
  routes = [...operational, ...channels.flatMap((c) => c.routes.map((r) => admitted(r, saturated)))];
  const housekeeping = startHousekeeping(store, logger.child({ component: 'housekeeping' }));
  const probesWatch = probes ? watchForProbes(probes, store, workInFlight) : undefined;
  probes?.describe({ channels: channels.map((c) => c.name), store: store.engine });
  // Ready on the probes' port as on PORT: with the database's answer known, not a moment before it.
  await probesWatch?.firstCheck;
  enter('ready');
  logger.info(
    { url: server.url, ...(probes ? { healthUrl: probes.url } : {}), channels: channels.map((c) => c.name), playground, store: store.engine },
    'pdta assistant listening',
  );

  const openedStore = store;
  const turns = tracked;
  const registryService = followup;
  const dispatcher = reminders;
  const timeoutMs = config.SHUTDOWN_TIMEOUT_SECONDS * 1000;
  let closing: Promise<void> | undefined;
  const shutDown = async (readinessDelayMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    const left = (): number => Math.max(0, deadline - Date.now());
    enter('draining');
    housekeeping.stop();
    logger.info({ turnsInFlight: turns.turnsInFlight, timeoutMs, readinessDelayMs }, 'shutting down: draining turns in flight');
    // Readiness first: the load balancer sees 503 on /readyz and stops sending here, while what it
    // still sends meanwhile is served as usual.
    if (readinessDelayMs > 0) await delay(Math.min(readinessDelayMs, left()));
    // No new connections from here; a request on a connection still open gets 503 with Retry-After.
    routes = [...operational, shuttingDown];
    loopWatch.stop();
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
    await probesWatch?.stop();
    try {
      await openedStore.close();
    } catch (error) {
      logger.error({ err: error }, 'store close failed');
    }
    // Liveness on the probes' port answers until the very end, so no orchestrator kills a drain.
    await probes?.close();
    logger.info('stopped');
  };

  return {
    url: server.url,
    healthUrl: probes?.url,
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
