/**
 * The last administration of a patient's therapy (issue #18, docs/followup.md): the next
 * administration counts from it, so one due before enrolment is prompted as overdue instead of
 * skipped. The therapy's start becomes optional (shown, never counted from).
 *
 * Rows enrolled before this migration keep their therapy start and get no last administration:
 * their planned items stay as they were, and the registry shows a note asking for the date.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('followup_patients')
    .addColumn('therapy_last_given', 'text', (col) =>
      col.check(sql`therapy_last_given is null or (therapy_last_given ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' and therapy_last_given::date is not null)`),
    )
    .execute();
  // No dates without a therapy; a therapy may now come without a start date.
  await db.schema.alterTable('followup_patients').dropConstraint('followup_patients_therapy_since').execute();
  await db.schema
    .alterTable('followup_patients')
    .addCheckConstraint('followup_patients_therapy_dates', sql`therapy_id is not null or (therapy_since is null and therapy_last_given is null)`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('followup_patients').dropConstraint('followup_patients_therapy_dates').execute();
  await db.schema.alterTable('followup_patients').dropColumn('therapy_last_given').execute();
  await db.schema
    .alterTable('followup_patients')
    .addCheckConstraint('followup_patients_therapy_since', sql`(therapy_id is null) = (therapy_since is null)`)
    .execute();
}
