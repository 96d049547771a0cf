/**
 * Where reminders are delivered. A transport posts one reminder and, where the platform allows,
 * says whether an earlier attempt already delivered it (the check that turns "at least once" into
 * "exactly once" after a crash between sending and recording the send).
 */
import type { ReminderKind } from '../store/reminderOutbox.js';
import type { ReminderPayload } from './message.js';

export interface OutboundReminder {
  /** The outbox row id. */
  id: string;
  /** Stable for the reminder across attempts and workers: `reminder:<id>`. */
  idempotencyKey: string;
  kind: ReminderKind;
  payload: ReminderPayload;
  /** Failed attempts so far. */
  attempts: number;
  /**
   * When an earlier attempt may have delivered it: the span in which that send could have
   * happened (from the first attempt to the end of the last lease). null for a first attempt.
   */
  earlierAttempt: { from: Date; to: Date } | null;
}

export interface ReminderTransport {
  /** The outbox target this transport serves: "slack", "teams". */
  readonly target: string;
  /** Posts the reminder; the platform's id for the message (Slack ts, Teams activity id) if it gives one. */
  send(reminder: OutboundReminder): Promise<{ messageId: string | null }>;
  /**
   * Whether an earlier attempt already delivered the reminder: its message id if so, null if it
   * certainly did not. Absent where the platform offers no way to look (Teams); the dispatcher
   * then sends again, since a reminder twice is better than a reminder never.
   */
  alreadySent?(reminder: OutboundReminder): Promise<{ messageId: string } | null>;
}

/**
 * A failed send, classified. `notDelivered`: the platform answered that it posted nothing (a 429,
 * an API error), so the next attempt needs no check. `retryAfterMs`: the platform said when to
 * come back (Retry-After), which the dispatcher honours for the whole target.
 */
export class ReminderDeliveryError extends Error {
  override readonly name = 'ReminderDeliveryError';
  readonly notDelivered: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { notDelivered: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.notDelivered = options.notDelivered;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function idempotencyKey(outboxId: string): string {
  return `reminder:${outboxId}`;
}
