/**
 * Issue #18: a therapy is scheduled from its last administration, so an infusion that fell due
 * before enrolment is prompted as overdue at once instead of skipped; CSVs and rows written before
 * the change keep working only when the coordinator confirms what they mean.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FollowupChat } from '../../src/followup/chat.js';
import { addDays } from '../../src/followup/dates.js';
import { ReminderPlanner } from '../../src/followup/planner.js';
import type { FollowupService } from '../../src/followup/service.js';
import type { Database } from '../../src/store/schema.js';
import { notePostgresSkipped, testEngines, type TestStore } from '../store/engines.js';
import { COORDINATOR, TestClock, content, makeService } from './fixtures.js';

notePostgresSkipped();

const HEADER = 'code,last_exams,therapy,therapy_last_given,therapy_since';
/** The file format before issue #18: the therapy's start only. */
const OLD_HEADER = 'code,last_exams,therapy,therapy_since';

interface ItemRow {
  item_id: string | null;
  kind: string;
  send_at: Date;
  payload: unknown;
}

async function itemReminders(db: Kysely<Database>): Promise<ItemRow[]> {
  const rows = await db.selectFrom('reminder_outbox').select(['item_id', 'kind', 'send_at', 'payload']).orderBy('id').execute();
  return (rows as ItemRow[]).filter((r) => r.kind !== 'digest');
}

/**
 * "Today" on the days that trip date code: both 2026 daylight-saving changes (last Sundays of
 * March and October) and month ends, the 29 February of 2028 included. Each with a neridronate
 * (every 3 months) last given so that it fell due four days before, and the instant 09:00 Rome is.
 */
const FOUR_DAYS_PAST_DUE = [
  { today: '2026-12-05', lastGiven: '2026-09-01', due: '2026-12-01', nineInRome: '2026-12-05T08:00:00.000Z' }, // the report
  { today: '2026-03-29', lastGiven: '2025-12-25', due: '2026-03-25', nineInRome: '2026-03-29T07:00:00.000Z' }, // clocks go forward
  { today: '2026-10-25', lastGiven: '2026-07-21', due: '2026-10-21', nineInRome: '2026-10-25T08:00:00.000Z' }, // clocks go back
  { today: '2026-01-31', lastGiven: '2025-10-27', due: '2026-01-27', nineInRome: '2026-01-31T08:00:00.000Z' },
  { today: '2026-02-28', lastGiven: '2025-11-24', due: '2026-02-24', nineInRome: '2026-02-28T08:00:00.000Z' },
  { today: '2026-04-30', lastGiven: '2026-01-26', due: '2026-04-26', nineInRome: '2026-04-30T07:00:00.000Z' },
  { today: '2028-02-29', lastGiven: '2027-11-25', due: '2028-02-25', nineInRome: '2028-02-29T08:00:00.000Z' },
];

/** The same days, with the last administration a month before: due two months on, first reminder a week before that. */
const A_MONTH_AGO = [
  { today: '2026-12-05', lastGiven: '2026-11-05', due: '2027-02-05' },
  { today: '2026-03-29', lastGiven: '2026-02-28', due: '2026-05-28' }, // 29 February 2026 does not exist
  { today: '2026-10-25', lastGiven: '2026-09-25', due: '2026-12-25' },
  { today: '2026-01-31', lastGiven: '2025-12-31', due: '2026-03-31' },
  { today: '2026-02-28', lastGiven: '2026-01-28', due: '2026-04-28' },
  { today: '2026-03-31', lastGiven: '2026-02-28', due: '2026-05-28' },
  { today: '2028-02-29', lastGiven: '2028-01-29', due: '2028-04-29' },
];

describe.each(testEngines)('therapy scheduled from its last administration on $name', (engine) => {
  let opened: TestStore;
  let service: FollowupService;
  let chat: FollowupChat;
  let planner: ReminderPlanner;
  const clock = new TestClock('2026-12-05');

  beforeAll(async () => {
    opened = await engine.open('followup_last_given');
    service = makeService(opened.store.db, clock);
    chat = new FollowupChat(service);
    planner = new ReminderPlanner({ db: opened.store.db, content: content(), targets: ['slack'] });
  });
  afterAll(async () => {
    await opened?.dispose();
  });
  beforeEach(async () => {
    clock.at('2026-12-05');
    await sql`truncate followup_patients, followup_items, followup_audit, reminder_outbox restart identity cascade`.execute(opened.store.db);
  });

  async function neridronateItem(code: string) {
    const [patient] = await service.list({ code });
    return patient!.items.find((i) => i.ruleId === 'therapy.neridronate')!;
  }

  it.each(FOUR_DAYS_PAST_DUE)('on $today, a last administration four days past due is prompted at once as overdue', async (c) => {
    clock.at(c.today, 10);
    const outcome = await chat.handleText(`iscrivi TC-0042 esami ${c.today} terapia neridronato ultima ${c.lastGiven}`, COORDINATOR);
    expect(outcome).toMatchObject({ kind: 'reply', ok: true });
    const text = outcome?.kind === 'reply' ? JSON.stringify(outcome.reply.blocks) : '';
    expect(text).toContain('Neridronato (scaduto)');

    const item = await neridronateItem('TC-0042');
    expect(item).toMatchObject({ dueOn: c.due, status: 'open' });
    expect(await service.upcoming(0)).toEqual([expect.objectContaining({ id: item.id, dueOn: c.due })]);

    // The next planning pass (every 30 s in a dispatcher) puts it out, dated today at 09:00 Rome.
    const pass = await planner.plan(clock.now());
    expect(pass).toMatchObject({ day: c.today, items: 1 });
    const [row] = (await itemReminders(opened.store.db)).filter((r) => r.item_id === item.id);
    expect(row).toMatchObject({ kind: 'overdue', payload: { dueOn: c.due, day: c.today, ruleKind: 'therapy', kind: 'overdue' } });
    expect(row!.send_at.toISOString()).toBe(c.nineInRome);
    // Once: a second pass the same day adds nothing; a week later, not done, it is prompted again.
    expect((await planner.plan(clock.now())).items).toBe(0);
    clock.at(addDays(c.today, 7), 10);
    expect((await planner.plan(clock.now())).items).toBe(1);
  });

  it.each(A_MONTH_AGO)('on $today, a last administration a month ago ($lastGiven) is due in two months, reminded a week before', async (c) => {
    clock.at(c.today, 10);
    const patient = await service.enrol(COORDINATOR, {
      code: 'TC-0043',
      lastExamsOn: c.today,
      therapy: { therapyId: 'therapy.neridronate', lastGivenOn: c.lastGiven, since: null },
    });
    const item = patient.items.find((i) => i.ruleId === 'therapy.neridronate')!;
    expect(item.dueOn).toBe(c.due);
    expect(await planner.plan(clock.now())).toMatchObject({ day: c.today, items: 0 });
    expect(await service.upcoming(30)).toEqual([]);
  });

  it('prompts an overdue therapy enrolled in the night of the spring change before 09:00, without waiting for the hour', async () => {
    clock.set(new Date('2026-03-29T01:30:00Z')); // 03:30 CEST, just after the clocks went forward
    expect(service.today()).toBe('2026-03-29');
    await service.enrol(COORDINATOR, {
      code: 'TC-0044',
      lastExamsOn: '2026-03-01',
      therapy: { therapyId: 'therapy.neridronate', lastGivenOn: '2025-12-25', since: null },
    });
    // Before the hour, the planning day is yesterday's, whose 09:00 has long passed: out at once.
    const pass = await planner.plan(clock.now());
    expect(pass).toMatchObject({ day: '2026-03-28', items: 1 });
    const [row] = await itemReminders(opened.store.db);
    expect(row).toMatchObject({ kind: 'overdue', payload: { dueOn: '2026-03-25' } });
  });

  it('marks a therapy overdue by the Rome calendar just after midnight on the day clocks go back', async () => {
    clock.set(new Date('2026-10-24T22:30:00Z')); // 00:30 CEST on 25 October, still 24 October in UTC
    const outcome = await chat.handleText('enrol TC-0045 exams 2026-10-01 therapy neridronate last given 2026-07-24', COORDINATOR);
    const text = outcome?.kind === 'reply' ? JSON.stringify(outcome.reply.blocks) : '';
    expect(text).toContain('Neridronate (overdue)');
    expect(text).toContain('last given 24 July 2026');
  });

  it('answers the old command ("dal" only) with what is missing, and records nothing', async () => {
    const outcome = await chat.handleText('iscrivi TC-0046 esami 2026-11-01 terapia neridronato dal 2026-09-01', COORDINATOR);
    expect(outcome).toMatchObject({ kind: 'reply', ok: false });
    const text = outcome?.kind === 'reply' ? JSON.stringify(outcome.reply.blocks) : '';
    expect(text).toContain('manca la data dell’ultima somministrazione');
    expect(text).toContain('ultima 2026-11-10');
    expect(await service.list()).toEqual([]);
  });

  it('keeps the therapy start for display when given with the last administration', async () => {
    const outcome = await chat.handleText('iscrivi TC-0047 esami 2026-11-01 terapia neridronato ultima somministrazione 2026-11-20 dal 2026-02-20', COORDINATOR);
    const text = outcome?.kind === 'reply' ? JSON.stringify(outcome.reply.blocks) : '';
    expect(text).toContain('Neridronato, ultima somministrazione 20 novembre 2026, in corso dal 20 febbraio 2026');
    expect((await neridronateItem('TC-0047')).dueOn).toBe('2027-02-20');
  });

  it('marking an administration done records it as the last one, so an export imports back unchanged', async () => {
    clock.at('2026-12-05');
    await service.enrol(COORDINATOR, { code: 'TC-0048', lastExamsOn: '2026-11-01', therapy: { therapyId: 'therapy.neridronate', lastGivenOn: '2026-09-01', since: null } });
    const item = await neridronateItem('TC-0048');
    const { next } = await service.markDone(COORDINATOR, item.id, { on: '2026-12-04' });
    expect(next?.dueOn).toBe('2027-03-04');
    const [patient] = await service.list({ code: 'TC-0048' });
    expect(patient?.therapy).toMatchObject({ lastGivenOn: '2026-12-04' });
    const [entry] = await service.audit({ code: 'TC-0048' });
    expect(entry?.changes).toMatchObject({ therapy_last_given: { from: '2026-09-01', to: '2026-12-04' } });
    const report = await service.importCsv(COORDINATOR, await service.exportCsv(), { dryRun: true });
    expect(report.counts).toMatchObject({ unchanged: 1, refused: 0 });
  });

  describe('a CSV', () => {
    it('with therapy_last_given schedules from it: the issue’s patient is overdue on import', async () => {
      const report = await service.importCsv(COORDINATOR, `${HEADER}\nTC-0042,2026-11-01,neridronato,2026-09-01,2026-03-01\n`, { dryRun: false });
      expect(report.counts).toMatchObject({ added: 1, refused: 0 });
      expect(await neridronateItem('TC-0042')).toMatchObject({ dueOn: '2026-12-01' });
      expect((await service.list())[0]?.therapy).toMatchObject({ lastGivenOn: '2026-09-01', since: '2026-03-01' });
    });

    it('in the old format is refused line by line, naming the new column and the flag, when a therapy needs it', async () => {
      const csv = `${OLD_HEADER}\nTC-0042,2026-11-01,neridronato,2026-09-01\nTC-0050,2026-11-01,acetazolamide,2026-09-01\nPZ-123,2026-11-01,,\n`;
      const report = await service.importCsv(COORDINATOR, csv, { dryRun: true });
      expect(report.lines.map((l) => [l.code, l.outcome])).toEqual([
        ['TC-0042', 'refused'],
        ['TC-0050', 'added'], // no interval in the PDTA: nothing to count from
        ['PZ-123', 'added'],
      ]);
      const message = report.lines[0]!.problems![0]!.message;
      expect(message.en).toContain('therapy_last_given is missing');
      expect(message.en).toContain('--since-is-last-given');
      expect(message.it).toContain('manca therapy_last_given');
    });

    it('in the old format, confirmed, reads therapy_since as the last administration and says so on each line', async () => {
      const csv = `${OLD_HEADER}\nTC-0042,2026-11-01,neridronato,2026-09-01\nPZ-123,2026-11-01,,\n`;
      const dry = await service.importCsv(COORDINATOR, csv, { dryRun: true, sinceIsLastGiven: true });
      expect(dry.written).toBe(false);
      expect(dry.lines[0]).toMatchObject({ code: 'TC-0042', outcome: 'added', assumed: [{ en: 'therapy_since 2026-09-01 read as the last administration (--since-is-last-given)' }] });
      expect(dry.lines[1]?.assumed).toBeUndefined();
      await service.importCsv(COORDINATOR, csv, { dryRun: false, sinceIsLastGiven: true });
      expect(await neridronateItem('TC-0042')).toMatchObject({ dueOn: '2026-12-01' });
    });
  });

  describe('a patient enrolled before the last administration was asked for', () => {
    /** A row as migration 004 leaves it: the start, no last administration, the item counted from the start. */
    async function legacyPatient(): Promise<void> {
      const at = clock.now();
      await opened.store.db
        .insertInto('followup_patients')
        .values({ code: 'TC-0099', last_exams_on: '2026-11-01', therapy_id: 'therapy.neridronate', therapy_since: '2026-09-01', therapy_last_given: null, enrolled_at: at, updated_at: at })
        .execute();
      await opened.store.db
        .insertInto('followup_items')
        .values({ patient_code: 'TC-0099', rule_id: 'therapy.neridronate', anchor_on: '2026-09-01', due_on: '2027-03-01', status: 'open', booked_on: null, done_on: null, next_reminder_on: null, created_at: at, updated_at: at })
        .execute();
    }

    it('keeps working, with a note asking for the last administration wherever the patient is shown', async () => {
      await legacyPatient();
      const [patient] = await service.list({ code: 'TC-0099' });
      expect(patient?.therapy).toMatchObject({ lastGivenOn: null, since: '2026-09-01' });
      expect(patient?.notes.map((n) => n.it).join('\n')).toContain('Ultima somministrazione di Neridronato non registrata');
      expect(patient?.notes.map((n) => n.en).join('\n')).toContain('update TC-0099 therapy neridronate last given <date>');
    });

    it('is re-planned from the last administration once a coordinator gives it', async () => {
      await legacyPatient();
      const outcome = await chat.handleText('aggiorna TC-0099 terapia neridronato ultima 2026-09-01 dal 2026-09-01', COORDINATOR);
      expect(outcome).toMatchObject({ kind: 'reply', ok: true });
      expect(await neridronateItem('TC-0099')).toMatchObject({ dueOn: '2026-12-01' });
      const [patient] = await service.list({ code: 'TC-0099' });
      expect(patient?.notes).toEqual([]);
    });

    it('exports with an empty therapy_last_given, which the import refuses until it is filled in or confirmed', async () => {
      await legacyPatient();
      const csv = await service.exportCsv();
      expect(csv).toContain('TC-0099,2026-11-01,Neridronato,,2026-09-01,');
      expect((await service.importCsv(COORDINATOR, csv, { dryRun: true })).counts).toMatchObject({ refused: 1 });
      const confirmed = await service.importCsv(COORDINATOR, csv, { dryRun: true, sinceIsLastGiven: true });
      expect(confirmed.lines[0]).toMatchObject({ outcome: 'changed', changes: { therapy_last_given: { from: null, to: '2026-09-01' } } });
    });
  });
});

describe('the database refuses a therapy date without a therapy', () => {
  it.each(testEngines)('on $name', async (engine) => {
    const opened = await engine.open('followup_last_given_check');
    try {
      const at = new Date();
      await expect(
        opened.store.db
          .insertInto('followup_patients')
          .values({ code: 'TC-0001', last_exams_on: '2026-11-01', therapy_id: null, therapy_since: null, therapy_last_given: '2026-11-01', enrolled_at: at, updated_at: at })
          .execute(),
      ).rejects.toThrow();
    } finally {
      await opened.dispose();
    }
  });
});
