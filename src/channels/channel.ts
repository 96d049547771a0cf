/**
 * A channel is a receiver: it turns platform events into conversation turns and replies back into
 * platform messages (the habit taken from Bolt's receivers). `pdta serve` mounts each configured
 * channel's routes on the one HTTP server and starts and stops it with the process.
 */
import type { Config } from '../config.js';
import type { Assistant } from '../engine/assistant.js';
import type { Logger } from '../logging.js';
import type { ConversationService } from '../core/turn.js';
import type { Route } from '../server/httpServer.js';
import type { Store } from '../store/database.js';

export interface ChannelDeps {
  config: Config;
  assistant: Assistant;
  service: ConversationService;
  store: Store;
  logger: Logger;
}

export interface Channel {
  name: string;
  routes: Route[];
  /** Connections of its own (Socket Mode); HTTP routes need none. */
  start?(): Promise<void>;
  /**
   * Requests this channel has accepted (acknowledged to the platform) and not yet answered, beyond
   * the HTTP requests still open: a shutdown waits for them, since the platform will not send an
   * acknowledged request again. Slack acknowledges before it answers; Teams answers within the
   * HTTP request and needs none.
   */
  pending?(): number;
  stop?(): Promise<void>;
}
