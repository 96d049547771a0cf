/**
 * The conversation behind the router, and the router in front of it: the part of the composition
 * root (compose.ts) that `pdta chat` needs too, kept apart so that the terminal loads no server.
 */
import { TurnRouter } from '../core/router.js';
import type { ConversationService } from '../core/turn.js';
import type { Assistant } from '../engine/assistant.js';
import type { FollowupChat } from '../followup/chat.js';
import { followupFeature } from '../followup/turnFeature.js';
import { MemoryConversationSnapshots, SqlConversationSnapshots } from '../server/conversationSnapshots.js';
import { TurnConversationService } from '../server/turnConversationService.js';
import { ConversationStore } from '../store/conversations.js';
import type { Store } from '../store/database.js';

/** Conversations kept in the store, resumed by any instance sharing it. */
export function storedConversations(assistant: Assistant, store: Store, ttlMs: number): TurnConversationService {
  return new TurnConversationService({
    assistant,
    snapshots: new SqlConversationSnapshots(new ConversationStore(store.db, { serverDatabase: store.engine === 'postgres' }), ttlMs),
  });
}

/** Conversations kept in this process's memory only. */
export function memoryConversations(assistant: Assistant, ttlMs?: number): TurnConversationService {
  return new TurnConversationService({ assistant, snapshots: new MemoryConversationSnapshots(ttlMs) });
}

/** The router in front of a conversation service, with the follow-up registry's feature when there is a registry. */
export function routerFor(service: ConversationService, followup?: FollowupChat): TurnRouter {
  const router = new TurnRouter(service);
  if (followup) router.use(followupFeature(followup));
  return router;
}

