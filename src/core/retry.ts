/**
 * The one retry loop for outbound calls whose library has no retry of its own (a Slack
 * response_url, the Bot Connector's throttling answers it does not retry, Slack's rate-limited
 * answers scoped to one channel). Calls that go through @slack/web-api's WebClient use its
 * `retryConfig` instead (src/channels/slack/webClient.ts), and botbuilder's connector client keeps
 * its own retries (src/channels/teams/retry.ts says which).
 *
 * A server's Retry-After is honoured as given, never shortened; otherwise the wait is exponential
 * with "equal jitter" (half fixed, half random), so that many callers refused together do not all
 * come back in the same instant.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff when the server names no wait; doubles each attempt. */
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

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  deadlineMs: 30_000,
  sleep: realSleep,
  random: Math.random,
  now: Date.now,
};

/** What the caller reads out of a failure: whether another attempt may help, and the server's wait. */
export interface FailureVerdict {
  retryable: boolean;
  /** The server's Retry-After, in ms, when it sent one. */
  retryAfterMs?: number | undefined;
}

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  error: unknown;
}

export interface RetryHooks {
  /** Reads a failure; a failure it calls not retryable is thrown at once, unchanged. */
  classify: (error: unknown) => FailureVerdict;
  /** Told about each wait before it starts (for the log, or to hold other calls meanwhile). */
  onRetry?: (info: RetryInfo) => void;
  /** Builds what is thrown when the retries run out (too many attempts, or a wait too long); default the last error. */
  giveUp?: (info: { attempts: number; error: unknown }) => unknown;
}

/** Retry-After is either seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The wait before attempt `attempt + 1` when the server names none. */
export function backoffMs(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(backoff / 2 + (policy.random() * backoff) / 2);
}

/** Runs `call`, retrying what `hooks.classify` calls retryable, within the policy's bounds. */
export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy, hooks: RetryHooks): Promise<T> {
  const started = policy.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const verdict = hooks.classify(error);
      if (!verdict.retryable) throw error;
      const delayMs = verdict.retryAfterMs ?? backoffMs(attempt, policy);
      const tooLong = delayMs > policy.maxDelayMs || policy.now() - started + delayMs > policy.deadlineMs;
      if (attempt >= policy.maxAttempts || tooLong) throw hooks.giveUp ? hooks.giveUp({ attempts: attempt, error }) : error;
      hooks.onRetry?.({ attempt, delayMs, error });
      await policy.sleep(delayMs);
    }
  }
}
