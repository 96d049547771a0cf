/**
 * The one place where the Slack channel's WebClient options are built: the paced client that posts
 * every answer (src/channels/slack/chatPoster.ts) and the clients Bolt hands to listeners for the
 * rare calls (views.publish, views.open, conversations.open) get their retry policy, timeout, API
 * URL and the outbound proxy's fetch (src/server/outboundProxy.ts) from here.
 */
import { WebClient, type RetryOptions, type WebClientOptions } from '@slack/web-api';
import type { Logger } from '../../logging.js';
import { boltLogger } from './boltLogger.js';

/**
 * The WebClient's retries (p-retry) for 5xx answers and network failures: a few, quickly, because a
 * reply that arrives minutes late is no longer an answer (about 10 s in all). 429s are not among
 * them: see `rateLimited` below.
 */
export const SLACK_RETRY: RetryOptions = { retries: 5, factor: 2, minTimeout: 200, maxTimeout: 5_000, randomize: true };

/** How long one attempt may wait for Slack's answer, unless a caller needs a quicker one. */
const SLACK_TIMEOUT_MS = 30_000;

export interface SlackWebClientSettings {
  /** The Web API's base (SLACK_API_URL); default Slack's own. */
  apiUrl?: string | undefined;
  /** Where the client's own lines go (Slack's warnings on an answer, failed requests); Bolt's clients use Bolt's logger. */
  logger?: Logger | undefined;
  retryConfig?: RetryOptions | undefined;
  /** Per attempt; default 30 s. */
  timeoutMs?: number | undefined;
  /**
   * What a 429 does. `reject`: thrown at once as WebAPIRateLimitedError, for a caller that waits it
   * out for just what Slack's answer covers (the ChannelPacer: one channel). `wait`: the WebClient
   * waits Retry-After itself and pauses that client's whole queue meanwhile, which is right only for
   * a client that carries no answers (Bolt's, for the rare calls).
   */
  rateLimited: 'reject' | 'wait';
  /** The outbound proxy's fetch (HTTPS_PROXY / NO_PROXY); default the global fetch. */
  fetch?: typeof globalThis.fetch | undefined;
}

export function slackWebClientOptions(settings: SlackWebClientSettings): WebClientOptions {
  return {
    ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {}),
    ...(settings.logger ? { logger: boltLogger(settings.logger) } : {}),
    retryConfig: settings.retryConfig ?? SLACK_RETRY,
    rejectRateLimitedCalls: settings.rateLimited === 'reject',
    timeout: settings.timeoutMs ?? SLACK_TIMEOUT_MS,
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  };
}

export function createSlackWebClient(token: string, settings: SlackWebClientSettings): WebClient {
  return new WebClient(token, slackWebClientOptions(settings));
}
