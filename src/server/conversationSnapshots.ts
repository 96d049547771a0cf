/**
 * Where conversations live between turns: in PostgreSQL/PGlite for the server and the terminal,
 * in memory for `pdta chat` without `--conversation`, for Teams in local mode, and for tests. Both answer load() the same way, so a snapshot
 * that expired or came from another machine version is reported, never silently reused.
 */
import { CONVERSATION_MACHINE_VERSION } from '../../machines/conversation.js';
import type { ConversationSnapshot } from '../engine/turn.js';
import type { DosingAuditEntry } from '../store/audit.js';
import type { ConversationKey, ConversationStore, LoadResult } from '../store/conversations.js';

export const MACHINE_ID = 'conversation';

/** What one turn writes: its new snapshot and the dosing answers it showed. */
export interface TurnWrite {
  snapshot: ConversationSnapshot;
  lang: string;
  now: Date;
  /** The version load() found ('found'), or null when the turn started afresh. */
  expectedVersion: string | null;
  audit: readonly DosingAuditEntry[];
}

export interface ConversationSnapshots {
  load(key: ConversationKey, now: Date): Promise<LoadResult>;
  /** Writes the turn, all or nothing; false (nothing written) when someone else wrote the conversation since load(). */
  commit(key: ConversationKey, write: TurnWrite): Promise<boolean>;
}

/** How many conversations SqlConversationSnapshots keeps in memory; past it, the least recently used are read from the store again. */
export const CACHED_CONVERSATIONS = 10_000;

interface Committed {
  json: string;
  lang: string;
  version: string;
  expiresAt: number;
}

/**
 * Snapshots in PostgreSQL/PGlite, with each conversation's last commit of this process kept in
 * memory, so that a turn costs one round trip (its commit) instead of two. What is kept may be
 * stale: another instance may have answered the conversation since. commit() is what finds out, as
 * it checks the row's version; the turn then reruns (src/server/turnConversationService.ts), and
 * this load() reads the store.
 *
 * A conversation this process has not committed is taken to be new, for the same reason: most are
 * (each Slack mention outside a thread starts one), and one that exists already (after a restart,
 * on another instance, or pushed out of memory) fails the commit, which only inserts where no row
 * is, and is then read from the store. Only such a turn costs more: its turn twice, and three round
 trips instead of one.
 */
export class SqlConversationSnapshots implements ConversationSnapshots {
  /** Insertion order is recency: a Map deletes and sets to move an entry to the end. */
  private readonly committed = new Map<string, Committed>();
  /** Conversations whose commit failed: the next load() reads the store. */
  private readonly unsure = new Set<string>();

  constructor(
    private readonly store: ConversationStore,
    private readonly ttlMs: number,
    private readonly capacity: number = CACHED_CONVERSATIONS,
  ) {}

  async load(key: ConversationKey, now: Date): Promise<LoadResult> {
    const id = conversationId(key);
    const kept = this.committed.get(id);
    if (kept && kept.expiresAt > now.getTime()) {
      this.committed.delete(id);
      this.committed.set(id, kept);
      // Through JSON, as from the store: the turn gets its own copy, and only what a restart keeps.
      return { status: 'found', snapshot: JSON.parse(kept.json) as ConversationSnapshot, lang: kept.lang, version: kept.version };
    }
    // Never committed here: taken to be new (see above), unless a commit just found otherwise.
    if (!kept && !this.unsure.has(id)) return { status: 'none' };
    // Expired in memory, or overtaken: the store says what is there (an expired row is reported and
    // deleted). What it returns is kept once this turn commits over it.
    this.committed.delete(id);
    this.unsure.delete(id);
    return this.store.load(key, { now, machineId: MACHINE_ID, machineVersion: CONVERSATION_MACHINE_VERSION });
  }

  async commit(key: ConversationKey, write: TurnWrite): Promise<boolean> {
    const id = conversationId(key);
    const json = JSON.stringify(write.snapshot);
    const version = await this.store.commitTurn(key, { machineId: MACHINE_ID, machineVersion: CONVERSATION_MACHINE_VERSION, ttlMs: this.ttlMs, ...write });
    this.committed.delete(id);
    if (version === null) {
      this.unsure.add(id);
      if (this.unsure.size > this.capacity) this.unsure.delete(this.unsure.values().next().value!);
      return false;
    }
    this.committed.set(id, { json, lang: write.lang, version, expiresAt: write.now.getTime() + this.ttlMs });
    if (this.committed.size > this.capacity) this.committed.delete(this.committed.keys().next().value!);
    return true;
  }
}

function conversationId(key: ConversationKey): string {
  return JSON.stringify([key.channel, key.conversationId, key.threadId ?? '']);
}

/**
 * Conversations of this process only, and no dosing audit: for `pdta chat --ephemeral` and the Teams
 * local mode, whose user ids nobody vouched for.
 */
export class MemoryConversationSnapshots implements ConversationSnapshots {
  private readonly rows = new Map<string, { json: string; lang: string; expiresAt: number; version: string }>();
  private writes = 0;

  constructor(private readonly ttlMs: number = 24 * 60 * 60 * 1000) {}

  async load(key: ConversationKey, now: Date): Promise<LoadResult> {
    const row = this.rows.get(conversationId(key));
    if (!row) return { status: 'none' };
    if (row.expiresAt <= now.getTime()) {
      this.rows.delete(conversationId(key));
      return { status: 'expired' };
    }
    // Through JSON, as the SQL store does: nothing survives a turn that would not survive a restart.
    return { status: 'found', snapshot: JSON.parse(row.json) as ConversationSnapshot, lang: row.lang, version: row.version };
  }

  async commit(key: ConversationKey, write: TurnWrite): Promise<boolean> {
    if ((this.rows.get(conversationId(key))?.version ?? null) !== write.expectedVersion) return false;
    this.writes += 1;
    this.rows.set(conversationId(key), { json: JSON.stringify(write.snapshot), lang: write.lang, expiresAt: write.now.getTime() + this.ttlMs, version: String(this.writes) });
    return true;
  }
}
