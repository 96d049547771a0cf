/**
 * The one delivery log both platforms deduplicate with (the DeliveryLog port, src/core/ports.ts).
 * Slack re-sends an event it thinks was not acknowledged within 3 seconds, Teams re-posts an
 * activity it thinks went unanswered; the turn must not run twice (a walkthrough would advance two
 * steps, a reminder's "done" be recorded twice).
 *
 * Two places to remember delivered ids, chosen by the composition root:
 * - the processed_events table (events.ts): several bot instances share it, and a retry may reach
 *   another instance, so "first to insert wins", atomic across all of them, written in batches
 *   ("group commit"). Its old ids are purged in one place, the housekeeping (src/server/housekeeping.ts).
 * - this process's memory, for Teams on PGlite and in local mode: one process only (the data
 *   directory is locked), so there is no other instance a retry could reach, and it costs nothing,
 *   where on the embedded PGlite, which runs on the bot's own thread, every insert costs ~0.1-0.8 ms
 *   of CPU per activity. After a restart the memory is empty, which is what a retry needs then: the
 *   turn it repeats was cut short with the process. Local mode stores nothing of an activity no
 *   platform authenticated.
 */
import type { DeliveryLog } from '../core/ports.js';
import type { Store } from './database.js';
import type { ProcessedEvents } from './events.js';

export type { DeliveryLog };

/** processed_events, one channel's ids (the same id on two channels is two deliveries). */
export class SharedDeliveryLog implements DeliveryLog {
  constructor(
    private readonly events: ProcessedEvents,
    private readonly channel: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  firstDelivery(key: string): Promise<boolean> {
    return this.events.markProcessed(this.channel, key, this.now());
  }
}

/**
 * Ids seen by this process in the last `ttlMs` (Teams gives up retrying within minutes), at most
 * `maxIds` of them (the oldest are forgotten first).
 */
export class MemoryDeliveryLog implements DeliveryLog {
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

/** The shared table when instances can share it (PostgreSQL), this process's memory on PGlite. */
export function deliveryLogForEngine(store: Pick<Store, 'engine'>, events: ProcessedEvents, channel: string, now: () => Date = () => new Date()): DeliveryLog {
  return store.engine === 'postgres' ? new SharedDeliveryLog(events, channel, now) : new MemoryDeliveryLog(now);
}
