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
   * second gets false, nothing is written, and it runs its turn again on the fresh snapshot.
   */
  async commitTurn(key: ConversationKey, input: SaveInput & { expectedVersion: string | null; audit: readonly DosingAuditEntry[] }): Promise<boolean> {
    const where = rowKey(key);
    checkSaveInput(input);
    for (const entry of input.audit) checkDosingEntry(entry);
    const snapshot = JSON.stringify(input.snapshot);
    const expiresAt = new Date(input.now.getTime() + input.ttlMs);
    // On a PostgreSQL server a turn that only rewrites its snapshot turns off the wait for the WAL
    // flush for its own transaction: a snapshot is rewritten on every turn, and waiting for the disk
    // would triple the turn's cost. If the server itself crashes, the last fraction of a second of
    // snapshots may be lost and the conversation resumes one turn earlier (every reply says where it
    // is); the process being killed loses nothing. A turn that writes the audit trail waits, as the
    // audit is kept fully durable.
    const durability = this.options.serverDatabase && input.audit.length === 0 ? 'off' : 'on';
    const saved =
      input.expectedVersion === null
        ? sql`
            insert into conversations (channel, conversation_id, thread_id, machine_id, machine_version, snapshot, lang, updated_at, expires_at)
            select ${where.channel}, ${where.conversationId}, ${where.threadId}, ${input.machineId}, ${input.machineVersion},
                   ${snapshot}::jsonb, ${input.lang}, ${input.now}, ${expiresAt}
            from durability
            on conflict (channel, conversation_id, thread_id) do nothing
            returning 1 as saved`
        : sql`
            update conversations set
              machine_id = ${input.machineId}, machine_version = ${input.machineVersion}, snapshot = ${snapshot}::jsonb,
              lang = ${input.lang}, updated_at = ${input.now}, expires_at = ${expiresAt}
            from durability
            where channel = ${where.channel} and conversation_id = ${where.conversationId} and thread_id = ${where.threadId}
              and conversations.xmin::text = ${input.expectedVersion}
            returning 1 as saved`;
    const audited =
      input.audit.length === 0
        ? sql.raw('')
        : sql`, audited as (
            insert into audit_dosing (at, channel, user_ref, drug, population, weight_kg, result, rule, content_version)
            select e.* from saved cross join (values ${sql.join(
              input.audit.map(
                (e) =>
                  sql`(${e.at}::timestamptz, ${e.channel}, ${e.userRef}, ${e.drug}, ${e.population}, ${e.weightKg}::numeric, ${e.result}, ${e.rule}, ${e.contentVersion})`,
              ),
            )}) as e(at, channel, user_ref, drug, population, weight_kg, result, rule, content_version)
            returning 1)`;
    const result = await sql<{ saved: number }>`
      with durability as (select set_config('synchronous_commit', ${durability}, true)),
      saved as (${saved})${audited}
      select count(*)::int as saved from saved
    `.execute(this.db);
    return Number(result.rows[0]?.saved ?? 0) === 1;
  }

  /** Deletes every conversation idle past its expiry; returns how many. */
  async deleteExpired(now: Date): Promise<number> {
    const result = await this.db.deleteFrom('conversations').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
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
