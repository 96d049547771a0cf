import type { Snapshot } from 'xstate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.js';
import { startHousekeeping } from '../../src/server/housekeeping.js';
import { ConversationStore } from '../../src/store/conversations.js';
import { openStore, type Store } from '../../src/store/database.js';
import { ProcessedEvents } from '../../src/store/events.js';
import { writeSnapshot } from '../store/writeSnapshot.js';

let store: Store;
beforeAll(async () => {
  store = await openStore({ memory: true });
});
afterAll(() => store.close());

describe('housekeeping', () => {
  it('forgets expired conversations and old event ids, keeps the rest', async () => {
    const conversations = new ConversationStore(store.db);
    const snapshot = { status: 'active', value: 'idle', context: {} } as unknown as Snapshot<unknown>;
    const base = { machineId: 'conversation', machineVersion: 1, snapshot, lang: 'it' };
    await writeSnapshot(store, conversations, { channel: 'web', conversationId: 'old' }, { ...base, now: new Date('2026-01-01T00:00:00Z'), ttlMs: 60_000 });
    await writeSnapshot(store, conversations, { channel: 'web', conversationId: 'fresh' }, { ...base, now: new Date('2026-01-02T00:00:00Z'), ttlMs: 24 * 3_600_000 });
    const events = new ProcessedEvents(store.db);
    await events.markProcessed('slack', 'Ev-old', new Date('2025-12-30T00:00:00Z'));
    await events.markProcessed('slack', 'Ev-new', new Date('2026-01-01T23:00:00Z'));

    const job = startHousekeeping(store, createLogger('silent'), 60_000, () => new Date('2026-01-02T01:00:00Z'));
    await new Promise((r) => setTimeout(r, 200));
    job.stop();

    const now = new Date('2026-01-02T01:00:00Z');
    expect((await conversations.load({ channel: 'web', conversationId: 'fresh' }, { now, machineId: 'conversation', machineVersion: 1 })).status).toBe('found');
    const rows = await store.db.selectFrom('conversations').select('conversation_id').execute();
    expect(rows.map((r) => r.conversation_id)).toEqual(['fresh']);
    expect(await events.markProcessed('slack', 'Ev-old', now)).toBe(true);
    expect(await events.markProcessed('slack', 'Ev-new', now)).toBe(false);
  });
});
