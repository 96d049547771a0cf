/**
 * The reminder outbox: every reminder message to deliver, one row per target, delivered exactly
 * once where the platform lets us check (docs/followup.md).
 *
 * - Enqueueing is idempotent: each row has a dedupe key (target, item or digest, day), so two
 *   instances planning the same day insert it once.
 * - Workers claim due rows with SELECT … FOR UPDATE SKIP LOCKED in one statement and lease them
 *   (claimed_until); several instances on one PostgreSQL never claim the same row at once, and a
 *   row whose worker died is claimed again when its lease runs out.
 * - Every claim sets a fresh claim token; marking a row sent or failed requires that token, so a
 *   worker whose lease ran out cannot overwrite the result of the worker that took over.
 * - A claim sets maybe_sent: until a failure proves nothing went out, the next claimant must ask
 *   the platform whether the message already arrived (Slack: message metadata) before sending.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, ReminderOutboxStatus } from './schema.js';

export type ReminderKind = 'due' | 'overdue' | 'digest';

export interface NewReminder {
  dedupeKey: string;
  target: string;
  kind: ReminderKind;
  itemId: string | null;
  payload: unknown;
  /** Not before this instant. */
  sendAt: Date;
}

export interface ClaimedReminder {
  id: string;
  /** The claim's token: needed to mark the row sent, failed or released. */
  token: string;
  target: string;
  kind: ReminderKind;
  itemId: string | null;
  payload: unknown;
  /** Failed attempts before this claim. */
  attempts: number;
  /** This claim's lease end: the worker must not start a send after it. */
  claimedUntil: Date;
  /**
   * Set when an earlier claim may have delivered the message (a crash, a timeout): the span in
   * which that send could have happened. The platform must be asked before sending again.
   */
  earlierAttempt: { from: Date; to: Date } | null;
}

export interface OutboxCounts {
  pending: number;
  sent: number;
  cancelled: number;
  /** Pending rows that have failed at least once. */
  retrying: number;
}

type Db = Kysely<Database> | Transaction<Database>;

const INSERT_CHUNK = 500;

export class ReminderOutbox {
  constructor(private readonly db: Db) {}

  /** Inserts the reminders not already there (by dedupe key); returns how many were new. */
  async enqueue(reminders: readonly NewReminder[], now: Date): Promise<number> {
    let inserted = 0;
    for (let i = 0; i < reminders.length; i += INSERT_CHUNK) {
      const chunk = reminders.slice(i, i + INSERT_CHUNK);
      const rows = await this.db
        .insertInto('reminder_outbox')
        .values(
          chunk.map((r) => ({
            dedupe_key: r.dedupeKey,
            target: r.target,
            kind: r.kind,
            item_id: r.itemId,
            payload: JSON.stringify(r.payload),
            status: 'pending' as const,
            send_at: r.sendAt,
            next_attempt_at: r.sendAt,
            created_at: now,
          })),
        )
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returning('id')
        .execute();
      inserted += rows.length;
    }
    return inserted;
  }

  async exists(dedupeKey: string): Promise<boolean> {
    const row = await this.db.selectFrom('reminder_outbox').select('id').where('dedupe_key', '=', dedupeKey).executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Claims up to `limit` pending rows for `targets` that are due and not leased, oldest first.
   * One statement: the SELECT … FOR UPDATE SKIP LOCKED and the UPDATE that leases what it found
   * commit together, so no other worker can take the same row in between.
   */
  async claim(options: { targets: readonly string[]; now: Date; leaseMs: number; limit: number }): Promise<ClaimedReminder[]> {
    if (options.targets.length === 0 || options.limit < 1) return [];
    const token = randomUUID();
    const until = new Date(options.now.getTime() + options.leaseMs);
    const { rows } = await sql<{
      id: string;
      target: string;
      kind: ReminderKind;
      item_id: string | null;
      payload: unknown;
      attempts: number;
      was_maybe_sent: boolean;
      prev_first_attempt_at: Date | null;
      prev_claimed_until: Date | null;
    }>`
      with due as (
        select id, maybe_sent, first_attempt_at, claimed_until
        from reminder_outbox
        where status = 'pending'
          and target in (${sql.join(options.targets)})
          and next_attempt_at <= ${options.now}
          and (claimed_until is null or claimed_until <= ${options.now})
        order by next_attempt_at, id
        limit ${options.limit}
        for update skip locked
      )
      update reminder_outbox as o
      set claimed_until = ${until},
          claim_token = ${token},
          claimed_at = ${options.now},
          maybe_sent = true,
          first_attempt_at = coalesce(o.first_attempt_at, ${options.now})
      from due
      where o.id = due.id
      returning o.id, o.target, o.kind, o.item_id, o.payload, o.attempts,
        due.maybe_sent as was_maybe_sent, due.first_attempt_at as prev_first_attempt_at,
        due.claimed_until as prev_claimed_until`.execute(this.db);
    return rows
      .map((row) => ({
        id: String(row.id),
        token,
        target: row.target,
        kind: row.kind,
        itemId: row.item_id === null ? null : String(row.item_id),
        payload: row.payload,
        attempts: row.attempts,
        claimedUntil: until,
        earlierAttempt:
          row.was_maybe_sent && row.prev_first_attempt_at !== null
            ? { from: row.prev_first_attempt_at, to: row.prev_claimed_until ?? options.now }
            : null,
      }))
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  /** Records delivery; false when the claim was lost (another worker took the row over). */
  async markSent(claim: Pick<ClaimedReminder, 'id' | 'token'>, messageId: string | null, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('reminder_outbox')
      .set({ status: 'sent', message_id: messageId, sent_at: now, claimed_until: null, claim_token: null, last_error: null })
      .where('id', '=', claim.id)
      .where('claim_token', '=', claim.token)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Records several deliveries in one statement (one commit instead of one per message); returns
   * the ids recorded. An id missing from the result lost its claim to another worker.
   */
  async markSentMany(sent: ReadonlyArray<{ claim: Pick<ClaimedReminder, 'id' | 'token'>; messageId: string | null }>, now: Date): Promise<string[]> {
    if (sent.length === 0) return [];
    const values = sql.join(sent.map((s) => sql`(${s.claim.id}::bigint, ${s.claim.token}::text, ${s.messageId}::text)`));
    const { rows } = await sql<{ id: string }>`
      update reminder_outbox as o
      set status = 'sent', message_id = v.message_id, sent_at = ${now}, claimed_until = null, claim_token = null, last_error = null
      from (values ${values}) as v(id, token, message_id)
      where o.id = v.id and o.claim_token = v.token
      returning o.id`.execute(this.db);
    return rows.map((r) => String(r.id));
  }

  /**
   * Records a failed attempt and when to try again. `notDelivered`: the platform answered that it
   * did not post the message (429, an API error), so no check is needed before the next send.
   */
  async markFailed(
    claim: Pick<ClaimedReminder, 'id' | 'token'>,
    failure: { nextAttemptAt: Date; error: string; notDelivered: boolean },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('reminder_outbox')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        next_attempt_at: failure.nextAttemptAt,
        last_error: failure.error.slice(0, 500),
        claimed_until: null,
        claim_token: null,
        // Nothing went out: a later check need only look from the next attempt on.
        ...(failure.notDelivered ? { maybe_sent: false, first_attempt_at: null } : {}),
      }))
      .where('id', '=', claim.id)
      .where('claim_token', '=', claim.token)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives a claimed row back unattempted (the target is paused): as it was before the claim. */
  async release(claim: ClaimedReminder, nextAttemptAt: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('reminder_outbox')
      .set({
        next_attempt_at: nextAttemptAt,
        claimed_until: null,
        claim_token: null,
        maybe_sent: claim.earlierAttempt !== null,
      })
      .where('id', '=', claim.id)
      .where('claim_token', '=', claim.token)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Cancels an item's reminders that no worker may be sending: the item was done, snoozed or set
   * aside, so the message would be noise. A row leased right now, or one that an earlier attempt
   * may have delivered, is left to finish (it is marked sent, not sent twice).
   */
  async cancelForItem(itemId: string, now: Date): Promise<number> {
    const result = await this.db
      .updateTable('reminder_outbox')
      .set({ status: 'cancelled' })
      .where('item_id', '=', itemId)
      .where('status', '=', 'pending')
      .where('maybe_sent', '=', false)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async counts(): Promise<OutboxCounts> {
    const rows = await this.db
      .selectFrom('reminder_outbox')
      .select(['status'])
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .select(sql<string>`count(*) filter (where attempts > 0)`.as('failed'))
      .groupBy('status')
      .execute();
    const counts: OutboxCounts = { pending: 0, sent: 0, cancelled: 0, retrying: 0 };
    for (const row of rows) {
      counts[row.status as ReminderOutboxStatus] = Number(row.n);
      if (row.status === 'pending') counts.retrying = Number(row.failed);
    }
    return counts;
  }
}
