/**
 * The engines every store test runs on: PGlite in memory always, and the PostgreSQL server named
 * by TEST_DATABASE_URL when it is set (CI sets it). Test files run in parallel against that one
 * database, so each PostgreSQL store lives in a schema of its own, dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, it } from 'vitest';
import { openStore, type Store, type StoreEngine } from '../../src/store/database.js';
import { withMigrationLock } from '../../src/store/migrate.js';

export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;

export interface TestStore {
  readonly store: Store;
  /** Closes the store and drops what it created. */
  dispose(): Promise<void>;
}

export interface TestEngine {
  readonly name: StoreEngine;
  /** A new, empty, migrated store. */
  open(label: string): Promise<TestStore>;
}

const pgliteInMemory: TestEngine = {
  name: 'pglite',
  async open() {
    const store = await openStore({ memory: true });
    return { store, dispose: () => store.close() };
  },
};

function postgresServer(databaseUrl: string): TestEngine {
  return {
    name: 'postgres',
    async open(label) {
      const schema = uniqueSchemaName(label);
      const store = await openStore({ databaseUrl, schema, maxConnections: 4 });
      return {
        store,
        async dispose() {
          // Under the migration lock: another file's migration introspects every schema of the
          // database and fails on one dropped beneath it.
          await store.db
            .connection()
            .execute((db) => withMigrationLock(db, () => sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)));
          await store.close();
        },
      };
    },
  };
}

/** A schema name unique to this run and label, e.g. store_test_events_3f9a1c07. */
export function uniqueSchemaName(label: string): string {
  return `store_test_${label.replaceAll(/[^a-z0-9_]/g, '_')}_${randomBytes(4).toString('hex')}`;
}

export const testEngines: TestEngine[] =
  testDatabaseUrl === undefined ? [pgliteInMemory] : [pgliteInMemory, postgresServer(testDatabaseUrl)];

/** Shows, among the skipped tests, that PostgreSQL was not tested and how to make it so. */
export function notePostgresSkipped(): void {
  if (testDatabaseUrl !== undefined) return;
  describe.skip(
    'postgres: skipped because TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test; CI sets it)',
    () => {
      it('runs these tests against a PostgreSQL server', () => {});
    },
  );
}
