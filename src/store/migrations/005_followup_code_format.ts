/**
 * Patient codes in the site's format (PSEUDONYM_PATTERN, docs/followup.md): the database's last
 * line of defence now takes what any site format may produce once the service's detectors have
 * passed it: groups of capitals and digits joined by "-" or "_" ("PZ_17"), at least one digit, at
 * most 32 characters, as src/followup/codes.ts stores them. Every code stored before fits.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // 003 declared the check on the column, so PostgreSQL named it <table>_<column>_check.
  await db.schema.alterTable('followup_patients').dropConstraint('followup_patients_code_check').execute();
  await db.schema
    .alterTable('followup_patients')
    .addCheckConstraint('followup_patients_code_format', sql`code ~ '^[A-Z0-9]+([_-][A-Z0-9]+)*$' and code ~ '[0-9]' and length(code) <= 32`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('followup_patients').dropConstraint('followup_patients_code_format').execute();
  await db.schema
    .alterTable('followup_patients')
    .addCheckConstraint('followup_patients_code_check', sql`code ~ '^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$' and length(code) <= 32`)
    .execute();
}
