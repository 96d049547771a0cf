/**
 * Riding out Teams throttling. The Bot Connector answers 429 when a bot posts too fast (Teams rate
 * limits: per bot per conversation, a few messages a second), and Microsoft asks bots to retry with
 * exponential backoff and random jitter, also on 412, 502 and 504 ("Optimize your bot with rate
 * limiting in Teams").
 *
 * botbuilder's connector client (via @azure/core-rest-pipeline) already retries a 429 or 503 that
 * carries Retry-After, and 5xx, up to 3 times. This layer sits around each send and adds what it
 * lacks: a 429 or 412 without Retry-After, a bound on how long a Retry-After may hold a send (a
 * turn must not hang for an hour), and an overall deadline. Each send is one activity, so a retry never repeats a
 * message that was already delivered. The loop itself is the project's one retry helper (src/core/retry.ts).
 */
import { defaultRetryPolicy as coreDefaultRetryPolicy, parseRetryAfter, withRetry as retry, type RetryPolicy } from '../../core/retry.js';

export type { RetryPolicy } from '../../core/retry.js';
export { parseRetryAfter } from '../../core/retry.js';

export const defaultRetryPolicy: RetryPolicy = {
  ...coreDefaultRetryPolicy,
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  // Teams waits ~15 s for a bot to answer an incoming activity; proactive sends pass their own.
  deadlineMs: 12_000,
};

/** Statuses Teams documents as transient for bot sends (5xx are already retried by the connector). */
const RETRYABLE = new Set([412, 429, 502, 504]);

export interface SendFailure {
  status: number | undefined;
  retryAfterMs: number | undefined;
}

/** Reads the HTTP status and Retry-After out of whatever the connector client threw. */
export function describeFailure(error: unknown, now: number = Date.now()): SendFailure {
  if (typeof error !== 'object' || error === null) return { status: undefined, retryAfterMs: undefined };
  const e = error as { statusCode?: unknown; status?: unknown; response?: { status?: unknown; headers?: unknown } };
  const statusValue = e.statusCode ?? e.status ?? e.response?.status;
  const status = typeof statusValue === 'number' ? statusValue : undefined;
  return { status, retryAfterMs: parseRetryAfter(headerValue(e.response?.headers, 'retry-after'), now) };
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const h = headers as { get?: unknown } & Record<string, unknown>;
  if (typeof h.get === 'function') {
    const value: unknown = (h.get as (n: string) => unknown).call(headers, name);
    return typeof value === 'string' ? value : undefined;
  }
  const value = h[name] ?? h[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

export class ThrottledError extends Error {
  override readonly name = 'ThrottledError';
  /** The last refusal's HTTP response (its Retry-After tells a caller with its own queue when to try again). */
  readonly response: unknown;
  constructor(
    readonly attempts: number,
    readonly status: number | undefined,
    options: { cause: unknown },
  ) {
    super(`the Bot Connector kept refusing (HTTP ${status ?? '?'}) after ${attempts} attempts`, options);
    const cause = options.cause;
    this.response = typeof cause === 'object' && cause !== null && 'response' in cause ? cause.response : undefined;
  }
}

/**
 * Runs `send`, retrying on throttling (core/retry.ts's loop). `onRetry` is told about each wait (for the log).
 * Errors that are not transient (400, 401, 403, 404, 413) are thrown at once, unchanged.
 */
export function withRetry<T>(
  send: () => Promise<T>,
  policy: RetryPolicy = defaultRetryPolicy,
  onRetry?: (info: { attempt: number; status: number | undefined; delayMs: number }) => void,
): Promise<T> {
  return retry(send, policy, {
    classify: (error) => {
      const { status, retryAfterMs } = describeFailure(error, policy.now());
      return { retryable: status !== undefined && RETRYABLE.has(status), retryAfterMs };
    },
    onRetry: ({ attempt, delayMs, error }) => onRetry?.({ attempt, status: describeFailure(error).status, delayMs }),
    giveUp: ({ attempts, error }) => new ThrottledError(attempts, describeFailure(error).status, { cause: error }),
  });
}
