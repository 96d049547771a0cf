/**
 * Posts into each Slack channel at Slack's pace, and waits out a 429 for the one channel it covers.
 *
 * Slack's rate limits for posting messages: "generally one message per second per channel, with
 * short bursts allowed" (docs.slack.dev/apis/web-api/rate-limits, "Posting messages"); beyond it,
 * chat.postMessage answers 429 with Retry-After. So each channel has its own queue: posts into one
 * channel go out one after another, in order, the first `burst` at once and then one per `paceMs`
 * (a token bucket of `burst` tokens refilled one per `paceMs`), while posts into other channels go
 * out beside them, unslowed.
 *
 * A 429 on chat.postMessage, chat.update or chat.postEphemeral holds that channel only: the WebClient
 * is built to reject rate-limited calls (webClient.ts, `rateLimited: 'reject'`) instead of pausing
 * every call it carries; here the channel waits Retry-After, as given, and the post is tried again
 * (src/core/retry.ts), once more for each 429, within RATE_LIMITED_RETRY's bounds.
 *
 * With `paceMs` 0 the pacing is off (no queue: posts go out as they come), and a 429 still holds
 * only its channel.
 *
 * One pacer serves every post of a process (answers and reminders, src/app/compose.ts builds it
 * once), so that posts into one channel share its pace whichever part of the app makes them. A
 * caller with retries of its own (the reminders' outbox) asks for `rateLimited: 'throw'` and a
 * `startWithinMs`: its 429 still holds the channel, but is thrown to it, and a post whose turn has
 * not come in time is never made (NotStartedError), so it cannot land after the caller gave up.
 */
import { WebAPIRateLimitedError } from '@slack/web-api';
import { defaultRetryPolicy, realSleep, withRetry, type RetryPolicy } from '../../core/retry.js';
import type { Logger } from '../../logging.js';

/** Posts one channel may take at once, before the pace applies (Slack tolerates short bursts). */
export const SLACK_CHANNEL_BURST = 3;

/**
 * 429s in a row one post rides out. Slack's Retry-After for posting is seconds; a longer one, or
 * more than two minutes in all, means the answer would come too late to be one: it fails instead.
 */
const RATE_LIMITED_RETRY: Pick<RetryPolicy, 'maxAttempts' | 'maxDelayMs' | 'deadlineMs'> = { maxAttempts: 6, maxDelayMs: 60_000, deadlineMs: 120_000 };

/** Beyond this many channels known, idle ones (nothing in flight, no pause, the burst refilled) are forgotten. */
const IDLE_CHANNELS_KEPT = 1_000;

export interface ChannelPacerOptions {
  /** Least time between two posts into one channel once its burst is spent (SLACK_CHANNEL_PACE_MS); 0: no pacing. */
  paceMs: number;
  burst?: number;
  logger: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface ChannelState {
  /** Posts it may make now (fractional while refilling). */
  tokens: number;
  refilledAt: number;
  /** Until when Slack asked this channel to wait (epoch ms). */
  pausedUntil: number;
  /** The last post queued: the next one goes after it. */
  tail: Promise<unknown>;
  inFlight: number;
}

/** What one post asks of the pacer beyond its channel's turn. */
export interface PacedRunOptions {
  /**
   * `retry` (default): a 429 holds the channel, and the post is tried again once the channel's
   * wait is over. `throw`: the 429 holds the channel all the same, and is thrown at once, for a
   * caller that retries on its own.
   */
  rateLimited?: 'retry' | 'throw';
  /** Give up with NotStartedError if the post has not started within this long (the post is then never made). */
  startWithinMs?: number;
}

/** The post's turn did not come in time: it was not made, and never will be. */
export class NotStartedError extends Error {
  override readonly name = 'NotStartedError';
  constructor(
    readonly channel: string,
    /** How long until the channel may post again, as far as the pacer knows (a 429's wait, or one pace). */
    readonly retryAfterMs: number,
  ) {
    super(`no turn to post into ${channel} within the time allowed; not posted`);
  }
}

/** A WebClient's rate-limited answer (WebAPIRateLimitedError), with its Retry-After in ms. */
export function rateLimitedRetryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof WebAPIRateLimitedError)) return undefined;
  return (Number.isFinite(error.retryAfter) && error.retryAfter >= 0 ? error.retryAfter : 1) * 1000;
}

export class ChannelPacer {
  private readonly channels = new Map<string, ChannelState>();
  private readonly paceMs: number;
  private readonly burst: number;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly retry: RetryPolicy;

  constructor(options: ChannelPacerOptions) {
    this.paceMs = options.paceMs;
    this.burst = Math.max(1, options.burst ?? SLACK_CHANNEL_BURST);
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.retry = { ...defaultRetryPolicy, ...RATE_LIMITED_RETRY, now: this.now, sleep: this.sleep };
  }

  /** Runs `post` (one Web API call into `channel`) in the channel's turn, riding out its 429s unless told otherwise. */
  run<T>(channel: string, post: () => Promise<T>, options: PacedRunOptions = {}): Promise<T> {
    const state = this.stateOf(channel);
    state.inFlight += 1;
    const turn = options.startWithinMs === undefined ? undefined : new Turn(this.now() + options.startWithinMs, options.startWithinMs);
    const attempt = (): Promise<T> => this.attempt(channel, state, post, options.rateLimited ?? 'retry', turn);
    const queued = this.paceMs > 0 ? state.tail.then(attempt) : attempt();
    if (this.paceMs > 0) state.tail = queued.catch(() => undefined);
    const done = (): void => {
      state.inFlight -= 1;
    };
    queued.then(done, done);
    return turn ? turn.race(queued, () => new NotStartedError(channel, this.waitLeft(state))) : queued;
  }

  private attempt<T>(channel: string, state: ChannelState, post: () => Promise<T>, rateLimited: 'retry' | 'throw', turn: Turn | undefined): Promise<T> {
    const hold = (delayMs: number, attempt: number): void => {
      state.pausedUntil = Math.max(state.pausedUntil, this.now() + delayMs);
      this.logger.info({ slackChannel: channel, retryAfterMs: delayMs, attempt }, 'slack rate limit: this channel waits');
    };
    return withRetry(
      async () => {
        await this.waitTurn(channel, state, turn);
        return post();
      },
      this.retry,
      {
        classify: (error) => {
          const retryAfterMs = rateLimitedRetryAfterMs(error);
          if (retryAfterMs !== undefined && rateLimited === 'throw') {
            hold(retryAfterMs, 1);
            return { retryable: false };
          }
          return { retryable: retryAfterMs !== undefined, retryAfterMs };
        },
        onRetry: ({ attempt, delayMs }) => hold(delayMs, attempt),
      },
    );
  }

  /** Until the channel may post again: what is left of its pause, or one pace when it has no token. */
  private waitLeft(state: ChannelState): number {
    return Math.max(state.pausedUntil - this.now(), this.paceMs, 0);
  }

  /**
   * Resolves when the channel is not paused and has a token (taking it). With a `turn`, throws
   * NotStartedError instead of waiting past its deadline (or once its caller stopped waiting).
   */
  private async waitTurn(channel: string, state: ChannelState, turn: Turn | undefined): Promise<void> {
    for (;;) {
      const now = this.now();
      let waitMs = 0;
      if (state.pausedUntil > now) {
        waitMs = state.pausedUntil - now;
      } else if (this.paceMs > 0) {
        state.tokens = Math.min(this.burst, state.tokens + (now - state.refilledAt) / this.paceMs);
        state.refilledAt = now;
        if (state.tokens < 1) waitMs = Math.ceil((1 - state.tokens) * this.paceMs);
      }
      if (turn && (turn.abandoned || now + waitMs > turn.deadline)) throw new NotStartedError(channel, Math.max(waitMs, this.waitLeft(state)));
      if (waitMs === 0) {
        if (this.paceMs > 0) state.tokens -= 1;
        turn?.start();
        return;
      }
      await this.sleep(waitMs);
    }
  }

  private stateOf(channel: string): ChannelState {
    let state = this.channels.get(channel);
    if (!state) {
      if (this.channels.size >= IDLE_CHANNELS_KEPT) this.forgetIdle();
      state = { tokens: this.burst, refilledAt: this.now(), pausedUntil: 0, tail: Promise.resolve(), inFlight: 0 };
      this.channels.set(channel, state);
    }
    return state;
  }

  /** Forgets the channels a fresh state would describe as well: nothing in flight, no pause, the burst refilled. */
  private forgetIdle(): void {
    const now = this.now();
    for (const [channel, state] of this.channels) {
      const refilled = this.paceMs <= 0 || state.tokens + (now - state.refilledAt) / this.paceMs >= this.burst;
      if (state.inFlight === 0 && state.pausedUntil <= now && refilled) this.channels.delete(channel);
    }
  }
}

/**
 * A post that must start by a deadline: its caller stops waiting at the deadline unless the post
 * has started, and a post whose caller stopped waiting is never started.
 */
class Turn {
  started = false;
  abandoned = false;
  constructor(
    /** On the pacer's clock. */
    readonly deadline: number,
    private readonly withinMs: number,
  ) {}

  start(): void {
    this.started = true;
  }

  race<T>(queued: Promise<T>, notStarted: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // The turn may be behind other posts: the caller is released on time all the same.
      const timer = setTimeout(() => {
        if (this.started) return;
        this.abandoned = true;
        reject(notStarted());
      }, this.withinMs);
      queued.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}
