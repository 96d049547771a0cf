/**
 * Processed platform event ids. Slack re-sends an event it thinks was not acknowledged within
 * 3 seconds, and Teams retries too; with several bot instances a retry may reach another one.
 * The primary key makes "first to insert wins" atomic across all of them.
 *
 * Ids that arrive while a write is in flight are written together in one multi-row
 * INSERT … ON CONFLICT DO NOTHING RETURNING ("group commit"): a busy bot makes one round trip per
 * batch instead of one per event, and on the embedded PGlite, which runs on the bot's own thread,
 * one statement of many rows costs far less CPU than many statements of one.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

interface Waiting {
  channel: string;
  eventId: string;
  at: Date;
  resolve: (first: boolean) => void;
  reject: (error: unknown) => void;
}

export class ProcessedEvents {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxBatch = 200,
  ) {}

  /** Records the event; true when this call was the first to see it, false for a repeat. */
  markProcessed(channel: string, eventId: string, now: Date): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ channel, eventId, at: now, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        // Let the events that arrived in the same turn of the event loop join the first batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const rows = new Map<string, { channel: string; event_id: string; received_at: Date }>();
          for (const w of batch) rows.set(JSON.stringify([w.channel, w.eventId]), { channel: w.channel, event_id: w.eventId, received_at: w.at });
          // One JSON parameter for the batch, read back as rows: a statement of the same text
          // whatever the batch size, and less CPU per id on PGlite than three parameters a row.
          const { rows: inserted } = await sql<{ channel: string; event_id: string }>`
            insert into processed_events (channel, event_id, received_at)
            select channel, event_id, received_at
            from jsonb_to_recordset(${JSON.stringify([...rows.values()])}::jsonb) as r(channel text, event_id text, received_at timestamptz)
            on conflict (channel, event_id) do nothing
            returning channel, event_id`.execute(this.db);
          const fresh = new Set(inserted.map((r) => JSON.stringify([r.channel, r.event_id])));
          // The same id twice in one batch: the first caller wins, as with two separate inserts.
          for (const w of batch) w.resolve(fresh.delete(JSON.stringify([w.channel, w.eventId])));
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /** Forgets ids received before `olderThan` (platforms stop retrying within minutes); returns how many. */
  async purgeProcessed(olderThan: Date): Promise<number> {
    const result = await this.db.deleteFrom('processed_events').where('received_at', '<', olderThan).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
