/**
 * The dosing audit as turns write it (with their snapshot, through ConversationStore.commitTurn())
 * and as `pdta` lists it.
 */
import { createActor } from 'xstate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DosingAudit, type DosingAuditEntry } from '../../src/store/audit.js';
import { ConversationStore } from '../../src/store/conversations.js';
import { notePostgresSkipped, testEngines, type TestStore } from './engines.js';
import { walkthroughMachine } from './walkthroughMachine.js';
import { writeSnapshot } from './writeSnapshot.js';

/** The on-call doctor's "neridronato bambino 18 kg", as the audit keeps it. */
const childDose: DosingAuditEntry = {
  at: new Date('2030-03-04T02:14:00Z'),
  channel: 'slack',
  userRef: 'U0123ABCD',
  drug: 'neridronate',
  population: 'child',
  weightKg: 18,
  result: '36 mg every 3 months i.v.',
  rule: '2 mg/kg every 3 months i.v.',
  contentVersion: '2024.1',
};

notePostgresSkipped();

describe.each(testEngines)('dosing audit on $name', (engine) => {
  let opened: TestStore;
  let audit: DosingAudit;
  let conversations: ConversationStore;
  let turns = 0;

  beforeAll(async () => {
    opened = await engine.open('audit');
    audit = new DosingAudit(opened.store.db);
    conversations = new ConversationStore(opened.store.db);
  });
  afterAll(async () => {
    await opened?.dispose();
  });

  /** A turn that showed this dose, in a conversation of its own. */
  const showDose = async (entry: DosingAuditEntry): Promise<void> => {
    turns += 1;
    const actor = createActor(walkthroughMachine).start();
    const snapshot = { machineId: 'walkthrough', machineVersion: 1, snapshot: actor.getPersistedSnapshot(), lang: 'it', now: entry.at, ttlMs: 3_600_000 };
    actor.stop();
    await writeSnapshot(opened.store, conversations, { channel: entry.channel, conversationId: `audit-${turns}` }, snapshot, [entry]);
  };

  it('keeps who was shown which dose, from which rule and content version', async () => {
    await showDose(childDose);

    const [latest] = await audit.listDosing({ limit: 1 });
    expect(latest).toEqual({ ...childDose, id: expect.stringMatching(/^\d+$/) });
  });

  it('lists the most recent answers first, as many as asked', async () => {
    // Later than any other test's entries, so that these three are the newest.
    const base = new Date('2031-01-01T00:00:00Z').getTime();
    const entries: DosingAuditEntry[] = [
      { ...childDose, at: new Date(base), weightKg: 18.5, result: '37 mg every 3 months i.v.' },
      { ...childDose, at: new Date(base + 60_000), channel: 'teams', userRef: '29:1AbC-dEf_GhI' },
      { ...childDose, at: new Date(base + 120_000), population: 'adult', weightKg: null, result: '100 mg i.v.', rule: '100 mg i.v.' },
    ];
    for (const entry of entries) await showDose(entry);

    const listed = await audit.listDosing({ limit: 2 });
    expect(listed.map(({ id: _id, ...entry }) => entry)).toEqual([entries[2], entries[1]]);
    const [, , third] = await audit.listDosing({ limit: 3 });
    expect(third?.weightKg).toBe(18.5);
  });

  it.each([
    ['a name', 'Mario Rossi'],
    ['an e-mail address', 'mario.rossi@uslcentro.toscana.it'],
    ['a codice fiscale', 'RSSMRA80A01H501U'],
    ['a phone number', '+393331234567'],
    ['nothing', ''],
  ])('refuses a user reference that is %s', async (_what, userRef) => {
    await expect(showDose({ ...childDose, userRef })).rejects.toMatchObject({ code: 'PERSONAL_DATA_REFUSED' });
  });

  it('refuses an impossible weight and an unbounded listing', async () => {
    await expect(showDose({ ...childDose, weightKg: -4 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(showDose({ ...childDose, weightKg: Number.NaN })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(audit.listDosing({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(audit.listDosing({ limit: 1_000_000 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
