import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DigestPayload, ItemReminderPayload } from '../../src/followup/message.js';
import { ReminderPlanner } from '../../src/followup/planner.js';
import type { FollowupService } from '../../src/followup/service.js';
import type { Database } from '../../src/store/schema.js';
import { notePostgresSkipped, testEngines, type TestStore } from '../store/engines.js';
import { COORDINATOR, TestClock, content, makeService } from './fixtures.js';

notePostgresSkipped();

interface OutboxRow {
  dedupe_key: string;
  target: string;
  kind: string;
  item_id: string | null;
  send_at: Date;
  status: string;
  payload: unknown;
}

async function outbox(db: Kysely<Database>): Promise<OutboxRow[]> {
  return db
    .selectFrom('reminder_outbox')
    .select(['dedupe_key', 'target', 'kind', 'item_id', 'send_at', 'status', 'payload'])
    .orderBy('id')
    .execute() as Promise<OutboxRow[]>;
}

describe.each(testEngines)('planning reminders into the outbox on $name', (engine) => {
  let opened: TestStore;
  let service: FollowupService;
  let planner: ReminderPlanner;
  const clock = new TestClock('2026-03-15');

  beforeAll(async () => {
    opened = await engine.open('followup_planner');
    service = makeService(opened.store.db, clock);
    planner = new ReminderPlanner({ db: opened.store.db, content: content(), targets: ['slack'] });
  });
  afterAll(async () => {
    await opened?.dispose();
  });
  beforeEach(async () => {
    clock.at('2026-03-15');
    await sql`truncate followup_patients, followup_items, followup_audit, reminder_outbox restart identity cascade`.execute(opened.store.db);
  });

  /** Enrols with the phosphate exams (6 months) due on `due`, and nothing else due for a year. */
  async function enrolDue(code: string, lastExamsOn: string): Promise<string> {
    const patient = await service.enrol(COORDINATOR, { code, lastExamsOn, therapy: null });
    return patient.items.find((i) => i.ruleId === 'followup.phosphate-metabolism')!.id;
  }

  it('sends the first reminder 7 days before, at 09:00 Rome, on the day clocks go forward (07:00Z)', async () => {
    clock.at('2026-03-20');
    const id = await enrolDue('TC-0001', '2025-10-05'); // phosphate due 2026-04-05, reminder 2026-03-29
    clock.at('2026-03-29', 8); // 08:00 Rome: the reminder hour has not struck
    expect(await planner.plan(clock.now())).toMatchObject({ day: '2026-03-28', items: 0 });
    clock.set(new Date('2026-03-29T07:00:00Z')); // 09:00 CEST
    const result = await planner.plan(clock.now());
    expect(result).toMatchObject({ day: '2026-03-29', items: 1 });
    const rows = (await outbox(opened.store.db)).filter((r) => r.kind !== 'digest');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ dedupe_key: `slack:item:${id}:2026-03-29`, kind: 'due', item_id: id, status: 'pending' });
    expect(rows[0]!.send_at.toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(rows[0]!.payload).toMatchObject({ patientCode: 'TC-0001', dueOn: '2026-04-05', ruleName: { it: expect.stringContaining('fosfato') } });
  });

  it('sends at 08:00Z on the day clocks go back, and on 29 February 2028', async () => {
    clock.at('2026-10-20');
    const autumn = await enrolDue('TC-0002', '2026-05-01'); // due 2026-11-01, reminder 2026-10-25 (CET again)
    clock.set(new Date('2026-10-25T08:00:00Z'));
    await planner.plan(clock.now());
    clock.at('2028-02-20');
    const leap = await enrolDue('TC-0003', '2027-09-07'); // due 2028-03-07, reminder 2028-02-29
    clock.at('2028-02-29', 9);
    await planner.plan(clock.now());
    const rows = await outbox(opened.store.db);
    const first = (id: string) => rows.find((r) => r.item_id === id)?.send_at.toISOString();
    expect(first(autumn)).toBe('2026-10-25T08:00:00.000Z');
    expect(first(leap)).toBe('2028-02-29T08:00:00.000Z');
  });

  it('enqueues each reminder once, however often and by however many instances it is planned', async () => {
    for (let i = 0; i < 30; i += 1) await enrolDue(`TC-${1000 + i}`, '2025-09-20'); // due 2026-03-20
    const planners = [0, 1, 2].map(() => new ReminderPlanner({ db: opened.store.db, content: content(), targets: ['slack', 'teams'] }));
    await Promise.all([...planners, ...planners].map((p) => p.plan(clock.now())));
    await planner.plan(clock.now());
    const rows = (await outbox(opened.store.db)).filter((r) => r.kind !== 'digest');
    expect(rows).toHaveLength(60); // 30 items × 2 targets
    expect(new Set(rows.map((r) => r.dedupe_key)).size).toBe(60);
  });

  it('prompts an overdue item every 7 days until it is done, then schedules the next from the done date', async () => {
    clock.at('2026-02-20');
    const id = await enrolDue('TC-0010', '2025-09-09'); // due 2026-03-09
    const days: string[] = [];
    for (const day of ['2026-03-02', '2026-03-05', '2026-03-09', '2026-03-16', '2026-03-20', '2026-03-23']) {
      clock.at(day, 9);
      const r = await planner.plan(clock.now());
      if (r.items > 0) days.push(day);
    }
    expect(days).toEqual(['2026-03-02', '2026-03-16', '2026-03-23']);
    const kinds = (await outbox(opened.store.db)).filter((r) => r.item_id === id).map((r) => r.kind);
    expect(kinds).toEqual(['due', 'overdue', 'overdue']);

    clock.at('2026-03-24');
    await service.markDone(COORDINATOR, id);
    clock.at('2026-03-30', 9);
    expect((await planner.plan(clock.now())).items).toBe(0);
    const [patient] = await service.list({ code: 'TC-0010' });
    expect(patient?.items.find((i) => i.ruleId === 'followup.phosphate-metabolism')?.dueOn).toBe('2026-09-24');
  });

  it('stays silent for a snoozed item until the snooze ends, and cancels what was waiting to go', async () => {
    clock.at('2026-02-20');
    const id = await enrolDue('TC-0011', '2025-09-09');
    clock.at('2026-03-02', 8); // before 09:00: planned for the previous day, nothing yet
    clock.at('2026-03-02', 9);
    await planner.plan(clock.now());
    await service.snooze(COORDINATOR, id); // next reminder 2026-03-09
    expect((await outbox(opened.store.db)).find((r) => r.item_id === id)?.status).toBe('cancelled');
    clock.at('2026-03-08', 9);
    expect((await planner.plan(clock.now())).items).toBe(0);
    clock.at('2026-03-09', 9);
    expect((await planner.plan(clock.now())).items).toBe(1);
  });

  it('catches up after downtime: a reminder day missed goes out late, once', async () => {
    clock.at('2026-02-20');
    await enrolDue('TC-0012', '2025-09-09'); // first reminder 2026-03-02
    clock.at('2026-03-05', 11); // every instance was down from the 1st to the 5th
    const r = await planner.plan(clock.now());
    expect(r).toMatchObject({ day: '2026-03-05', items: 1 });
    expect((await planner.plan(clock.now())).items).toBe(0);
  });

  it('puts the weekly digest out on Monday at 09:00 with what falls due in 30 days, once a week', async () => {
    clock.at('2026-02-20');
    await enrolDue('TC-0020', '2025-08-20'); // due 2026-02-20: overdue by Monday
    await enrolDue('TC-0021', '2025-09-25'); // due 2026-03-25
    await enrolDue('TC-0022', '2025-10-10'); // due 2026-04-10: beyond 30 days of 2026-03-02
    clock.at('2026-03-02', 9); // a Monday
    const r = await planner.plan(clock.now());
    expect(r.digest).toBe(true);
    const digests = (await outbox(opened.store.db)).filter((row) => row.kind === 'digest');
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({ dedupe_key: 'slack:digest:2026-03-02' });
    expect(digests[0]!.send_at.toISOString()).toBe('2026-03-02T08:00:00.000Z');
    const payload = digests[0]!.payload as DigestPayload;
    expect(payload).toMatchObject({ weekOf: '2026-03-02', until: '2026-04-01', total: 2, overdue: 1 });
    expect(payload.entries.map((e) => [e.patientCode, e.dueOn])).toEqual([
      ['TC-0020', '2026-02-20'],
      ['TC-0021', '2026-03-25'],
    ]);
    clock.at('2026-03-04', 9);
    await planner.plan(clock.now());
    clock.at('2026-03-09', 9);
    await planner.plan(clock.now());
    expect((await outbox(opened.store.db)).filter((row) => row.kind === 'digest').map((row) => row.dedupe_key)).toEqual([
      'slack:digest:2026-03-02',
      'slack:digest:2026-03-09',
    ]);
  });

  it('sends no digest before anyone is enrolled', async () => {
    clock.at('2026-03-02', 9);
    expect(await planner.plan(clock.now())).toMatchObject({ enqueued: 0, digest: false });
  });

  it('writes the reminder in English when REMINDER_LANG is en, and a therapy reminder cites the therapy table', async () => {
    const english = new ReminderPlanner({ db: opened.store.db, content: content(), targets: ['teams'], settings: { lang: 'en', leadDays: 14 } });
    await service.enrol(COORDINATOR, { code: 'TC-0030', lastExamsOn: '2026-03-01', therapy: { therapyId: 'therapy.neridronate', lastGivenOn: '2026-01-20', since: null } });
    clock.at('2026-04-06', 9); // neridronate due 2026-04-20; 14 days' lead
    await english.plan(clock.now());
    const row = (await outbox(opened.store.db)).find((r) => r.kind === 'due');
    expect(row?.target).toBe('teams');
    expect(row?.payload as ItemReminderPayload).toMatchObject({
      lang: 'en',
      ruleKind: 'therapy',
      dueOn: '2026-04-20',
      intervalText: { en: '100 mg every 3 months i.v.' },
      source: { section: '4', heading: { it: 'Tabella delle terapie' } },
    });
  });
});
