/**
 * The first schema: conversation snapshots, the dosing audit trail, processed event ids and
 * conversation references. Migrations take Kysely<unknown> on purpose: they describe the schema at
 * the time they were written, not the row types of today's schema.ts.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('conversations')
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('conversation_id', 'text', (col) => col.notNull())
    // '' rather than NULL: a primary key column cannot be NULL, and a conversation without
    // threads must still have exactly one row.
    .addColumn('thread_id', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('machine_id', 'text', (col) => col.notNull())
    .addColumn('machine_version', 'integer', (col) => col.notNull())
    .addColumn('snapshot', 'jsonb', (col) => col.notNull())
    .addColumn('lang', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('conversations_pk', ['channel', 'conversation_id', 'thread_id'])
    .execute();
  await db.schema.createIndex('conversations_expires_at_idx').on('conversations').column('expires_at').execute();

  // Deliberately no column for the question's text: the audit says who was shown which dose,
  // computed by which rule, never what they typed (which may hold patient details).
  await db.schema
    .createTable('audit_dosing')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('user_ref', 'text', (col) => col.notNull())
    .addColumn('drug', 'text', (col) => col.notNull())
    .addColumn('population', 'text', (col) => col.notNull())
    .addColumn('weight_kg', 'numeric', (col) => col.check(sql`weight_kg > 0`))
    .addColumn('result', 'text', (col) => col.notNull())
    .addColumn('rule', 'text', (col) => col.notNull())
    .addColumn('content_version', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('audit_dosing_at_idx').on('audit_dosing').column('at').execute();

  await db.schema
    .createTable('processed_events')
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('event_id', 'text', (col) => col.notNull())
    .addColumn('received_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('processed_events_pk', ['channel', 'event_id'])
    .execute();
  // Purging old ids scans by age; without the index it reads the whole table.
  await db.schema
    .createIndex('processed_events_received_at_idx')
    .on('processed_events')
    .column('received_at')
    .execute();

  await db.schema
    .createTable('conversation_refs')
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('conversation_id', 'text', (col) => col.notNull())
    .addColumn('reference', 'jsonb', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('conversation_refs_pk', ['channel', 'conversation_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['conversation_refs', 'processed_events', 'audit_dosing', 'conversations']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
