/**
 * Where conversations live between turns: in PostgreSQL/PGlite for the server and the terminal,
 * in memory for `pdta chat` without `--conversation`, for Teams in local mode, and for tests. Both answer load() the same way, so a snapshot
 * that expired or came from another machine version is reported, never silently reused.
 */
import { CONVERSATION_MACHINE_VERSION } from '../../machines/conversation.js';
import type { ConversationSnapshot } from '../engine/turn.js';
import type { ConversationKey, ConversationStore, LoadResult } from '../store/conversations.js';

export const MACHINE_ID = 'conversation';

export interface ConversationSnapshots {
  load(key: ConversationKey, now: Date): Promise<LoadResult>;
  save(key: ConversationKey, snapshot: ConversationSnapshot, lang: string, now: Date): Promise<void>;
}

export class SqlConversationSnapshots implements ConversationSnapshots {
  constructor(
    private readonly store: ConversationStore,
    private readonly ttlMs: number,
  ) {}

  load(key: ConversationKey, now: Date): Promise<LoadResult> {
    return this.store.load(key, { now, machineId: MACHINE_ID, machineVersion: CONVERSATION_MACHINE_VERSION });
  }

  save(key: ConversationKey, snapshot: ConversationSnapshot, lang: string, now: Date): Promise<void> {
    return this.store.save(key, { machineId: MACHINE_ID, machineVersion: CONVERSATION_MACHINE_VERSION, snapshot, lang, now, ttlMs: this.ttlMs });
  }
}

export class MemoryConversationSnapshots implements ConversationSnapshots {
  private readonly rows = new Map<string, { json: string; lang: string; expiresAt: number }>();

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
    return { status: 'found', snapshot: JSON.parse(row.json) as ConversationSnapshot, lang: row.lang };
  }

  async save(key: ConversationKey, snapshot: ConversationSnapshot, lang: string, now: Date): Promise<void> {
    this.rows.set(this.id(key), { json: JSON.stringify(snapshot), lang, expiresAt: now.getTime() + this.ttlMs });
  }
}
