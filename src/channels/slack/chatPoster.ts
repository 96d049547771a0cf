/**
 * chat.postMessage for answers: JSON over one keep-alive undici pool to the Web API.
 *
 * Every answer is one or more chat.postMessage calls, the hottest call the app makes. Through
 * @slack/web-api's WebClient each call kept the bot's thread busy about 0.26 ms (fetch and its web
 * streams, a queue, a retry wrapper, the blocks form-encoded, the body serialised for a debug line
 * nobody prints); through undici's pool about 0.03 ms (`npm run bench -- slack` measures both).
 * The WebClient stays for the rare calls (views.publish, conversations.open, views.open).
 *
 * It keeps the WebClient's promises: a 429 is waited out for its Retry-After, and every post waits
 * with it, since Slack counts the app's calls, not one conversation's; 5xx answers and network
 * failures are retried with backoff; an `ok: false` answer is thrown with Slack's error code, in
 * the shape the WebClient throws it (`data.error`), and not retried.
 */
import { Pool, type Dispatcher } from 'undici';
import type { Logger } from '../../logging.js';
import type { SlackMessage } from '../../reply/blockKit.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  factor: number;
  minTimeout: number;
  maxTimeout: number;
  /** Multiplies each pause by a random 1–2, so that instances do not retry in step. */
  randomize: boolean;
}

/**
 * A 429 is waited out for its Retry-After; network failures and 5xx are retried a few times,
 * quickly, because a reply that arrives minutes late is no longer an answer.
 */
export const WEB_API_RETRY: RetryPolicy = { retries: 5, factor: 2, minTimeout: 200, maxTimeout: 5_000, randomize: true };

export const SLACK_WEB_API_URL = 'https://slack.com/api/';

/** Slack's answer `ok: false`, shaped as @slack/web-api's platform error (`code`, `data.error`). */
export class SlackPlatformError extends Error {
  override readonly name = 'SlackPlatformError';
  readonly code = 'slack_webapi_platform_error';
  constructor(
    readonly method: string,
    readonly data: { ok: false; error: string },
  ) {
    super(`${method} answered ${data.error}`);
  }
}

/** No answer worth reading after every attempt: the last HTTP status, or the network error as cause. */
export class SlackUnavailableError extends Error {
  override readonly name = 'SlackUnavailableError';
  constructor(
    readonly method: string,
    readonly attempts: number,
    readonly status: number | undefined,
    options?: ErrorOptions,
  ) {
    super(`${method} failed after ${attempts} attempt(s)${status ? ` (last answer HTTP ${status})` : ''}`, options);
  }
}

export interface PostMessageArgs extends SlackMessage {
  channel: string;
  threadTs?: string | undefined;
}

export interface ChatPoster {
  /** Resolves with the posted message's ts. */
  postMessage(args: PostMessageArgs): Promise<string>;
  close(graceMs?: number): Promise<void>;
}

export interface ChatPosterOptions {
  token: string;
  /** The Web API's base, ending in `/` (SLACK_API_URL); default Slack's own. */
  apiUrl?: string;
  logger: Logger;
  retry?: RetryPolicy;
  /** How long one attempt may wait for Slack's answer. */
  timeoutMs?: number;
  /** Sockets kept open to the Web API. */
  connections?: number;
  /** The outbound proxy's dispatcher (src/server/outboundProxy.ts), when one is configured. */
  dispatcher?: Dispatcher;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry-After in seconds; a missing or unreadable one counts as 1 s (Slack always sends it). */
function retryAfterMs(header: string | string[] | undefined): number {
  const seconds = Number.parseInt(Array.isArray(header) ? (header[0] ?? '') : (header ?? ''), 10);
  return (Number.isFinite(seconds) && seconds >= 0 ? seconds : 1) * 1000;
}

interface SlackAnswer {
  ok?: unknown;
  error?: unknown;
  ts?: unknown;
  warning?: unknown;
  response_metadata?: { warnings?: unknown };
}

/** A 200 whose body is not Slack's JSON (a proxy's page, say) is read as an unreadable answer. */
async function readAnswer(body: Dispatcher.ResponseData['body']): Promise<SlackAnswer> {
  const text = await body.text();
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

export class UndiciChatPoster implements ChatPoster {
  private readonly pool: Pool;
  private readonly dispatcher: Dispatcher;
  private readonly origin: string;
  private readonly path: string;
  private readonly authorization: string;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: Logger;
  /** Until when Slack asked the app to wait (epoch ms): every post waits for it. */
  private resumeAt = 0;

  constructor(options: ChatPosterOptions) {
    const base = new URL(options.apiUrl ?? SLACK_WEB_API_URL);
    const timeout = options.timeoutMs ?? 30_000;
    this.pool = new Pool(base.origin, { connections: options.connections ?? 100, headersTimeout: timeout, bodyTimeout: timeout, connectTimeout: 10_000 });
    this.dispatcher = options.dispatcher ?? this.pool;
    this.origin = base.origin;
    this.path = `${base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`}chat.postMessage`;
    this.authorization = `Bearer ${options.token}`;
    this.retry = options.retry ?? WEB_API_RETRY;
    this.sleep = options.sleep ?? realSleep;
    this.logger = options.logger;
  }

  async postMessage(args: PostMessageArgs): Promise<string> {
    const body = JSON.stringify({
      channel: args.channel,
      ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
      text: args.text,
      blocks: args.blocks,
      // The answer is the PDTA's text; link previews would only push it off a phone's screen.
      unfurl_links: false,
      unfurl_media: false,
    });
    const attempts = this.retry.retries + 1;
    let lastStatus: number | undefined;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const wait = this.resumeAt - Date.now();
      if (wait > 0) await this.sleep(wait);
      try {
        const res = await this.dispatcher.request({
          origin: this.origin,
          path: this.path,
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', authorization: this.authorization },
          body,
        });
        lastStatus = res.statusCode;
        if (res.statusCode === 200) {
          const answer = await readAnswer(res.body);
          this.logWarnings(answer);
          if (answer.ok === true && typeof answer.ts === 'string') return answer.ts;
          throw new SlackPlatformError('chat.postMessage', { ok: false, error: typeof answer.error === 'string' ? answer.error : 'unreadable_answer' });
        }
        await res.body.dump();
        if (res.statusCode === 429) {
          const pause = retryAfterMs(res.headers['retry-after']);
          this.resumeAt = Math.max(this.resumeAt, Date.now() + pause);
          this.logger.info({ retryAfterMs: pause, attempt }, 'slack rate limit: chat.postMessage waits');
          continue;
        }
        if (res.statusCode < 500) throw new SlackUnavailableError('chat.postMessage', attempt, res.statusCode);
        lastError = undefined;
      } catch (error) {
        // A platform error or a 4xx would answer the same again: not retried.
        if (error instanceof SlackPlatformError || error instanceof SlackUnavailableError) throw error;
        lastError = error;
      }
      if (attempt < attempts) await this.sleep(this.backoff(attempt));
    }
    throw new SlackUnavailableError('chat.postMessage', attempts, lastStatus, lastError === undefined ? undefined : { cause: lastError });
  }

  /** Slack's warnings (a deprecation, a malformed field it fixed up): logged as the WebClient does. */
  private logWarnings(answer: SlackAnswer): void {
    const listed = answer.response_metadata?.warnings;
    const warnings = [...(typeof answer.warning === 'string' ? [answer.warning] : []), ...(Array.isArray(listed) ? listed : [])];
    if (warnings.length > 0) this.logger.warn({ method: 'chat.postMessage', warnings }, 'slack web api warnings');
  }

  private backoff(attempt: number): number {
    const { minTimeout, factor, maxTimeout, randomize } = this.retry;
    return Math.min(minTimeout * factor ** (attempt - 1) * (randomize ? 1 + Math.random() : 1), maxTimeout);
  }

  /** Lets posts in flight finish; after `graceMs` the connections are cut. */
  async close(graceMs = 2_000): Promise<void> {
    if (this.pool.closed || this.pool.destroyed) return;
    let timer: NodeJS.Timeout | undefined;
    const cut = new Promise<'cut'>((resolve) => {
      timer = setTimeout(() => resolve('cut'), graceMs);
    });
    const outcome = await Promise.race([this.pool.close(), cut]);
    clearTimeout(timer);
    if (outcome === 'cut') await this.pool.destroy();
  }
}
