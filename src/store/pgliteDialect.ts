/**
 * A Kysely dialect over PGlite. PGlite is PostgreSQL itself, so Kysely's PostgreSQL adapter,
 * compiler and introspector apply unchanged; only the driver differs.
 *
 * PGlite has exactly one session. Kysely, like a pool, may hand out several connections at once,
 * and a transaction is several round trips on one connection: were two callers to share the
 * session freely, one caller's statements would land inside the other's transaction. So the
 * driver lends its single connection to one holder at a time, in arrival order, the way Kysely's
 * SQLite driver does. The price is the one SQLite pays: code that waits inside a transaction for
 * a query on the outer `db` (instead of `trx`) waits forever.
 *
 * Written here rather than taken from npm: it is about a hundred lines over Kysely's public API,
 * and kysely-pglite-dialect 1.3.1 declares a peer range of PGlite ^0.2 to ^0.4, not the 0.5 we use.
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  AbortedTransactionError,
  CompiledQuery,
  createQueryId,
  IdentifierNode,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  RawNode,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

export class PGliteDialect implements Dialect {
  /** The dialect owns the PGlite instance: destroying the Kysely instance closes it. */
  constructor(private readonly pglite: PGlite) {}

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.pglite);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

class PGliteDriver implements Driver {
  readonly #pglite: PGlite;
  readonly #connection: PGliteConnection;
  readonly #turns = new TurnQueue();
  #release: (() => void) | undefined;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
    this.#connection = new PGliteConnection(pglite);
  }

  async init(): Promise<void> {
    await this.#pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.#release = await this.#turns.wait();
    return this.#connection;
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  async beginTransaction(_connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let statement = 'start transaction';
    if (settings.isolationLevel) statement += ` isolation level ${settings.isolationLevel}`;
    if (settings.accessMode) statement += ` ${settings.accessMode}`;
    await this.#connection.command(statement);
  }

  async commitTransaction(): Promise<void> {
    // PostgreSQL answers COMMIT of a transaction that an earlier error aborted with a ROLLBACK
    // tag, not an error; without this check the caller would believe its writes were kept.
    if ((await this.#connection.command('commit')) === 'ROLLBACK') {
      throw new AbortedTransactionError();
    }
  }

  async rollbackTransaction(): Promise<void> {
    await this.#connection.command('rollback');
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(compile(savepointCommand('savepoint', name), createQueryId()));
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(compile(savepointCommand('rollback to', name), createQueryId()));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(compile(savepointCommand('release', name), createQueryId()));
  }

  async destroy(): Promise<void> {
    if (!this.#pglite.closed) await this.#pglite.close();
  }
}

/** The savepoint name goes through IdentifierNode so that the compiler quotes it. */
function savepointCommand(command: string, name: string): RawNode {
  return RawNode.createWithChildren([RawNode.createWithSql(`${command} `), IdentifierNode.create(name)]);
}

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.pglite.query<R>(query.sql, [...query.parameters]);
    const changesRows = result.command !== undefined && ROW_CHANGING_COMMANDS.has(result.command);
    return {
      rows: result.rows,
      ...(changesRows ? { numAffectedRows: BigInt(result.rowCount ?? result.affectedRows ?? 0) } : {}),
    };
  }

  /** PGlite has no server-side cursor API, so a stream is the whole result handed out in chunks. */
  async *streamQuery<R>(query: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    if (!Number.isInteger(chunkSize) || chunkSize <= 0) throw new RangeError('chunkSize must be a positive integer');
    const { rows } = await this.executeQuery<R>(query);
    for (let start = 0; start < rows.length; start += chunkSize) {
      yield { rows: rows.slice(start, start + chunkSize) };
    }
  }

  /** Runs a transaction-control statement and returns PostgreSQL's command tag. */
  async command(statement: string): Promise<string | undefined> {
    return (await this.pglite.query(CompiledQuery.raw(statement).sql)).command;
  }
}

const ROW_CHANGING_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** First come, first served: each waiter gets the connection when the one before it lets go. */
class TurnQueue {
  #last: Promise<void> = Promise.resolve();

  wait(): Promise<() => void> {
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#last;
    this.#last = previous.then(() => done);
    return previous.then(() => release);
  }
}
