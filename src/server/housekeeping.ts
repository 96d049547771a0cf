/**
 * What the store forgets on a timer: conversations idle past their expiry (a load also deletes the
 * one it finds expired, but a conversation never resumed would stay forever) and platform event
 * ids older than any retry.
 */
import type { Logger } from '../logging.js';
import { ConversationStore } from '../store/conversations.js';
import type { Store } from '../store/database.js';
import { ProcessedEvents } from '../store/events.js';

/** Slack gives up retrying within minutes, Teams too; a day is far beyond both. */
const EVENT_IDS_KEPT_MS = 24 * 60 * 60_000;

export function startHousekeeping(store: Store, logger: Logger, everyMs = 60 * 60_000, now: () => Date = () => new Date()): { stop(): void } {
  const conversations = new ConversationStore(store.db);
  const events = new ProcessedEvents(store.db);
  const sweep = async (): Promise<void> => {
    try {
      const at = now();
      const expired = await conversations.deleteExpired(at);
      const purged = await events.purgeProcessed(new Date(at.getTime() - EVENT_IDS_KEPT_MS));
      if (expired + purged > 0) logger.info({ expiredConversations: expired, purgedEventIds: purged }, 'housekeeping');
    } catch (error) {
      logger.warn({ err: error }, 'housekeeping failed; will try again');
    }
  };
  const timer = setInterval(() => void sweep(), everyMs);
  // Housekeeping never keeps the process alive on its own.
  timer.unref();
  void sweep();
  return { stop: () => clearInterval(timer) };
}
