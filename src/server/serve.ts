/**
 * `pdta serve`: one process, one HTTP server, every configured channel. With nothing configured it
 * still starts (Teams endpoint in local mode, the store on PGlite under DATA_DIR) and prints its URL.
 */
import type { IncomingMessage } from 'node:http';
import { createSlackChannel } from '../channels/slack/index.js';
import { createTeamsChannel } from '../channels/teams/index.js';
import type { Channel } from '../channels/channel.js';
import { loadConfig, type Config } from '../config.js';
import { openAssistant } from '../engine/openAssistant.js';
import { createLogger, type Logger } from '../logging.js';
import { openStore, type Store } from '../store/database.js';
import { StatelessConversationService, type ConversationService } from './conversationService.js';
import { sendJson, startHttpServer, type Route, type RunningServer } from './httpServer.js';

export interface Served {
  url: string;
  config: Config;
  store: Store;
  service: ConversationService;
  channels: Channel[];
  close(): Promise<void>;
}

export async function serve(options: { env?: NodeJS.ProcessEnv; logger?: Logger } = {}): Promise<Served> {
  const config = loadConfig(options.env ?? process.env);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const assistant = await openAssistant();
  const store = await openStore(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: config.DATA_DIR });
  const service: ConversationService = new StatelessConversationService(assistant);
  const deps = { config, assistant, service, store, logger };
  const channels = (await Promise.all([createSlackChannel(deps), createTeamsChannel(deps)])).filter((c): c is Channel => c !== null);
  let ready = false;
  const routes: Route[] = [
    { method: 'GET', path: '/healthz', handler: (_req, res) => sendJson(res, ready ? 200 : 503, { status: ready ? 'ok' : 'starting' }) },
    { method: 'GET', path: '/readyz', handler: (_req, res) => sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'starting', channels: channels.map((c) => c.name) }) },
    ...channels.flatMap((c) => c.routes),
  ];
  const server: RunningServer = await startHttpServer({
    host: config.HOST,
    port: config.PORT,
    routes: () => routes,
    onError: (error: unknown, req: IncomingMessage) => logger.error({ err: error, path: req.url?.split('?')[0] }, 'request failed'),
  });
  for (const c of channels) await c.start?.();
  ready = true;
  logger.info({ url: server.url, channels: channels.map((c) => c.name), store: store.engine }, 'pdta assistant listening');
  return {
    url: server.url,
    config,
    store,
    service,
    channels,
    close: async () => {
      ready = false;
      for (const c of channels) await c.stop?.();
      await server.close();
      await store.close();
    },
  };
}
