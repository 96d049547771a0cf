/**
 * The Teams channel as the composition root builds it, mounted on our real HTTP server on
 * loopback, with the real assistant behind a StatelessConversationService, a store, and a log that
 * the test can read.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { composeTeamsChannel, drainingOf, routerFor } from '../../../../src/app/compose.js';
import type { TeamsChannel, TeamsChannelOptions } from '../../../../src/channels/teams/index.js';
import { loadConfig } from '../../../../src/config.js';
import type { Assistant } from '../../../../src/engine/assistant.js';
import { loadAssistant } from '../../../../src/engine/loadAssistant.js';
import type { ConversationService } from '../../../../src/core/turn.js';
import { StatelessConversationService } from '../../../../src/server/statelessConversationService.js';
import { startHttpServer, type RunningServer } from '../../../../src/server/httpServer.js';
import { FollowupChat } from '../../../../src/followup/chat.js';
import type { FollowupService } from '../../../../src/followup/service.js';
import type { Store } from '../../../../src/store/database.js';
import type { BotFrameworkStandIn } from './botFramework.js';

let sharedAssistant: Assistant | undefined;
export function assistant(): Assistant {
  return (sharedAssistant ??= loadAssistant());
}

export interface Harness {
  url: string;
  channel: TeamsChannel;
  /** Every log line, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Posts an activity; with a Bot Framework stand-in, with the token the Bot Connector would send. */
  post(activity: unknown, init?: { headers?: Record<string, string>; rawBody?: string }): Promise<Response>;
  close(): Promise<void>;
}

export async function startTeams(options: {
  store: Store;
  env?: Record<string, string>;
  /** The channel's options, and the follow-up registry (plugged into the router as in production). */
  channel?: TeamsChannelOptions & { followup?: FollowupService };
  service?: ConversationService;
  /** Authenticated mode: the app id from the stand-in, and every post carries its token. */
  botFramework?: BotFrameworkStandIn;
}): Promise<Harness> {
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'debug', redact: { paths: ['text', 'message', '*.text'], censor: '[redacted]' } }, sink);
  const config = loadConfig({ LOG_LEVEL: 'debug', ...options.botFramework?.env(), ...options.env });
  const service = options.service ?? new StatelessConversationService(assistant());
  const { followup: registry, ...channelOptions } = options.channel ?? {};
  const followup = registry ? new FollowupChat(registry) : undefined;
  const channel = await composeTeamsChannel(
    { config, logger, assistant: assistant(), store: options.store, router: routerFor(service, followup), draining: drainingOf(service), ...(followup ? { followup } : {}) },
    channelOptions,
  );
  const server: RunningServer = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    routes: () => channel.routes,
    onError: (error) => logs.push({ level: 'route-error', err: String(error) }),
  });
  return {
    url: server.url,
    channel,
    logs,
    post: (activity, init = {}) =>
      fetch(`${server.url}/api/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.botFramework && typeof activity === 'object' && activity !== null ? options.botFramework.authorization(activity) : {}),
          ...init.headers,
        },
        body: init.rawBody ?? JSON.stringify(activity),
      }),
    close: () => server.close(),
  };
}
