import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest, withMigrationLock } from '../../src/store/migrate.js';
import { notePostgresSkipped, testDatabaseUrl, testEngines, uniqueSchemaName, type TestStore } from './engines.js';

const TABLES = [
  'audit_dosing',
  'conversation_refs',
  'conversations',
  'followup_audit',
  'followup_items',
  'followup_patients',
  'processed_events',
  'reminder_outbox',
];

async function tablesOf(store: Store): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_name not like 'kysely_%'
    order by table_name`.execute(store.db);
  return rows.map((row) => row.table_name);
}

async function appliedMigrations(store: Store): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
  return rows.map((row) => row.name);
}

notePostgresSkipped();

describe.each(testEngines)('migrations on $name', (engine) => {
  let opened: TestStore;

  beforeAll(async () => {
    opened = await engine.open('migrations');
  });
  afterAll(async () => {
    await opened?.dispose();
  });

  it('creates every table in the store schema at open and records the migration', async () => {
    expect(opened.store.engine).toBe(engine.name);
    expect(await tablesOf(opened.store)).toEqual(TABLES);
    expect(await appliedMigrations(opened.store)).toEqual(['001_initial', '003_followup', '004_followup_last_given', '005_followup_code_format']);
  });

  it('does nothing when run again', async () => {
    expect(await migrateToLatest(opened.store.db)).toEqual([]);
    expect(await appliedMigrations(opened.store)).toEqual(['001_initial', '003_followup', '004_followup_last_given', '005_followup_code_format']);
  });
});

describe('openStore configuration', () => {
  it('refuses a database URL and an in-memory store together', async () => {
    await expect(openStore({ databaseUrl: 'postgres://localhost/x', memory: true })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
  });

  it('refuses a schema name that would need quoting', async () => {
    await expect(openStore({ memory: true, schema: 'Bot; drop table x' })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });
});

describe.runIf(testDatabaseUrl !== undefined)('several instances starting at once on postgres', () => {
  const schema = uniqueSchemaName('concurrent');
  const stores: Store[] = [];

  afterAll(async () => {
    const [first] = stores;
    if (first) {
      await first.db
        .connection()
        .execute((db) => withMigrationLock(db, () => sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)));
    }
    await Promise.all(stores.map((store) => store.close()));
  });

  it('migrates a new schema once, without error, whichever instance wins', async () => {
    const opening = Array.from({ length: 5 }, () => openStore({ databaseUrl: testDatabaseUrl, schema, maxConnections: 2 }));
    const results = await Promise.allSettled(opening);
    for (const result of results) if (result.status === 'fulfilled') stores.push(result.value);
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);

    const [first] = stores;
    if (!first) throw new Error('no store opened');
    expect(await tablesOf(first)).toEqual(TABLES);
    expect(await appliedMigrations(first)).toEqual(['001_initial', '003_followup', '004_followup_last_given', '005_followup_code_format']);
  });

  it('opens again on the migrated schema, as a restarted instance does', async () => {
    const restarted = await openStore({ databaseUrl: testDatabaseUrl, schema, maxConnections: 2 });
    stores.push(restarted);
    expect(await migrateToLatest(restarted.db, schema)).toEqual([]);
    expect(await appliedMigrations(restarted)).toEqual(['001_initial', '003_followup', '004_followup_last_given', '005_followup_code_format']);
  });
});
