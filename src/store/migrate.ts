/**
 * Brings the schema to the latest migration, safely when several bot instances start at once
 * against one PostgreSQL.
 *
 * Kysely's Migrator already serialises the migrations themselves, but it first checks for (and
 * creates) its bookkeeping tables outside that lock, by introspecting every table in the
 * database. So the whole run, including `create schema`, happens under one session-level advisory
 * lock held on a single connection: a second instance waits, then finds nothing left to do.
 * The lock key is the same for every schema on purpose: anything else that drops schemas (the
 * test suites' cleanup) takes it too, so the introspection never meets a half-dropped schema.
 */
import { Migrator, sql, type Kysely } from 'kysely';
import { StoreError } from './errors.js';
import { migrations } from './migrations/index.js';

/** An arbitrary constant, unique to this project among the advisory locks a shared server sees. */
const MIGRATION_LOCK_KEY = 7_306_289_174_213_771n;

/** A migration that takes longer than this is stuck; starting up with an error beats hanging. */
const MIGRATION_LOCK_TIMEOUT_MS = 120_000;

/**
 * Runs `work` on one connection while holding the migration lock.
 * `db` must be bound to a single connection (`db.connection().execute(...)`): a session-level
 * advisory lock belongs to the session that took it.
 */
export async function withMigrationLock<DB, T>(db: Kysely<DB>, work: () => Promise<T>): Promise<T> {
  // set_config(..., true) lasts for this one statement, so the timeout bounds the wait for the
  // lock and does not leak into the pooled connection's later queries.
  await sql`
    with timeout as (select set_config('lock_timeout', ${String(MIGRATION_LOCK_TIMEOUT_MS)}, true))
    select pg_advisory_lock(${sql.lit(MIGRATION_LOCK_KEY)}) from timeout`.execute(db);
  try {
    return await work();
  } finally {
    await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(db);
  }
}

/**
 * Creates `schema` if given (the connections' search_path must already name it), then applies
 * every pending migration. Returns the names of the migrations it applied.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>, schema?: string): Promise<string[]> {
  return db.connection().execute((connection) =>
    withMigrationLock(connection, async () => {
      if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(connection);
      const migrationSchema = await currentSchema(connection);
      const migrator = new Migrator({
        db: connection,
        provider: { getMigrations: async () => ({ ...migrations }) },
        // Named explicitly: without it Kysely looks for its table in every schema of the
        // database and would take another schema's bookkeeping for ours.
        migrationTableSchema: migrationSchema,
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error !== undefined) {
        const failed = results?.find((result) => result.status === 'Error')?.migrationName;
        throw new StoreError(
          'MIGRATION_FAILED',
          `could not migrate schema "${migrationSchema}"${failed ? ` (failed at ${failed})` : ''}: ${describe(error)}`,
          { cause: error },
        );
      }
      return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
    }),
  );
}

async function currentSchema<DB>(db: Kysely<DB>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) {
    throw new StoreError('INVALID_CONFIG', 'no schema on the search_path exists; create one or set the store schema');
  }
  return schema;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
