import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DosingAudit, type DosingAuditEntry } from '../../src/store/audit.js';
import { notePostgresSkipped, testEngines, type TestStore } from './engines.js';

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

  beforeAll(async () => {
    opened = await engine.open('audit');
    audit = new DosingAudit(opened.store.db);
  });
  afterAll(async () => {
    await opened?.dispose();
  });

  it('keeps who was shown which dose, from which rule and content version', async () => {
    const recorded = await audit.recordDosing(childDose);
    expect(recorded.id).toMatch(/^\d+$/);

    const [latest] = await audit.listDosing({ limit: 1 });
    expect(latest).toEqual({ ...childDose, id: recorded.id });
  });

  it('lists the most recent answers first, as many as asked', async () => {
    // Later than any other test's entries, so that these three are the newest.
    const base = new Date('2031-01-01T00:00:00Z').getTime();
    const entries: DosingAuditEntry[] = [
      { ...childDose, at: new Date(base), weightKg: 18.5, result: '37 mg every 3 months i.v.' },
      { ...childDose, at: new Date(base + 60_000), channel: 'teams', userRef: '29:1AbC-dEf_GhI' },
      { ...childDose, at: new Date(base + 120_000), population: 'adult', weightKg: null, result: '100 mg i.v.', rule: '100 mg i.v.' },
    ];
    for (const entry of entries) await audit.recordDosing(entry);

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
    await expect(audit.recordDosing({ ...childDose, userRef })).rejects.toMatchObject({ code: 'PERSONAL_DATA_REFUSED' });
  });

  it('refuses an impossible weight and an unbounded listing', async () => {
    await expect(audit.recordDosing({ ...childDose, weightKg: -4 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(audit.recordDosing({ ...childDose, weightKg: Number.NaN })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(audit.listDosing({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(audit.listDosing({ limit: 1_000_000 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
