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

export class SqlConversationSnapshots implements ConversationSnapshots {
  constructor(
    private readonly store: ConversationStore,
    private readonly ttlMs: number,
  ) {}

  load(key: ConversationKey, now: Date): Promise<LoadResult> {
    return this.store.load(key, { now, machineId: MACHINE_ID, machineVersion: CONVERSATION_MACHINE_VERSION });
  }

  commit(key: ConversationKey, write: TurnWrite): Promise<boolean> {
    return this.store.commitTurn(key, { machineId: MACHINE_ID, machineVersion: CONVERSATION_MACHINE_VERSION, ttlMs: this.ttlMs, ...write });
  }
}

/**
 * Conversations of this process only, and no dosing audit: for `pdta chat --ephemeral` and the Teams
 * local mode, whose user ids nobody vouched for.
 */
export class MemoryConversationSnapshots implements ConversationSnapshots {
  private readonly rows = new Map<string, { json: string; lang: string; expiresAt: number; version: string }>();
  private writes = 0;

  constructor(private readonly ttlMs: number = 24 * 60 * 60 * 1000) {}

  private id(key: ConversationKey): string {
    return JSON.stringify([key.channel, key.conversationId, key.threadId ?? '']);
  }

  async load(key: ConversationKey, now: Date): Promise<LoadResult> {
    const row = this.rows.get(this.id(key));
    if (!row) return { status: 'none' };
    if (row.expiresAt <= now.getTime()) {
      this.rows.delete(this.id(key));
      return { status: 'expired' };
    }
    // Through JSON, as the SQL store does: nothing survives a turn that would not survive a restart.
    return { status: 'found', snapshot: JSON.parse(row.json) as ConversationSnapshot, lang: row.lang, version: row.version };
  }

  async commit(key: ConversationKey, write: TurnWrite): Promise<boolean> {
    if ((this.rows.get(this.id(key))?.version ?? null) !== write.expectedVersion) return false;
    this.writes += 1;
    this.rows.set(this.id(key), { json: JSON.stringify(write.snapshot), lang: write.lang, expiresAt: write.now.getTime() + this.ttlMs, version: String(this.writes) });
    return true;
  }
}
