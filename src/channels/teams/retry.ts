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
 * message that was already delivered.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff when the connector gives no Retry-After; doubles each attempt. */
  baseDelayMs: number;
  /** Longest single wait; a Retry-After asking for more ends the retries. */
  maxDelayMs: number;
  /** Give up rather than start a wait that would end after this long since the first attempt. */
  deadlineMs: number;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter. */
  random: () => number;
  now: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  // Teams waits ~15 s for a bot to answer an incoming activity; proactive sends pass their own.
  deadlineMs: 12_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: Date.now,
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

/** Retry-After is either seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
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
 * Runs `send`, retrying on throttling. `onRetry` is told about each wait (for the log).
 * Errors that are not transient (400, 401, 403, 404, 413) are thrown at once, unchanged.
 */
export async function withRetry<T>(
  send: () => Promise<T>,
  policy: RetryPolicy = defaultRetryPolicy,
  onRetry?: (info: { attempt: number; status: number | undefined; delayMs: number }) => void,
): Promise<T> {
  const started = policy.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      const { status, retryAfterMs } = describeFailure(error, policy.now());
      if (status === undefined || !RETRYABLE.has(status)) throw error;
      if (attempt >= policy.maxAttempts) throw new ThrottledError(attempt, status, { cause: error });
      // The server's Retry-After is honoured as given, never shortened: a wait longer than we allow
      // means giving up now. Our own backoff has "equal jitter" (half fixed, half random), so that
      // many conversations throttled together do not retry in step.
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = retryAfterMs ?? Math.round(backoff / 2 + (policy.random() * backoff) / 2);
      const tooLong = delayMs > policy.maxDelayMs || policy.now() - started + delayMs > policy.deadlineMs;
      if (tooLong) throw new ThrottledError(attempt, status, { cause: error });
      onRetry?.({ attempt, status, delayMs });
      await policy.sleep(delayMs);
    }
  }
}
