import { randomUUID } from 'node:crypto';
import { createActor } from 'xstate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationStore, type ConversationKey } from '../../src/store/conversations.js';
import { StoreError } from '../../src/store/errors.js';
import { notePostgresSkipped, testEngines, type TestStore } from './engines.js';
import { walkthroughMachine } from './walkthroughMachine.js';
import { writeSnapshot } from './writeSnapshot.js';

const MACHINE = { machineId: 'walkthrough', machineVersion: 3 };
const HOUR = 3_600_000;
const monday = new Date('2030-03-04T08:00:00Z');

/** A conversation no other test touches. */
function newKey(threadId?: string): ConversationKey {
  return { channel: 'slack', conversationId: `C${randomUUID()}`, ...(threadId === undefined ? {} : { threadId }) };
}

/** The walkthrough after the doctor moved to dosing and gave an 18 kg weight. */
function walkthroughAtDosing() {
  const actor = createActor(walkthroughMachine).start();
  actor.send({ type: 'NEXT' });
  actor.send({ type: 'WEIGHT', kg: 18 });
  const snapshot = actor.getPersistedSnapshot();
  actor.stop();
  return snapshot;
}

notePostgresSkipped();

describe.each(testEngines)('conversation snapshots on $name', (engine) => {
  let opened: TestStore;
  let conversations: ConversationStore;

  beforeAll(async () => {
    opened = await engine.open('conversations');
    conversations = new ConversationStore(opened.store.db);
  });
  afterAll(async () => {
    await opened?.dispose();
  });

  async function rowCount(key: ConversationKey): Promise<number> {
    const rows = await opened.store.db
      .selectFrom('conversations')
      .select('thread_id')
      .where('channel', '=', key.channel)
      .where('conversation_id', '=', key.conversationId)
      .execute();
    return rows.length;
  }

  it('brings a walkthrough back where the doctor left it, weight included', async () => {
    const key = newKey();
    const persisted = walkthroughAtDosing();
    await writeSnapshot(opened.store, conversations, key, { ...MACHINE, snapshot: persisted, lang: 'it', now: monday, ttlMs: HOUR });

    const loaded = await conversations.load(key, { ...MACHINE, now: new Date(monday.getTime() + 10 * 60_000) });
    if (loaded.status !== 'found') throw new Error(`expected a snapshot, got ${loaded.status}`);
    expect(loaded.lang).toBe('it');
    expect(loaded.snapshot).toEqual(JSON.parse(JSON.stringify(persisted)));

    const restored = createActor(walkthroughMachine, { snapshot: loaded.snapshot }).start();
    expect(restored.getSnapshot().value).toBe('dosing');
    expect(restored.getSnapshot().context.weightKg).toBe(18);
    restored.send({ type: 'NEXT' });
    expect(restored.getSnapshot().status).toBe('done');
    restored.stop();
  });

  it('reports none for a conversation never saved', async () => {
    expect(await conversations.load(newKey(), { ...MACHINE, now: monday })).toEqual({ status: 'none' });
  });

  it('forgets a conversation idle past its expiry, and says so once', async () => {
    const key = newKey();
    await writeSnapshot(opened.store, conversations, key, { ...MACHINE, snapshot: walkthroughAtDosing(), lang: 'en', now: monday, ttlMs: HOUR });

    const atExpiry = new Date(monday.getTime() + HOUR);
    expect(await conversations.load(key, { ...MACHINE, now: atExpiry })).toEqual({ status: 'expired' });
    expect(await rowCount(key)).toBe(0);
    expect(await conversations.load(key, { ...MACHINE, now: atExpiry })).toEqual({ status: 'none' });
  });

  it('does not restore a snapshot written by another machine version', async () => {
    const key = newKey();
    await writeSnapshot(opened.store, conversations, key, { ...MACHINE, snapshot: walkthroughAtDosing(), lang: 'it', now: monday, ttlMs: HOUR });

    const afterUpgrade = await conversations.load(key, { machineId: 'walkthrough', machineVersion: 4, now: monday });
    expect(afterUpgrade).toEqual({ status: 'outdated', storedMachineId: 'walkthrough', storedVersion: 3 });
    expect(await rowCount(key)).toBe(0);
  });

  it('does not restore a snapshot written by another machine', async () => {
    const key = newKey();
    await writeSnapshot(opened.store, conversations, key, { ...MACHINE, snapshot: walkthroughAtDosing(), lang: 'it', now: monday, ttlMs: HOUR });

    expect(await conversations.load(key, { machineId: 'followup', machineVersion: 3, now: monday })).toEqual({
      status: 'outdated',
      storedMachineId: 'walkthrough',
      storedVersion: 3,
    });
  });

  it.each([
    ['a JSON string', '"dosing"'],
    ['an array', '[1, 2, 3]'],
    ['an empty object', '{}'],
    ['a status without a state value', '{"status": "active", "context": {}}'],
    ['an unknown status', '{"status": "paused", "value": "dosing"}'],
    ['null', 'null'],
  ])('reports a row holding %s as corrupt and deletes it, without throwing', async (_what, json) => {
    const key = newKey();
    await opened.store.db
      .insertInto('conversations')
      .values({
        channel: key.channel,
        conversation_id: key.conversationId,
        thread_id: '',
        machine_id: MACHINE.machineId,
        machine_version: MACHINE.machineVersion,
        snapshot: json,
        lang: 'it',
        updated_at: monday,
        expires_at: new Date(monday.getTime() + HOUR),
      })
      .execute();

    expect(await conversations.load(key, { ...MACHINE, now: monday })).toEqual({ status: 'corrupt' });
    expect(await rowCount(key)).toBe(0);
  });

  it('replaces the snapshot of the same conversation and pushes its expiry', async () => {
    const key = newKey();
    const first = walkthroughAtDosing();
    await writeSnapshot(opened.store, conversations, key, { ...MACHINE, snapshot: first, lang: 'it', now: monday, ttlMs: HOUR });

    const actor = createActor(walkthroughMachine, { snapshot: first }).start();
    actor.send({ type: 'NEXT' });
    const later = new Date(monday.getTime() + 50 * 60_000);
    await writeSnapshot(opened.store, conversations, key, { ...MACHINE, snapshot: actor.getPersistedSnapshot(), lang: 'en', now: later, ttlMs: HOUR });
    actor.stop();

    expect(await rowCount(key)).toBe(1);
    // Past the first save's expiry, within the second's.
    const loaded = await conversations.load(key, { ...MACHINE, now: new Date(monday.getTime() + 90 * 60_000) });
    if (loaded.status !== 'found') throw new Error(`expected a snapshot, got ${loaded.status}`);
    expect(loaded.lang).toBe('en');
    expect(loaded.snapshot.status).toBe('done');
  });

  it('keeps each thread of a channel conversation apart', async () => {
    const channelOnly = newKey();
    const threads = ['', '1712345678.000100', '1712345678.000200'];
    for (const [index, threadId] of threads.entries()) {
      const actor = createActor(walkthroughMachine).start();
      actor.send({ type: 'NEXT' });
      actor.send({ type: 'WEIGHT', kg: 10 + index });
      await writeSnapshot(
        opened.store,
        conversations,
        { ...channelOnly, threadId },
        { ...MACHINE, snapshot: actor.getPersistedSnapshot(), lang: 'it', now: monday, ttlMs: HOUR },
      );
      actor.stop();
    }

    expect(await rowCount(channelOnly)).toBe(3);
    for (const [index, threadId] of threads.entries()) {
      const loaded = await conversations.load({ ...channelOnly, threadId }, { ...MACHINE, now: monday });
      if (loaded.status !== 'found') throw new Error(`thread "${threadId}": got ${loaded.status}`);
      const restored = createActor(walkthroughMachine, { snapshot: loaded.snapshot });
      expect(restored.getSnapshot().context.weightKg).toBe(10 + index);
    }
    // No thread id and an empty one are the same conversation.
    expect((await conversations.load(channelOnly, { ...MACHINE, now: monday })).status).toBe('found');
  });

  it('deletes every expired conversation at once and counts them', async () => {
    // A time long before the other tests' saves, so that only these rows are expired by then.
    const longAgo = new Date('2001-05-01T08:00:00Z');
    const shortLived = [newKey(), newKey(), newKey('1712345678.000300')];
    const longLived = newKey();
    for (const key of shortLived) {
      await writeSnapshot(opened.store, conversations, key, { ...MACHINE, snapshot: walkthroughAtDosing(), lang: 'it', now: longAgo, ttlMs: HOUR });
    }
    await writeSnapshot(opened.store, conversations, longLived, {
      ...MACHINE,
      snapshot: walkthroughAtDosing(),
      lang: 'it',
      now: longAgo,
      ttlMs: 30 * 24 * HOUR,
    });

    expect(await conversations.deleteExpired(new Date(longAgo.getTime() + 2 * HOUR))).toBe(3);
    for (const key of shortLived) expect(await rowCount(key)).toBe(0);
    expect(await rowCount(longLived)).toBe(1);
  });

  it('commits a turn only over the version it read: a second writer saves nothing and no audit', async () => {
    const key = newKey('1700000000.000100');
    const persisted = walkthroughAtDosing();
    const dose = {
      at: monday,
      channel: 'slack',
      userRef: 'U0DOCTOR1',
      drug: 'therapy.neridronate',
      population: 'paediatric',
      weightKg: 18,
      result: '36 mg every 3 months, i.v.',
      rule: '2 mg/kg every 3 months i.v.',
      contentVersion: 'test',
    };
    const turn = { ...MACHINE, snapshot: persisted, lang: 'it', now: monday, ttlMs: HOUR };
    // Two instances read "no conversation yet" at the same moment: only the first insert counts.
    const inserted = await conversations.commitTurn(key, { ...turn, expectedVersion: null, audit: [dose] });
    expect(await conversations.commitTurn(key, { ...turn, expectedVersion: null, audit: [dose] })).toBeNull();
    const first = await conversations.load(key, { ...MACHINE, now: monday });
    if (first.status !== 'found') throw new Error(`expected a snapshot, got ${first.status}`);
    // The commit said which version it wrote: the one load() reads.
    expect(first.version).toBe(inserted);
    // Both read the same version; the second commit finds it changed.
    const updated = await conversations.commitTurn(key, { ...turn, lang: 'en', expectedVersion: first.version, audit: [] });
    expect(updated).not.toBeNull();
    expect(await conversations.commitTurn(key, { ...turn, lang: 'fr', expectedVersion: first.version, audit: [dose] })).toBeNull();
    const last = await conversations.load(key, { ...MACHINE, now: monday });
    expect(last).toMatchObject({ status: 'found', lang: 'en', version: updated });
    const audited = await opened.store.db.selectFrom('audit_dosing').select(['user_ref', 'weight_kg']).where('user_ref', '=', 'U0DOCTOR1').execute();
    expect(audited).toHaveLength(1);
    expect(Number(audited[0]!.weight_kg)).toBe(18);
  });

  it('turns of many conversations committing at once are each checked on their own', async () => {
    const keys = Array.from({ length: 12 }, () => newKey());
    const turn = { ...MACHINE, snapshot: walkthroughAtDosing(), lang: 'it', now: monday, ttlMs: HOUR };
    const dose = (userRef: string) => ({
      at: monday,
      channel: 'slack',
      userRef,
      drug: 'therapy.neridronate',
      population: 'paediatric',
      weightKg: 18,
      result: '36 mg every 3 months, i.v.',
      rule: '2 mg/kg every 3 months i.v.',
      contentVersion: 'test',
    });
    const first = await Promise.all(keys.map((key) => conversations.commitTurn(key, { ...turn, expectedVersion: null, audit: [] })));
    expect(first.every((version) => version !== null)).toBe(true);
    // Half resume the version they read; the other half were overtaken (they read no row). Each shows a dose.
    const second = await Promise.all(
      keys.map((key, i) =>
        conversations.commitTurn(key, { ...turn, lang: i % 2 === 0 ? 'en' : 'fr', expectedVersion: i % 2 === 0 ? first[i]! : null, audit: [dose(`U0MANY${i}`)] }),
      ),
    );
    expect(second.map((version) => version !== null)).toEqual(keys.map((_, i) => i % 2 === 0));
    for (const [i, key] of keys.entries()) {
      expect(await conversations.load(key, { ...MACHINE, now: monday })).toMatchObject({ status: 'found', lang: i % 2 === 0 ? 'en' : 'it' });
    }
    const audited = await opened.store.db.selectFrom('audit_dosing').select('user_ref').where('user_ref', 'like', 'U0MANY%').orderBy('user_ref').execute();
    expect(audited.map((row) => row.user_ref)).toEqual(['U0MANY0', 'U0MANY10', 'U0MANY2', 'U0MANY4', 'U0MANY6', 'U0MANY8']);
    // Two turns of one conversation over the same version, at once: one is written, never both.
    const [key] = keys;
    const both = await Promise.all(['en', 'fr'].map((lang) => conversations.commitTurn(key!, { ...turn, lang, expectedVersion: second[0]!, audit: [] })));
    expect(both.filter((version) => version !== null)).toHaveLength(1);
  });

  it('refuses an audit entry that names a person, and then writes nothing of the turn', async () => {
    const key = newKey();
    const turn = { ...MACHINE, snapshot: walkthroughAtDosing(), lang: 'it', now: monday, ttlMs: HOUR, expectedVersion: null };
    const named = { at: monday, channel: 'slack', userRef: 'mario.rossi@example.org', drug: 'd', population: 'adult', weightKg: null, result: 'r', rule: 'r', contentVersion: 'v' };
    await expect(conversations.commitTurn(key, { ...turn, audit: [named] })).rejects.toMatchObject({ code: 'PERSONAL_DATA_REFUSED' });
    expect(await rowCount(key)).toBe(0);
  });

  it('refuses to save what it could not restore', async () => {
    const key = newKey();
    const valid = { ...MACHINE, snapshot: walkthroughAtDosing(), lang: 'it', now: monday, ttlMs: HOUR };
    await expect(conversations.commitTurn(key, { ...valid, ttlMs: 0, expectedVersion: null, audit: [] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(conversations.commitTurn(key, { ...valid, machineVersion: 1.5, expectedVersion: null, audit: [] })).rejects.toBeInstanceOf(StoreError);
    await expect(
      conversations.commitTurn({ channel: 'slack', conversationId: '' }, { ...valid, expectedVersion: null, audit: [] }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await rowCount(key)).toBe(0);
  });
});
