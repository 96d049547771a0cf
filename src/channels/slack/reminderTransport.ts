/**
 * Reminders to a Slack channel with chat.postMessage, exactly once (docs/followup.md).
 *
 * Each message carries its idempotency key in Slack message metadata
 * (event_type "pdta_reminder", event_payload { key }). When a reminder comes back to a worker
 * after an attempt that may have delivered it (the previous worker crashed, or the request timed
 * out), alreadySent() reads the channel's history over the span of that attempt with
 * include_all_metadata and finds the message by its key, so it is recorded, not posted again.
 * Needs the scopes chat:write and channels:history (groups:history for a private channel).
 *
 * The WebClient is built as every Slack client is (webClient.ts, through the outbound proxy), with
 * its own retries off (retries: 0, rateLimited 'reject'): a retry inside the client would re-post
 * a message the outbox does not know about. The dispatcher retries instead, with backoff,
 * honouring Retry-After.
 *
 * Posts go through the per-channel pacer answers go through (channelPacer.ts; one instance per
 * process, handed in by the composition root), so that a reminder and answers into one channel
 * share Slack's pace, and a 429 on the reminders' channel holds that channel only. A reminder
 * waits at most `turnWaitMs` for its turn; one not started by then is not posted at all, and the
 * dispatcher tries it again later.
 */
import { WebAPIPlatformError, WebAPIRateLimitedError, type WebClient } from '@slack/web-api';
import { ReminderDeliveryError, type OutboundReminder, type ReminderTransport } from '../../core/reminders.js';
import { createLogger, type Logger } from '../../logging.js';
import { renderBlockKitMessage } from '../../reply/blockKit.js';
import type { Lang } from '../../reply/model.js';
import { ChannelPacer, NotStartedError } from './channelPacer.js';
import { createSlackWebClient } from './webClient.js';

export const REMINDER_EVENT_TYPE = 'pdta_reminder';

export interface SlackReminderTransportOptions {
  token: string;
  /** The channel id (C…) reminders are posted to (REMINDER_SLACK_CHANNEL). */
  channel: string;
  /** SLACK_API_URL: a loopback stand-in in tests. */
  slackApiUrl?: string;
  /**
   * Per request. With `turnWaitMs` it stays within the dispatcher's send timeout (10 s), so a
   * send never outlives its lease. Default 7 s.
   */
  timeoutMs?: number;
  /** Longest wait for the channel's turn (the pace, a 429's hold) before the post is given up unmade. Default 3 s. */
  turnWaitMs?: number;
  /**
   * Added either side of an earlier attempt's span when reading history: Slack stamps messages
   * with its own clock, which may differ from ours.
   */
  clockSkewMs?: number;
  /** Most history pages read for one check; beyond it the check fails (and is retried), never guesses. */
  maxHistoryPages?: number;
  logger?: Logger;
  /** The outbound proxy's fetch (src/server/outboundProxy.ts); default the global fetch. */
  fetch?: typeof globalThis.fetch;
  /** The pacer answers post through (one per process); default one of this transport's own, without pacing. */
  pacer?: ChannelPacer;
  /** A ready client (tests); otherwise one is built from token and slackApiUrl. */
  client?: WebClient;
}

/** Where the left-out note points when a reminder is too long for one message (never expected: the digest lists at most 40). */
const LEFT_OUT_HINT: Record<Lang, string> = {
  it: '`pdta followup upcoming` mostra tutto.',
  en: '`pdta followup upcoming` shows everything.',
};

/**
 * A reminder as one Slack message, rendered as every answer is (src/reply/blockKit.ts), with its
 * idempotency key in the message metadata. One message, never several: the exactly-once check
 * looks for it by that key.
 */
export function reminderSlackMessage(reminder: Pick<OutboundReminder, 'reply' | 'idempotencyKey'>): ReturnType<typeof renderBlockKitMessage> {
  return renderBlockKitMessage(reminder.reply, {
    metadata: { event_type: REMINDER_EVENT_TYPE, event_payload: { key: reminder.idempotencyKey } },
    leftOutHint: LEFT_OUT_HINT[reminder.reply.lang],
  });
}

/** Request and turn together stay within the dispatcher's default send timeout (10 s). */
const DEFAULT_TIMEOUT_MS = 7_000;
const DEFAULT_TURN_WAIT_MS = 3_000;

function toSlackTs(instant: number): string {
  return (Math.max(0, instant) / 1000).toFixed(6);
}

function classify(error: unknown): ReminderDeliveryError {
  if (error instanceof NotStartedError) {
    return new ReminderDeliveryError(error.message, { notDelivered: true, retryAfterMs: error.retryAfterMs, cause: error });
  }
  if (error instanceof WebAPIRateLimitedError) {
    return new ReminderDeliveryError(`slack rate limited, retry after ${error.retryAfter}s`, {
      notDelivered: true,
      retryAfterMs: error.retryAfter * 1000,
      cause: error,
    });
  }
  if (error instanceof WebAPIPlatformError) {
    // Slack answered ok: false (channel_not_found, not_in_channel, invalid_auth…): nothing posted.
    return new ReminderDeliveryError(`slack error: ${error.data.error}`, { notDelivered: true, cause: error });
  }
  // A network error, a timeout or a 5xx: the message may or may not have been posted.
  return new ReminderDeliveryError(error instanceof Error ? error.message : String(error), { notDelivered: false, cause: error });
}

interface PendingCheck {
  reminder: OutboundReminder;
  resolve: (found: { messageId: string } | null) => void;
  reject: (error: unknown) => void;
}

export function createSlackReminderTransport(options: SlackReminderTransportOptions): ReminderTransport {
  const client =
    options.client ??
    createSlackWebClient(options.token, {
      apiUrl: options.slackApiUrl,
      logger: options.logger,
      retryConfig: { retries: 0 },
      rateLimited: 'reject',
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      fetch: options.fetch,
    });
  const pacer = options.pacer ?? new ChannelPacer({ paceMs: 0, logger: options.logger ?? createLogger('silent') });
  const turnWaitMs = options.turnWaitMs ?? DEFAULT_TURN_WAIT_MS;
  const skew = options.clockSkewMs ?? 60_000;
  const maxPages = options.maxHistoryPages ?? 100;

  /** Reads the history once for every key asked about in the same turn of the event loop. */
  let pending: PendingCheck[] = [];
  async function flush(checks: PendingCheck[]): Promise<void> {
    try {
      const wanted = new Set(checks.map((c) => c.reminder.idempotencyKey));
      const from = Math.min(...checks.map((c) => c.reminder.earlierAttempt?.from.getTime() ?? Date.now()));
      const to = Math.max(...checks.map((c) => c.reminder.earlierAttempt?.to.getTime() ?? Date.now()));
      const found = new Map<string, string>();
      let cursor: string | undefined;
      let pages = 0;
      do {
        pages += 1;
        if (pages > maxPages) throw new Error(`more than ${maxPages} pages of history to search; not re-sending blind`);
        const page = await client.conversations.history({
          channel: options.channel,
          oldest: toSlackTs(from - skew),
          latest: toSlackTs(to + skew),
          inclusive: true,
          include_all_metadata: true,
          limit: 999,
          ...(cursor ? { cursor } : {}),
        });
        for (const message of page.messages ?? []) {
          const meta = message.metadata;
          const payload: unknown = meta?.event_payload;
          if (meta?.event_type !== REMINDER_EVENT_TYPE || typeof payload !== 'object' || payload === null || !('key' in payload)) continue;
          const key = payload.key;
          if (typeof key === 'string' && wanted.has(key) && message.ts) found.set(key, message.ts);
        }
        if (found.size === wanted.size) break;
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      for (const c of checks) {
        const ts = found.get(c.reminder.idempotencyKey);
        c.resolve(ts === undefined ? null : { messageId: ts });
      }
    } catch (error) {
      const failure = classify(error);
      for (const c of checks) c.reject(failure);
    }
  }

  return {
    target: 'slack',
    async send(reminder) {
      const message = reminderSlackMessage(reminder);
      try {
        const result = await pacer.run(
          options.channel,
          () =>
            client.chat.postMessage({
              channel: options.channel,
              text: message.text,
              blocks: message.blocks,
              unfurl_links: false,
              unfurl_media: false,
              ...(message.metadata ? { metadata: message.metadata } : {}),
            }),
          { rateLimited: 'throw', startWithinMs: turnWaitMs },
        );
        return { messageId: result.ts ?? null };
      } catch (error) {
        throw classify(error);
      }
    },
    alreadySent(reminder) {
      return new Promise((resolve, reject) => {
        if (pending.length === 0) {
          setImmediate(() => {
            const checks = pending;
            pending = [];
            void flush(checks);
          });
        }
        pending.push({ reminder, resolve, reject });
      });
    },
  };
}
