/**
 * The one retry helper: a server's Retry-After is waited as given (never shortened, and a longer
 * one than the policy allows ends the retries), otherwise a jittered exponential backoff; what the
 * caller calls not retryable is thrown at once, unchanged.
 */
import { describe, expect, it } from 'vitest';
import { backoffMs, defaultRetryPolicy, parseRetryAfter, withRetry, type RetryPolicy } from '../../src/core/retry.js';

class Refused extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP ${status}`);
  }
}

function policy(waits: number[], overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  let now = 0;
  return {
    ...defaultRetryPolicy,
    random: () => 0.5,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    ...overrides,
  };
}

const classify = (error: unknown) => (error instanceof Refused ? { retryable: error.status === 429 || error.status >= 500, retryAfterMs: error.retryAfterMs } : { retryable: false });

/** A call that fails with `failures` in turn, then answers 'ok'. */
function failing(failures: Refused[]): { call: () => Promise<string>; calls: () => number } {
  let n = 0;
  return {
    call: async () => {
      const failure = failures[n];
      n += 1;
      if (failure) throw failure;
      return 'ok';
    },
    calls: () => n,
  };
}

describe('withRetry', () => {
  it('waits a Retry-After as given, and backs off exponentially with jitter when there is none', async () => {
    const waits: number[] = [];
    const { call, calls } = failing([new Refused(429, 3_000), new Refused(503), new Refused(503)]);
    await expect(withRetry(call, policy(waits), { classify })).resolves.toBe('ok');
    expect(calls()).toBe(4);
    // 3 s as Slack said; then attempt 2's and 3's backoff (500 ms and 1 s, each half fixed, half random).
    expect(waits).toEqual([3_000, 750, 1_500]);
  });

  it('throws what is not retryable at once, unchanged', async () => {
    const waits: number[] = [];
    const refusal = new Refused(403);
    const { call, calls } = failing([refusal]);
    await expect(withRetry(call, policy(waits), { classify })).rejects.toBe(refusal);
    expect(calls()).toBe(1);
    expect(waits).toEqual([]);
  });

  it('gives up, through giveUp, after its attempts or before a wait longer than it allows', async () => {
    const tooMany = failing(Array.from({ length: 10 }, () => new Refused(502)));
    const error = await withRetry(tooMany.call, policy([], { maxAttempts: 3 }), { classify, giveUp: ({ attempts }) => new Error(`gave up after ${attempts}`) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'gave up after 3' });
    expect(tooMany.calls()).toBe(3);

    const waits: number[] = [];
    const tooLong = failing([new Refused(429, 60_000)]);
    await expect(withRetry(tooLong.call, policy(waits, { maxDelayMs: 10_000 }), { classify })).rejects.toMatchObject({ status: 429 });
    expect(waits).toEqual([]);
  });

  it('reads Retry-After in seconds or as an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2_000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:30 GMT', 10_000)).toBe(20_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(backoffMs(20, { baseDelayMs: 500, maxDelayMs: 10_000, random: () => 0.999 })).toBeLessThanOrEqual(10_000);
  });
});
