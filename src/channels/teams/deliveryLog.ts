/**
 * Retried deliveries. Teams re-posts an activity it thinks went unanswered; the turn must not run
 * twice (a walkthrough would advance two steps, a reminder's "done" be recorded twice).
 *
 * Where the memory of delivered ids lives depends on the store:
 * - PostgreSQL: several bot instances share it, and a retry may reach another instance, so the
 *   processed_events table (store/events.ts) decides: "first to insert wins", atomic across all of
 *   them, written in batches ("group commit").
 * - PGlite: one process only (the data directory is locked), so there is no other instance a retry
 *   could reach, and this process's memory gives the same guarantee. It also costs nothing: on the
 *   embedded PGlite, which runs on the bot's own thread, every insert costs ~0.1-0.8 ms of CPU
 *   per activity, a sizeable share of a turn. After a restart the memory is empty, which is what a
 *   retry needs then: the turn it repeats was cut short with the process.
 */
import type { Kysely } from 'kysely';
import type { Store } from '../../store/database.js';
import { ProcessedEvents } from '../../store/events.js';
import type { Database } from '../../store/schema.js';

export interface DeliveryLog {
  /** True when this is the first time `key` is seen (by any instance sharing the store); false for a repeat. */
  firstDelivery(key: string): Promise<boolean>;
}

export function createDeliveryLog(store: Store, channel: string, now: () => Date = () => new Date()): DeliveryLog {
  return store.engine === 'postgres' ? new SharedDeliveryLog(store.db, channel, now) : new ProcessDeliveryLog(now);
}

/**
 * Ids seen by this process in the last `ttlMs` (Teams gives up retrying within minutes), at most
 * `maxIds` of them (the oldest are forgotten first).
 */
export class ProcessDeliveryLog implements DeliveryLog {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly now: () => Date = () => new Date(),
    private readonly ttlMs = 15 * 60_000,
    private readonly maxIds = 100_000,
  ) {}

  async firstDelivery(key: string): Promise<boolean> {
    const at = this.now().getTime();
    const previous = this.seen.get(key);
    if (previous !== undefined && at - previous < this.ttlMs) return false;
    this.seen.delete(key);
    this.seen.set(key, at);
    // Insertion order is age order: drop from the front while too many or too old.
    for (const [oldest, when] of this.seen) {
      if (this.seen.size <= this.maxIds && at - when < this.ttlMs) break;
      this.seen.delete(oldest);
    }
    return true;
  }
}

/** processed_events in the shared database (written in batches by ProcessedEvents). */
export class SharedDeliveryLog implements DeliveryLog {
  private readonly events: ProcessedEvents;

  constructor(
    db: Kysely<Database>,
    private readonly channel: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.events = new ProcessedEvents(db);
  }

  firstDelivery(key: string): Promise<boolean> {
    return this.events.markProcessed(this.channel, key, this.now());
  }
}
