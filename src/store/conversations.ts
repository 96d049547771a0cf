/**
 * Conversation snapshots: the persisted XState snapshot of each conversation's machine, so that a
 * restart (or another bot instance) picks a walkthrough up where the user left it.
 *
 * A stored snapshot is only restored into the machine version that wrote it: restoring into a
 * changed machine could land the user in a step that no longer exists or skip a safety question.
 * So every row that cannot be restored as is (expired, from another machine version, or not a
 * snapshot at all) is deleted on load and reported, and the caller starts a fresh conversation
 * and says so; load() never throws over a row's content.
 */
import { sql, type Kysely } from 'kysely';
import type { Snapshot } from 'xstate';
import { checkDosingEntry, type DosingAuditEntry } from './audit.js';
import { StoreError } from './errors.js';
import type { Database } from './schema.js';

export interface ConversationKey {
  /** 'slack', 'teams', 'console', 'web'. */
  channel: string;
  /** Slack channel id, Teams conversation id. */
  conversationId: string;
  /** A Slack thread's ts; absent for a conversation without threads. */
  threadId?: string;
}

export interface LoadOptions {
  now: Date;
  machineId: string;
  machineVersion: number;
}

export type LoadResult =
  /** `version`: the row version read, for commitTurn()'s check that nobody wrote in between. */
  | { status: 'found'; snapshot: Snapshot<unknown>; lang: string; version: string }
  | { status: 'none' }
  | { status: 'expired' }
  | { status: 'outdated'; storedMachineId: string; storedVersion: number }
  | { status: 'corrupt' };

export interface SaveInput {
  machineId: string;
  machineVersion: number;
  /** What `actor.getPersistedSnapshot()` returns. */
  snapshot: Snapshot<unknown>;
  lang: string;
  now: Date;
  /** How long the conversation may sit idle before it is forgotten. */
  ttlMs: number;
}

export class ConversationStore {
  /** Commits waiting for the statement in flight to end (see commitTurn()). */
  private commits: PendingCommit[] = [];
  private writing = false;

  /**
   * `serverDatabase`: the database is a PostgreSQL server that outlives this process, so a
   * snapshot need not wait for the disk (see commitTurn()). With embedded PGlite the database dies with
   * the process, and every commit must reach the disk before the turn is answered.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: { serverDatabase?: boolean } = {},
  ) {}

  async load(key: ConversationKey, options: LoadOptions): Promise<LoadResult> {
    const where = rowKey(key);
    const row = await this.db
      .selectFrom('conversations')
      .select(['machine_id', 'machine_version', 'snapshot', 'lang', 'expires_at'])
      // The row's version: deleting only the version we read leaves alone a fresh snapshot that
      // another instance saved in between (a Slack retry handled by a second instance).
      .select(sql<string>`xmin::text`.as('row_version'))
      .where('channel', '=', where.channel)
      .where('conversation_id', '=', where.conversationId)
      .where('thread_id', '=', where.threadId)
      .executeTakeFirst();
    if (row === undefined) return { status: 'none' };

    let result: LoadResult;
    if (row.expires_at.getTime() <= options.now.getTime()) {
      result = { status: 'expired' };
    } else if (row.machine_id !== options.machineId || row.machine_version !== options.machineVersion) {
      result = { status: 'outdated', storedMachineId: row.machine_id, storedVersion: row.machine_version };
    } else if (!isPersistedMachineSnapshot(row.snapshot)) {
      result = { status: 'corrupt' };
    } else {
      return { status: 'found', snapshot: row.snapshot, lang: row.lang, version: row.row_version };
    }
    await this.db
      .deleteFrom('conversations')
      .where('channel', '=', where.channel)
      .where('conversation_id', '=', where.conversationId)
      .where('thread_id', '=', where.threadId)
      .where(sql<boolean>`xmin::text = ${row.row_version}`)
      .execute();
    return result;
  }

  /**
   * A turn's writes, in one statement and so in one transaction: the new snapshot and the dosing
   * audit of what the turn showed. Saved only if the row is still the one the turn read
   * (`expectedVersion` from load(); null when load() found no row to resume), so that two
   * instances answering the same conversation at once cannot both write over one snapshot: the
   * second gets null, nothing is written, and it runs its turn again on the fresh snapshot.
   * Returns the version written, what load() would read next, so that a caller that keeps the
   * snapshot can commit the next turn against it without reading the row again.
   *
   * Turns of different conversations that commit while a write is in flight are written together
   * in the next statement ("group commit", as src/store/events.ts does for event ids), each with
   * its own version check: on the embedded PGlite, which runs on the bot's own thread, one
   * statement of many rows costs far less CPU than many statements of one (measured with
   * `npm run bench -- slack`: about a fifth per turn in batches of 16).
   */
  async commitTurn(key: ConversationKey, input: SaveInput & { expectedVersion: string | null; audit: readonly DosingAuditEntry[] }): Promise<string | null> {
    const where = rowKey(key);
    checkSaveInput(input);
    for (const entry of input.audit) checkDosingEntry(entry);
    return await new Promise<string | null>((resolve, reject) => {
      this.commits.push({ where, input, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        // Let the turns that end in the same turn of the event loop join the first batch.
        setImmediate(() => void this.writeCommits());
      }
    });
  }

  private async writeCommits(): Promise<void> {
    try {
      while (this.commits.length > 0) {
        // One commit per conversation in a statement; a second one waits for the next (it was
        // made against the version the first one writes, or fails its check there).
        const batch: PendingCommit[] = [];
        const later: PendingCommit[] = [];
        const keys = new Set<string>();
        for (const commit of this.commits) {
          const id = `${commit.where.channel}\u0000${commit.where.conversationId}\u0000${commit.where.threadId}`;
          if (batch.length < MAX_COMMITS_PER_STATEMENT && !keys.has(id)) {
            keys.add(id);
            batch.push(commit);
          } else later.push(commit);
        }
        this.commits = later;
        try {
          const versions = await this.writeBatch(batch);
          batch.forEach((commit, i) => commit.resolve(versions.get(i) ?? null));
        } catch (error) {
          for (const commit of batch) commit.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /** The versions written, by position in `batch`; a commit whose check failed has none. */
  private async writeBatch(batch: readonly PendingCommit[]): Promise<Map<number, string>> {
    // On a PostgreSQL server a batch that only rewrites snapshots turns off the wait for the WAL
    // flush for its own transaction: a snapshot is rewritten on every turn, and waiting for the disk
    // would triple the turn's cost. If the server itself crashes, the last fraction of a second of
    // snapshots may be lost and the conversation resumes one turn earlier (every reply says where it
    // is); the process being killed loses nothing. A batch that writes the audit trail waits, as the
    // audit is kept fully durable. PGlite keeps its own default (on): nobody else configures it.
    const audited = batch.some((commit) => commit.input.audit.length > 0);
    const durability = this.options.serverDatabase
      ? sql`durability as (select set_config('synchronous_commit', ${audited ? 'on' : 'off'}, true)),`
      : sql.raw('');
    const fromDurability = this.options.serverDatabase ? sql.raw(', durability') : sql.raw('');
    // The batch travels as one JSON parameter, read back as rows by jsonb_to_recordset: the
    // statement's text is the same whatever the batch size, and PostgreSQL parses one value instead
    // of eleven typed parameters a row (measured on PGlite: about a third less CPU per turn).
    const rows = batch.map(({ where, input }, i) => ({
      i,
      channel: where.channel,
      conversation_id: where.conversationId,
      thread_id: where.threadId,
      machine_id: input.machineId,
      machine_version: input.machineVersion,
      snapshot: input.snapshot,
      lang: input.lang,
      updated_at: input.now,
      expires_at: new Date(input.now.getTime() + input.ttlMs),
      expected: input.expectedVersion,
    }));
    const audit = batch.flatMap(({ input }, i) =>
      input.audit.map((e) => ({
        i,
        at: e.at,
        channel: e.channel,
        user_ref: e.userRef,
        drug: e.drug,
        population: e.population,
        weight_kg: e.weightKg,
        result: e.result,
        rule: e.rule,
        content_version: e.contentVersion,
      })),
    );
    const auditWrite =
      audit.length === 0
        ? sql.raw('')
        : sql`, audited as (
            insert into audit_dosing (at, channel, user_ref, drug, population, weight_kg, result, rule, content_version)
            select e.at, e.channel, e.user_ref, e.drug, e.population, e.weight_kg, e.result, e.rule, e.content_version
            from jsonb_to_recordset(${JSON.stringify(audit)}::jsonb)
              as e(i int, at timestamptz, channel text, user_ref text, drug text, population text, weight_kg numeric, result text, rule text, content_version text)
            join saved using (i)
            returning 1)`;
    const result = await sql<{ i: number; version: string }>`
      with ${durability}
      input as (
        select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as r(i int, channel text, conversation_id text, thread_id text, machine_id text, machine_version int, snapshot jsonb, lang text,
            updated_at timestamptz, expires_at timestamptz, expected text)),
      inserted as (
        insert into conversations (channel, conversation_id, thread_id, machine_id, machine_version, snapshot, lang, updated_at, expires_at)
        select channel, conversation_id, thread_id, machine_id, machine_version, snapshot, lang, updated_at, expires_at
        from input${fromDurability} where expected is null
        on conflict (channel, conversation_id, thread_id) do nothing
        returning channel, conversation_id, thread_id, xmin::text as version),
      updated as (
        update conversations set
          machine_id = input.machine_id, machine_version = input.machine_version, snapshot = input.snapshot,
          lang = input.lang, updated_at = input.updated_at, expires_at = input.expires_at
        from input${fromDurability}
        where input.expected is not null and conversations.channel = input.channel and conversations.conversation_id = input.conversation_id
          and conversations.thread_id = input.thread_id and conversations.xmin::text = input.expected
        returning conversations.channel, conversations.conversation_id, conversations.thread_id, conversations.xmin::text as version),
      saved as (
        select input.i, written.version
        from input join (select * from inserted union all select * from updated) as written using (channel, conversation_id, thread_id))${auditWrite}
      select i, version from saved
    `.execute(this.db);
    return new Map(result.rows.map((row) => [Number(row.i), row.version]));
  }

  /** Deletes every conversation idle past its expiry; returns how many. */
  async deleteExpired(now: Date): Promise<number> {
    const result = await this.db.deleteFrom('conversations').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** Bounds a statement's size: its parameters (11 a turn, 10 a dose) stay well under PostgreSQL's 65,535. */
const MAX_COMMITS_PER_STATEMENT = 200;

interface PendingCommit {
  where: { channel: string; conversationId: string; threadId: string };
  input: SaveInput & { expectedVersion: string | null; audit: readonly DosingAuditEntry[] };
  resolve: (version: string | null) => void;
  reject: (error: unknown) => void;
}

function checkSaveInput(input: SaveInput): void {
  if (!Number.isInteger(input.machineVersion)) {
    throw new StoreError('INVALID_INPUT', `machine version must be an integer, got ${input.machineVersion}`);
  }
  if (!Number.isFinite(input.ttlMs) || input.ttlMs <= 0) {
    throw new StoreError('INVALID_INPUT', `ttlMs must be a positive number of milliseconds, got ${input.ttlMs}`);
  }
  // Refused here rather than found corrupt on the next turn, when the user's answer is lost.
  if (!isPersistedMachineSnapshot(input.snapshot)) {
    throw new StoreError('INVALID_INPUT', 'snapshot is not a persisted machine snapshot (no status or value)');
  }
}

function rowKey(key: ConversationKey): { channel: string; conversationId: string; threadId: string } {
  if (key.channel === '' || key.conversationId === '') {
    throw new StoreError('INVALID_INPUT', 'a conversation key needs a channel and a conversation id');
  }
  return { channel: key.channel, conversationId: key.conversationId, threadId: key.threadId ?? '' };
}

const SNAPSHOT_STATUSES: ReadonlySet<unknown> = new Set(['active', 'done', 'error', 'stopped']);

/**
 * The shape XState gives a machine's persisted snapshot: an object with a status and a state
 * value. Whether the value names states of the current machine is for the engine to find out
 * when it restores; this only keeps out rows that are not snapshots at all.
 */
function isPersistedMachineSnapshot(value: unknown): value is Snapshot<unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (!('status' in value) || !SNAPSHOT_STATUSES.has(value.status)) return false;
  if (!('value' in value)) return false;
  return typeof value.value === 'string' || (typeof value.value === 'object' && value.value !== null);
}
