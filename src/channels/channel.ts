/**
 * A channel is a receiver: it turns platform events into requests for the router and its outcomes
 * back into platform messages (the habit taken from Bolt's receivers). It imports the core
 * (src/core/), the renderers (src/reply/), the HTTP server, configuration and logging; anything
 * else it needs is handed in as a port (src/core/ports.ts) by the composition root
 * (src/app/compose.ts), which also mounts each channel's routes on the one HTTP server and starts
 * and stops it with the process.
 */
import type { Config } from '../config.js';
import type { TurnRouter } from '../core/router.js';
import type { Logger } from '../logging.js';
import type { Route } from '../server/httpServer.js';

export interface ChannelDeps {
  config: Config;
  /** Every request goes through it: the features plugged in (the follow-up registry), then the conversation. */
  router: TurnRouter;
  logger: Logger;
  /** True once a shutdown has begun and new turns are refused; absent: never. */
  draining?: () => boolean;
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
