/** The conversation_refs repository (what sendProactive reads after a restart), on PGlite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationRefs } from '../../../src/store/conversationRefs.js';
import type { Store } from '../../../src/store/database.js';
import { notePostgresSkipped, testEngines, type TestStore } from '../../store/engines.js';

const t0 = new Date('2030-03-04T08:00:00Z');

notePostgresSkipped();

describe.each(testEngines)('conversation references on $name', (engine) => {
  let opened: TestStore;
  let store: Store;
  let refs: ConversationRefs;

  beforeAll(async () => {
    opened = await engine.open('teams_refs');
    store = opened.store;
    refs = new ConversationRefs(store.db);
  });
  afterAll(async () => {
    await opened?.dispose();
  });

  it('saves and loads a reference as JSON, per channel and conversation', async () => {
    const reference = { serviceUrl: 'https://smba.trafficmanager.net/emea/', conversation: { id: 'a:1x', tenantId: 't' }, bot: { id: '28:b' } };
    await refs.save('teams', 'a:1x', reference, t0);
    expect(await refs.load('teams', 'a:1x')).toEqual({ reference, updatedAt: t0 });
    expect(await refs.load('slack', 'a:1x')).toBeUndefined();
    expect(await refs.load('teams', 'a:1y')).toBeUndefined();
  });

  it('replaces the reference of a conversation with the newest', async () => {
    const later = new Date(t0.getTime() + 60_000);
    await refs.save('teams', 'a:1x', { serviceUrl: 'https://smba.trafficmanager.net/amer/' }, later);
    expect(await refs.load('teams', 'a:1x')).toEqual({ reference: { serviceUrl: 'https://smba.trafficmanager.net/amer/' }, updatedAt: later });
    const rows = await store.db.selectFrom('conversation_refs').selectAll().where('conversation_id', '=', 'a:1x').execute();
    expect(rows).toHaveLength(1);
  });

  it('keeps the same conversation id on two channels apart', async () => {
    await refs.save('slack', 'C1', { a: 1 }, t0);
    await refs.save('teams', 'C1', { b: 2 }, t0);
    expect((await refs.load('slack', 'C1'))?.reference).toEqual({ a: 1 });
    expect((await refs.load('teams', 'C1'))?.reference).toEqual({ b: 2 });
  });

  it('forgets a conversation', async () => {
    expect(await refs.delete('teams', 'C1')).toBe(true);
    expect(await refs.delete('teams', 'C1')).toBe(false);
    expect(await refs.load('teams', 'C1')).toBeUndefined();
  });

  it('refuses what is not a reference', async () => {
    await expect(refs.save('teams', '', {}, t0)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(refs.save('teams', 'a', [] as unknown as Record<string, unknown>, t0)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
