/**
 * Puts a conversation's snapshot in place for a test, the way a turn writes it: through
 * ConversationStore.commitTurn(), over whatever row is there (its version read first), with the
 * dosing audit entries given (none by default), as a turn that showed those doses writes them.
 */
import { sql } from 'kysely';
import type { DosingAuditEntry } from '../../src/store/audit.js';
import type { ConversationKey, ConversationStore, SaveInput } from '../../src/store/conversations.js';
import type { Store } from '../../src/store/database.js';

export async function writeSnapshot(store: Store, conversations: ConversationStore, key: ConversationKey, input: SaveInput, audit: readonly DosingAuditEntry[] = []): Promise<void> {
  const row = await store.db
    .selectFrom('conversations')
    .select(sql<string>`xmin::text`.as('version'))
    .where('channel', '=', key.channel)
    .where('conversation_id', '=', key.conversationId)
    .where('thread_id', '=', key.threadId ?? '')
    .executeTakeFirst();
  const written = await conversations.commitTurn(key, { ...input, expectedVersion: row?.version ?? null, audit });
  if (written === null) throw new Error('the snapshot changed while the test wrote it');
}
