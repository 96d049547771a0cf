/**
 * Opens the store: a PostgreSQL server when a URL is given (many bot instances share it), else an
 * embedded PGlite on disk (one process, no server to run), else, for tests, PGlite in memory.
 * Either way the schema is migrated before openStore() returns, so callers never see an old one.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect, type Dialect } from 'kysely';
import pg from 'pg';
import { StoreError } from './errors.js';
import { lockDataDir } from './dataDirLock.js';
import { migrateToLatest } from './migrate.js';
import { PGliteDialect } from './pgliteDialect.js';
import { createPgliteDataDir } from './pgliteDataDir.js';
import type { Database } from './schema.js';

export type StoreEngine = 'pglite' | 'postgres';

export interface StoreConfig {
  /** A PostgreSQL connection string (DATABASE_URL). When set and not empty, PGlite is not used. */
  databaseUrl?: string;
  /** Where PGlite keeps its files, under `${dataDir}/pglite`. Default './data'. */
  dataDir?: string;
  /** PGlite in memory, gone at close(): for tests. */
  memory?: boolean;
  /**
   * A PostgreSQL schema to hold the tables, created if missing (default: the connection's own
   * search_path, normally `public`). Lets tests, or two deployments, share one database.
   */
  schema?: string;
  /** Most connections the PostgreSQL pool opens. Default 10. */
  maxConnections?: number;
  /**
   * Told about errors on idle pooled connections (the server restarted, the network dropped).
   * pg drops such a connection and opens a new one when needed; without a listener Node would
   * treat the error as unhandled and exit.
   */
  onConnectionError?: (error: Error) => void;
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly engine: StoreEngine;
  /** Ends the pool or closes PGlite (flushing it to disk). Safe to call more than once. */
  close(): Promise<void>;
}

export async function openStore(config: StoreConfig = {}): Promise<Store> {
  const schema = config.schema === undefined ? undefined : validSchemaName(config.schema);
  // DATABASE_URL= (empty) in an env file means "not set", not "connect with pg's defaults".
  const databaseUrl = config.databaseUrl || undefined;
  if (databaseUrl !== undefined && config.memory) {
    throw new StoreError('INVALID_CONFIG', 'choose either a database URL or an in-memory store, not both');
  }
  const { engine, dialect, release } =
    databaseUrl === undefined
      ? await openPglite(config, schema)
      : { engine: 'postgres' as const, dialect: postgresDialect(databaseUrl, config, schema), release: noop };
  const db = new Kysely<Database>({ dialect });
  const shutDown = async (): Promise<void> => {
    try {
      await db.destroy();
    } finally {
      await release();
    }
  };
  try {
    await migrateToLatest(db, schema);
  } catch (error) {
    await shutDown();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return { db, engine, close: () => (closing ??= shutDown()) };
}

interface OpenedEngine {
  engine: StoreEngine;
  dialect: Dialect;
  /** Runs after the database is closed. */
  release: () => Promise<void>;
}

async function openPglite(config: StoreConfig, schema: string | undefined): Promise<OpenedEngine> {
  const options = {
    // pg returns int8 as a string (ids past 2^53 stay exact); PGlite returns a number unless told.
    parsers: { [types.INT8]: (value: string) => value },
    // PostgreSQL's defaults (128 MB of shared buffers, 4 MB of WAL buffers) are sized for a server;
    // this database holds a few thousand rows. Measured on an idle pdta serve: about 50 MB less
    // resident memory (docs/serve.md, "Memory"); most of the rest is PGlite's WebAssembly runtime.
    postgresqlconf: ['shared_buffers=16MB', 'wal_buffers=1MB'],
  };
  if (config.memory) {
    return { engine: 'pglite', dialect: await pgliteDialect(await PGlite.create(options), schema), release: noop };
  }
  const dataDir = config.dataDir ?? './data';
  const pgliteDir = join(dataDir, 'pglite');
  await mkdir(pgliteDir, { recursive: true });
  const release = await lockDataDir(join(dataDir, 'pglite.lock'), pgliteDir);
  try {
    await createPgliteDataDir(pgliteDir, options.postgresqlconf);
    return { engine: 'pglite', dialect: await pgliteDialect(await PGlite.create(pgliteDir, options), schema), release };
  } catch (error) {
    await release();
    throw error;
  }
}

async function pgliteDialect(pglite: PGlite, schema: string | undefined): Promise<Dialect> {
  try {
    // One session for the life of the store, so setting the search_path once is enough.
    if (schema !== undefined) await pglite.exec(`set search_path to ${quoteIdentifier(schema)}`);
  } catch (error) {
    await pglite.close();
    throw error;
  }
  return new PGliteDialect(pglite);
}

const noop = async (): Promise<void> => {};

function postgresDialect(databaseUrl: string, config: StoreConfig, schema: string | undefined): Dialect {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: config.maxConnections ?? 10 });
  pool.on('error', (error) => config.onConnectionError?.(error));
  return new PostgresDialect({
    pool,
    // Set on each new connection, not in the URL, so that it holds whatever options the URL has.
    // A search_path naming a schema that does not exist yet is accepted; migration creates it.
    ...(schema === undefined
      ? {}
      : {
          onCreateConnection: async (connection) => {
            await connection.executeQuery(CompiledQuery.raw(`set search_path to ${quoteIdentifier(schema)}`));
          },
        }),
  });
}

/** Lower-case identifiers only: they need no quoting rules beyond the plain ones. */
function validSchemaName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new StoreError(
      'INVALID_CONFIG',
      `schema "${name}" is not a plain lower-case identifier (letters, digits, _; at most 63 characters)`,
    );
  }
  return name;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
