/**
 * Reminders to a Slack channel with chat.postMessage, exactly once.
 *
 * Each message carries its idempotency key in Slack message metadata
 * (event_type "pdta_reminder", event_payload { key }). When a reminder comes back to a worker
 * after an attempt that may have delivered it (the previous worker crashed, or the request timed
 * out), alreadySent() reads the channel's history over the span of that attempt with
 * include_all_metadata and finds the message by its key, so it is recorded, not posted again.
 * Needs the scopes chat:write and channels:history (groups:history for a private channel).
 *
 * The WebClient's own retries are off (retries: 0, rejectRateLimitedCalls): a retry inside the
 * client would re-post a message the outbox does not know about. The dispatcher retries instead,
 * with backoff, honouring Retry-After.
 */
import { WebClient, WebAPIPlatformError, WebAPIRateLimitedError, LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from '../logging.js';
import type { Block, Reply } from '../reply/model.js';
import { isFollowupButtonValue } from './buttons.js';
import { reminderReply, reminderSummary } from './message.js';
import { ReminderDeliveryError, type OutboundReminder, type ReminderTransport } from './transport.js';

export const REMINDER_EVENT_TYPE = 'pdta_reminder';

export interface SlackReminderTransportOptions {
  token: string;
  /** The channel id (C…) reminders are posted to (REMINDER_SLACK_CHANNEL). */
  channel: string;
  /** SLACK_API_URL: a loopback stand-in in tests. */
  slackApiUrl?: string;
  /** Per request; below the dispatcher's lease margin so a send never outlives its lease. */
  timeoutMs?: number;
  /**
   * Added either side of an earlier attempt's span when reading history: Slack stamps messages
   * with its own clock, which may differ from ours.
   */
  clockSkewMs?: number;
  /** Most history pages read for one check; beyond it the check fails (and is retried), never guesses. */
  maxHistoryPages?: number;
  logger?: Logger;
  /** A ready client (tests); otherwise one is built from token and slackApiUrl. */
  client?: WebClient;
}

/** Block Kit types for the few blocks a reminder uses (https://docs.slack.dev/reference/block-kit/blocks). */
type TextObject = { type: 'mrkdwn'; text: string; verbatim: true } | { type: 'plain_text'; text: string; emoji: boolean };
type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'actions'; elements: Array<{ type: 'button'; text: { type: 'plain_text'; text: string; emoji: boolean }; action_id: string; value: string; style?: 'primary' }> };

/** Slack's limits: 3,000 characters per section text, 150 per header, 2,000 per field. */
const SECTION_CHARS = 2900;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function mrkdwn(text: string): TextObject {
  return { type: 'mrkdwn', text, verbatim: true };
}

function sectionsOfLines(lines: string[]): SlackBlock[] {
  const out: SlackBlock[] = [];
  let current = '';
  for (const line of lines) {
    if (current !== '' && current.length + line.length + 1 > SECTION_CHARS) {
      out.push({ type: 'section', text: mrkdwn(current) });
      current = '';
    }
    current = current === '' ? line : `${current}\n${line}`;
  }
  if (current !== '') out.push({ type: 'section', text: mrkdwn(current) });
  return out;
}

function blockToSlack(block: Block, first: boolean): SlackBlock[] {
  const out: SlackBlock[] = [];
  if (block.title !== undefined) {
    out.push(
      first
        ? { type: 'header', text: { type: 'plain_text', text: block.title.slice(0, 150), emoji: true } }
        : { type: 'section', text: mrkdwn(`*${escape(block.title)}*`) },
    );
  }
  switch (block.type) {
    case 'text':
      out.push(...sectionsOfLines([escape(block.body)]));
      break;
    case 'facts':
      out.push({ type: 'section', fields: block.facts.map((f) => mrkdwn(`*${escape(f.label)}*\n${escape(f.value)}`.slice(0, 2000))) });
      break;
    case 'list':
      out.push(...sectionsOfLines(block.items.map((i) => `• ${escape(i)}`)));
      break;
    default: {
      const never: never = block;
      return never;
    }
  }
  return out;
}

/** A reminder as a Slack message: its blocks, and the notification text. */
export function reminderSlackMessage(reply: Reply, fallback: string): { text: string; blocks: SlackBlock[] } {
  const blocks = reply.blocks.flatMap((b, i) => blockToSlack(b, i === 0));
  const source = reply.lang === 'it' ? 'Fonte' : 'Source';
  for (const c of reply.citations) {
    blocks.push({ type: 'context', elements: [mrkdwn(escape(`${source}: PDTA RCO230, ${c.section} – ${c.heading} · v${c.contentVersion}`))] });
  }
  const buttons = reply.actions.filter((a) => isFollowupButtonValue(a.value));
  if (buttons.length > 0) {
    blocks.push({
      type: 'actions',
      elements: buttons.map((a) => ({
        type: 'button',
        text: { type: 'plain_text', text: a.label.slice(0, 75), emoji: true },
        // The verb part of the value: unique within the message, as Slack requires of action_ids.
        action_id: a.value.replace(/:\d+$/, ''),
        value: a.value,
        ...(a.value.includes(':done:') ? { style: 'primary' as const } : {}),
      })),
    });
  }
  return { text: escape(fallback), blocks: blocks.slice(0, 50) };
}

function toSlackTs(instant: number): string {
  return (Math.max(0, instant) / 1000).toFixed(6);
}

function slackLogger(logger: Logger | undefined): SlackLogger {
  let level = LogLevel.WARN;
  const log = (method: 'debug' | 'info' | 'warn' | 'error') => (...msgs: unknown[]) => {
    logger?.[method]({ slack: true }, msgs.map(String).join(' '));
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

function classify(error: unknown): ReminderDeliveryError {
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
    new WebClient(options.token, {
      ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl.endsWith('/') ? options.slackApiUrl : `${options.slackApiUrl}/` } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.timeoutMs ?? 10_000,
      logger: slackLogger(options.logger),
    });
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
      const reply = reminderReply(reminder.payload);
      const message = reminderSlackMessage(reply, reminderSummary(reminder.payload));
      try {
        const result = await client.chat.postMessage({
          channel: options.channel,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
          metadata: { event_type: REMINDER_EVENT_TYPE, event_payload: { key: reminder.idempotencyKey } },
        });
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
