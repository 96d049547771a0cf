/**
 * The follow-up registry and the reminder outbox (docs/followup.md).
 *
 * Calendar dates (due dates, exam dates) are ISO text checked to be real dates, not `date`: pg and
 * PGlite turn a `date` into a JavaScript Date at local midnight, which shifts by a day in any time
 * zone west of UTC; text means the same everywhere and still sorts and compares as dates.
 */
import { sql, type Kysely } from 'kysely';

/** A real calendar date in ISO form (or null): the cast rejects 2026-02-30, the pattern rejects 2026-2-3. */
function isoDateCheck(column: string) {
  // "is null or": a CHECK fails on false, and without it a null date would make the whole test false.
  return sql`${sql.ref(column)} is null or (${sql.ref(column)} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' and ${sql.ref(column)}::date is not null)`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  // Nothing but the pseudonymous code identifies the patient; the service refuses names,
  // codici fiscali, e-mail addresses and phone numbers before they get here.
  await db.schema
    .createTable('followup_patients')
    .addColumn('code', 'text', (col) => col.primaryKey().check(sql`code ~ '^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$' and length(code) <= 32`))
    .addColumn('last_exams_on', 'text', (col) => col.notNull().check(isoDateCheck('last_exams_on')))
    .addColumn('therapy_id', 'text')
    .addColumn('therapy_since', 'text', (col) => col.check(isoDateCheck('therapy_since')))
    .addColumn('enrolled_at', 'timestamptz', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addCheckConstraint('followup_patients_therapy_since', sql`(therapy_id is null) = (therapy_since is null)`)
    .execute();

  // One row per due occurrence of a rule for a patient; its id is the "reminder id" on buttons.
  await db.schema
    .createTable('followup_items')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('patient_code', 'text', (col) => col.notNull().references('followup_patients.code').onDelete('cascade'))
    .addColumn('rule_id', 'text', (col) => col.notNull())
    .addColumn('anchor_on', 'text', (col) => col.notNull().check(isoDateCheck('anchor_on')))
    .addColumn('due_on', 'text', (col) => col.notNull().check(isoDateCheck('due_on')))
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('open', 'booked', 'done', 'not_applicable', 'superseded')`),
    )
    .addColumn('booked_on', 'text', (col) => col.check(isoDateCheck('booked_on')))
    .addColumn('done_on', 'text', (col) => col.check(isoDateCheck('done_on')))
    // null: the first reminder (lead days before due) has not been planned yet; computed when
    // planning, so a changed REMINDER_LEAD_DAYS applies to every item not yet reminded.
    .addColumn('next_reminder_on', 'text', (col) => col.check(isoDateCheck('next_reminder_on')))
    .addColumn('reminders', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .execute();
  // At most one live item per patient and rule: two coordinators pressing "done" at once, or an
  // import racing an edit, cannot leave two schedules running for the same exam.
  await sql`create unique index followup_items_live_uq on followup_items (patient_code, rule_id)
    where status in ('open', 'booked')`.execute(db);
  // The planner's two questions: whose first reminder has come (by due date), whose next one has.
  await sql`create index followup_items_first_reminder_idx on followup_items (due_on)
    where status in ('open', 'booked') and next_reminder_on is null`.execute(db);
  await sql`create index followup_items_next_reminder_idx on followup_items (next_reminder_on)
    where status in ('open', 'booked')`.execute(db);

  // Who changed what, when: field names, dates, content ids and statuses only, never free text.
  await db.schema
    .createTable('followup_audit')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('patient_code', 'text', (col) => col.notNull())
    .addColumn('item_id', 'bigint')
    .addColumn('changes', 'jsonb', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('followup_audit_patient_idx').on('followup_audit').columns(['patient_code', 'at']).execute();

  await db.schema
    .createTable('reminder_outbox')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    // What makes enqueueing idempotent across instances: target, item (or digest) and day.
    .addColumn('dedupe_key', 'text', (col) => col.notNull().unique())
    .addColumn('target', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('due', 'overdue', 'digest')`))
    .addColumn('item_id', 'bigint', (col) => col.references('followup_items.id').onDelete('cascade'))
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('pending', 'sent', 'cancelled')`))
    .addColumn('send_at', 'timestamptz', (col) => col.notNull())
    .addColumn('next_attempt_at', 'timestamptz', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('claim_token', 'text')
    .addColumn('claimed_at', 'timestamptz')
    // true from the moment a worker claims the row until a failure proves nothing was delivered:
    // the next worker must then ask the platform before sending (a crash between send and mark).
    .addColumn('maybe_sent', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('first_attempt_at', 'timestamptz')
    .addColumn('message_id', 'text')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .execute();
  await sql`create index reminder_outbox_due_idx on reminder_outbox (next_attempt_at, id) where status = 'pending'`.execute(db);
  await db.schema.createIndex('reminder_outbox_item_idx').on('reminder_outbox').column('item_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['reminder_outbox', 'followup_audit', 'followup_items', 'followup_patients']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
