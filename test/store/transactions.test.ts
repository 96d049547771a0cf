import { randomUUID } from 'node:crypto';
import { AbortedTransactionError, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notePostgresSkipped, testEngines, type TestStore } from './engines.js';

const now = new Date('2030-03-04T08:00:00Z');

notePostgresSkipped();

/** PGlite's single session must behave like a pool of PostgreSQL connections for the code above it. */
describe.each(testEngines)('transactions on $name', (engine) => {
  let opened: TestStore;

  beforeAll(async () => {
    opened = await engine.open('transactions');
  });
  afterAll(async () => {
    await opened?.dispose();
  });

  async function exists(eventId: string): Promise<boolean> {
    const row = await opened.store.db
      .selectFrom('processed_events')
      .select('event_id')
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    return row !== undefined;
  }

  it('keeps a committed transaction and drops a failed one', async () => {
    const kept = randomUUID();
    const dropped = randomUUID();
    await opened.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('processed_events').values({ channel: 'slack', event_id: kept, received_at: now }).execute();
    });
    await expect(
      opened.store.db.transaction().execute(async (trx) => {
        await trx.insertInto('processed_events').values({ channel: 'slack', event_id: dropped, received_at: now }).execute();
        throw new Error('the turn failed');
      }),
    ).rejects.toThrow('the turn failed');

    expect(await exists(kept)).toBe(true);
    expect(await exists(dropped)).toBe(false);
  });

  it('keeps other callers out of a transaction in progress', async () => {
    const inside = randomUUID();
    const outside = randomUUID();
    let seenInside = -1;
    await Promise.all([
      opened.store.db.transaction().execute(async (trx) => {
        await trx.insertInto('processed_events').values({ channel: 'slack', event_id: inside, received_at: now }).execute();
        await new Promise((resolve) => setTimeout(resolve, 50));
        const rows = await trx
          .selectFrom('processed_events')
          .select('event_id')
          .where('event_id', 'in', [inside, outside])
          .execute();
        seenInside = rows.length;
        throw new Error('rolled back');
      }).catch(() => undefined),
      opened.store.db.insertInto('processed_events').values({ channel: 'slack', event_id: outside, received_at: now }).execute(),
    ]);

    // Had the outside insert run in the transaction's session, the rollback would have taken it too.
    expect(await exists(outside)).toBe(true);
    expect(await exists(inside)).toBe(false);
    expect(seenInside).toBeGreaterThanOrEqual(1);
  });

  it('reports a commit that PostgreSQL turned into a rollback', async () => {
    const eventId = randomUUID();
    await expect(
      opened.store.db.transaction().execute(async (trx) => {
        await trx.insertInto('processed_events').values({ channel: 'slack', event_id: eventId, received_at: now }).execute();
        // A failed statement whose error the caller swallows leaves the transaction aborted.
        await sql`select 1 / 0`.execute(trx).catch(() => undefined);
      }),
    ).rejects.toBeInstanceOf(AbortedTransactionError);
    expect(await exists(eventId)).toBe(false);
  });

  it('rolls back to a savepoint', async () => {
    const kept = randomUUID();
    const undone = randomUUID();
    const trx = await opened.store.db.startTransaction().execute();
    await trx.insertInto('processed_events').values({ channel: 'slack', event_id: kept, received_at: now }).execute();
    const withSavepoint = await trx.savepoint('before_second').execute();
    await withSavepoint.insertInto('processed_events').values({ channel: 'slack', event_id: undone, received_at: now }).execute();
    const rolledBack = await withSavepoint.rollbackToSavepoint('before_second').execute();
    await rolledBack.commit().execute();

    expect(await exists(kept)).toBe(true);
    expect(await exists(undone)).toBe(false);
  });
});
