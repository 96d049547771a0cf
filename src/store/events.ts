/**
 * Processed platform event ids. Slack re-sends an event it thinks was not acknowledged within
 * 3 seconds, and Teams retries too; with several bot instances a retry may reach another one.
 * The primary key makes "first to insert wins" atomic across all of them.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export class ProcessedEvents {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records the event; true when this call was the first to see it, false for a repeat. */
  async markProcessed(channel: string, eventId: string, now: Date): Promise<boolean> {
    const inserted = await this.db
      .insertInto('processed_events')
      .values({ channel, event_id: eventId, received_at: now })
      .onConflict((conflict) => conflict.columns(['channel', 'event_id']).doNothing())
      .returning('event_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  /** Forgets ids received before `olderThan` (platforms stop retrying within minutes); returns how many. */
  async purgeProcessed(olderThan: Date): Promise<number> {
    const result = await this.db.deleteFrom('processed_events').where('received_at', '<', olderThan).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
