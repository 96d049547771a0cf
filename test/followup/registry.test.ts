import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { handleFollowupButton, followupButtonValue, parseFollowupButtonValue } from '../../src/followup/buttons.js';
import { parseEnrolmentCommand } from '../../src/followup/command.js';
import { FollowupError } from '../../src/followup/errors.js';
import type { FollowupService } from '../../src/followup/service.js';
import { notePostgresSkipped, testEngines, type TestStore } from '../store/engines.js';
import { COORDINATOR, DOCTOR, OTHER_COORDINATOR, TestClock, makeService } from './fixtures.js';

notePostgresSkipped();

async function refusal(promise: Promise<unknown>): Promise<FollowupError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FollowupError) return error;
    throw error;
  }
  throw new Error('expected a FollowupError');
}

describe.each(testEngines)('follow-up registry on $name', (engine) => {
  let opened: TestStore;
  let service: FollowupService;
  const clock = new TestClock('2026-03-15');

  beforeAll(async () => {
    opened = await engine.open('followup_registry');
    service = makeService(opened.store.db, clock);
  });
  afterAll(async () => {
    await opened?.dispose();
  });
  beforeEach(async () => {
    clock.at('2026-03-15');
    await sql`truncate followup_patients, followup_items, followup_audit, reminder_outbox restart identity cascade`.execute(opened.store.db);
  });

  async function enrolText(text: string, actor = COORDINATOR) {
    const parsed = parseEnrolmentCommand(text, service.rules, service.today());
    if (!parsed.ok) throw new Error(parsed.error);
    return service.enrol(actor, parsed.request);
  }

  it('enrols a patient from the chat command and schedules exams and therapy from the PDTA', async () => {
    const patient = await enrolText('/pdta iscrivi TC-0042 esami 2026-03-01 terapia neridronato ultima 2026-01-10');
    expect(patient.code).toBe('TC-0042');
    expect(patient.therapy).toMatchObject({ therapyId: 'therapy.neridronate', lastGivenOn: '2026-01-10', since: null, name: { it: 'Neridronato' } });
    expect(patient.items.map((i) => [i.ruleId, i.dueOn, i.status])).toEqual([
      ['therapy.neridronate', '2026-04-10', 'open'],
      ['followup.phosphate-metabolism', '2026-09-01', 'open'],
      ['followup.phospho-calcium-complete', '2027-03-01', 'open'],
    ]);
    const [listed] = await service.list({ code: 'tc-0042' });
    expect(listed?.items).toHaveLength(3);
  });

  it('writes who enrolled whom, when and what, with nothing but codes, dates and content ids', async () => {
    await enrolText('iscrivi TC-0042 esami 2026-03-01 terapia neridronato ultima 2026-01-10');
    const [entry] = await service.audit({ code: 'TC-0042' });
    expect(entry).toMatchObject({ actor: COORDINATOR, action: 'enrol', patientCode: 'TC-0042', itemId: null, at: clock.now() });
    expect(entry?.changes).toEqual({
      last_exams_on: { from: null, to: '2026-03-01' },
      therapy_id: { from: null, to: 'therapy.neridronate' },
      therapy_last_given: { from: null, to: '2026-01-10' },
      'due:therapy.neridronate': { from: null, to: '2026-04-10' },
      'due:followup.phosphate-metabolism': { from: null, to: '2026-09-01' },
      'due:followup.phospho-calcium-complete': { from: null, to: '2027-03-01' },
    });
    const values = Object.values(entry?.changes ?? {}).flatMap((c) => [c.from, c.to]);
    for (const v of values) expect(v === null || /^(\d{4}-\d{2}-\d{2}|therapy\.[a-z-]+)$/.test(v)).toBe(true);
  });

  it('lets only coordinators enrol or edit, and leaves no trace of a refused attempt', async () => {
    const parsed = parseEnrolmentCommand('iscrivi TC-0042 esami 2026-03-01', service.rules, service.today());
    if (!parsed.ok) throw new Error(parsed.error);
    expect((await refusal(service.enrol(DOCTOR, parsed.request))).code).toBe('NOT_COORDINATOR');
    expect(await service.list()).toEqual([]);

    const patient = await service.enrol(COORDINATOR, parsed.request);
    const item = patient.items[0]!;
    for (const attempt of [
      service.update(DOCTOR, 'TC-0042', { lastExamsOn: '2026-03-10' }),
      service.markBooked(DOCTOR, item.id),
      service.markDone(DOCTOR, item.id),
      service.snooze(DOCTOR, item.id),
      service.markNotApplicable(DOCTOR, item.id),
      service.importCsv(DOCTOR, 'code,last_exams\nTC-0099,2026-03-01\n', { dryRun: false }),
    ]) {
      expect((await refusal(attempt)).code).toBe('NOT_COORDINATOR');
    }
    const clicked = await handleFollowupButton(service, { value: followupButtonValue('done', item.id), userRef: DOCTOR });
    expect(clicked.ok).toBe(false);
    expect(clicked.reply.blocks[0]).toMatchObject({ body: expect.stringContaining('solo i coordinatori') });
    expect((await service.audit()).map((a) => a.action)).toEqual(['enrol']);
    expect((await service.list())[0]?.items.every((i) => i.status === 'open')).toBe(true);
  });

  it('refuses personal data even when a form bypasses the parser, and the database refuses it too', async () => {
    const error = await refusal(service.enrol(COORDINATOR, { code: 'Mario Rossi', lastExamsOn: '2026-03-01', therapy: null }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.messages.it).toContain('nome di persona');
    await expect(
      sql`insert into followup_patients (code, last_exams_on, enrolled_at, updated_at) values ('Mario Rossi', '2026-03-01', now(), now())`.execute(opened.store.db),
    ).rejects.toThrow();
    expect(await service.list()).toEqual([]);
  });

  it('refuses to enrol the same code twice, also when two coordinators do it at the same moment', async () => {
    const request = { code: 'TC-0042', lastExamsOn: '2026-03-01', therapy: null };
    const results = await Promise.allSettled([service.enrol(COORDINATOR, request), service.enrol(OTHER_COORDINATOR, request)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.status === 'rejected' && (rejected.reason as FollowupError).code).toBe('ALREADY_ENROLLED');
    expect((await refusal(service.enrol(COORDINATOR, request))).messages.it).toContain('aggiorna TC-0042');
  });

  it('re-plans on update: new exam dates replace the old ones, the change is audited', async () => {
    await enrolText('iscrivi TC-0042 esami 2026-03-01 terapia neridronato ultima 2026-01-10');
    clock.at('2026-09-20');
    const updated = await service.update(OTHER_COORDINATOR, 'TC-0042', { lastExamsOn: '2026-09-15', therapy: { therapyId: 'therapy.zoledronate', lastGivenOn: '2026-09-01', since: null } });
    expect(updated.items.map((i) => [i.ruleId, i.dueOn])).toEqual([
      ['followup.phosphate-metabolism', '2027-03-15'],
      ['therapy.zoledronate', '2027-09-01'],
      ['followup.phospho-calcium-complete', '2027-09-15'],
    ]);
    const [entry] = await service.audit({ code: 'TC-0042' });
    expect(entry).toMatchObject({ actor: OTHER_COORDINATOR, action: 'update' });
    expect(entry?.changes).toMatchObject({
      last_exams_on: { from: '2026-03-01', to: '2026-09-15' },
      therapy_id: { from: 'therapy.neridronate', to: 'therapy.zoledronate' },
      'due:therapy.neridronate': { from: '2026-04-10', to: null },
      'due:therapy.zoledronate': { from: null, to: '2027-09-01' },
      'due:followup.phosphate-metabolism': { from: '2026-09-01', to: '2027-03-15' },
    });
    // Nothing changed: no audit entry.
    await service.update(COORDINATOR, 'TC-0042', { lastExamsOn: '2026-09-15' });
    expect((await service.audit({ code: 'TC-0042' })).length).toBe(2);
  });

  it('records "done" with its date and schedules the next one from it', async () => {
    const patient = await enrolText('iscrivi TC-0042 esami 2026-03-01 terapia neridronato ultima 2026-01-10');
    const therapy = patient.items.find((i) => i.ruleId === 'therapy.neridronate')!;
    clock.at('2026-04-12');
    const { done, next } = await service.markDone(COORDINATOR, therapy.id);
    expect(done).toMatchObject({ status: 'done', doneOn: '2026-04-12' });
    expect(next).toMatchObject({ ruleId: 'therapy.neridronate', dueOn: '2026-07-12', status: 'open' });
    const second = await refusal(service.markDone(OTHER_COORDINATOR, therapy.id));
    expect(second.code).toBe('ALREADY_CLOSED');
    expect(second.messages.en).toContain('already marked done on 2026-04-12');
    // A date given by the coordinator (the exam was done last week), never in the future.
    const exam = patient.items.find((i) => i.ruleId === 'followup.phosphate-metabolism')!;
    expect((await refusal(service.markDone(COORDINATOR, exam.id, { on: '2026-05-01' }))).code).toBe('INVALID_INPUT');
    const examDone = await service.markDone(COORDINATOR, exam.id, { on: '2026-03-31' });
    expect(examDone.next?.dueOn).toBe('2026-09-30');
    expect((await service.audit({ code: 'TC-0042' })).map((a) => a.action)).toEqual(['done', 'done', 'enrol']);
  });

  it('runs the four reminder buttons from their values', async () => {
    const patient = await enrolText('iscrivi TC-0042 esami 2025-09-01 terapia neridronato ultima 2026-01-10');
    // Overdue phosphate exams (due 1 March), neridronate due 10 April, complete exams due 1 September.
    const [overdue, therapy, yearly] = patient.items;
    const a = therapy;
    const b = overdue;
    const c = yearly;
    expect(parseFollowupButtonValue(`pdta:followup:done:${a!.id}`)).toEqual({ verb: 'done', reminderId: a!.id });
    expect(parseFollowupButtonValue('pdta:followup:delete:1')).toBeNull();

    const booked = await handleFollowupButton(service, { value: followupButtonValue('booked', a!.id), userRef: COORDINATOR });
    expect(booked).toMatchObject({ ok: true, item: { status: 'booked', bookedOn: '2026-03-15' } });
    expect(booked.reply.blocks[0]).toMatchObject({ body: expect.stringContaining('prenotato') });

    const snoozed = await handleFollowupButton(service, { value: followupButtonValue('snooze', b!.id), userRef: COORDINATOR, lang: 'en' });
    expect(snoozed.item?.nextReminderOn).toBe('2026-03-22');
    expect(snoozed.reply.blocks[0]).toMatchObject({ body: expect.stringContaining('next reminder on 22 March 2026') });
    // Snoozing something not yet near its due date never pushes its first reminder earlier.
    const early = await service.snooze(COORDINATOR, c!.id);
    expect(early.nextReminderOn).toBe('2026-08-25');

    const na = await handleFollowupButton(service, { value: followupButtonValue('not-applicable', c!.id), userRef: COORDINATOR });
    expect(na.item?.status).toBe('not_applicable');

    const done = await handleFollowupButton(service, { value: followupButtonValue('done', a!.id), userRef: COORDINATOR });
    expect(done.next?.dueOn).toBeDefined();
    expect(done.reply.blocks[0]).toMatchObject({ body: expect.stringContaining('Prossima scadenza') });

    const again = await handleFollowupButton(service, { value: followupButtonValue('not-applicable', c!.id), userRef: OTHER_COORDINATOR });
    expect(again).toMatchObject({ ok: false });
    const unknown = await handleFollowupButton(service, { value: followupButtonValue('done', '999999'), userRef: COORDINATOR });
    expect(unknown.reply.blocks[0]).toMatchObject({ body: 'promemoria 999999 non trovato' });

    const actions = (await service.audit({ code: 'TC-0042' })).map((e) => [e.action, e.actor]);
    expect(actions).toEqual([
      ['done', COORDINATOR],
      ['not_applicable', COORDINATOR],
      ['snooze', COORDINATOR],
      ['snooze', COORDINATOR],
      ['booked', COORDINATOR],
      ['enrol', COORDINATOR],
    ]);
  });

  it('lists what falls due in the next days, overdue first', async () => {
    await enrolText('iscrivi TC-0001 esami 2025-09-01');
    await enrolText('iscrivi TC-0002 esami 2025-09-20 terapia zoledronato ultima 2025-04-01');
    const upcoming = await service.upcoming(30);
    expect(upcoming.map((i) => [i.patientCode, i.ruleId, i.dueOn])).toEqual([
      ['TC-0001', 'followup.phosphate-metabolism', '2026-03-01'],
      ['TC-0002', 'followup.phosphate-metabolism', '2026-03-20'],
      ['TC-0002', 'therapy.zoledronate', '2026-04-01'],
    ]);
  });

  describe('CSV import', () => {
    const csv = [
      'code,last_exams,therapy,therapy_last_given,note',
      'TC-0001,2026-03-01,neridronato,2026-01-10,x',
      'TC-0002,01/02/2026,,,',
      'Mario Rossi,2026-03-01,,,',
      'TC-0003,2026-03-01,denosumab,2026-01-10,',
      'RSSMRA85T10A562S,2026-03-01,,,',
      'TC-0004,2026-05-01,,,',
      'TC-0001,2026-03-02,,,',
      '"TC-0005","2026-02-10","acido zoledronico","2025-12-01",""',
    ].join('\r\n');

    it('reports line by line what a dry run would add and refuse, and writes nothing', async () => {
      const report = await service.importCsv(DOCTOR, csv, { dryRun: true });
      expect(report).toMatchObject({ dryRun: true, written: false, counts: { added: 3, changed: 0, unchanged: 0, refused: 5 }, ignoredColumns: ['note'] });
      expect(report.lines.map((l) => [l.line, l.code, l.outcome])).toEqual([
        [2, 'TC-0001', 'added'],
        [3, 'TC-0002', 'added'],
        [4, null, 'refused'],
        [5, 'TC-0003', 'refused'],
        [6, null, 'refused'],
        [7, 'TC-0004', 'refused'],
        [8, 'TC-0001', 'refused'],
        [9, 'TC-0005', 'added'],
      ]);
      const reasons = report.lines.filter((l) => l.outcome === 'refused').map((l) => l.problems?.[0]?.message.en);
      expect(reasons).toEqual([
        expect.stringContaining("person's name"),
        expect.stringContaining('not covered by this PDTA'),
        expect.stringContaining('codice fiscale'),
        expect.stringContaining('in the future'),
        'code already on line 2',
      ]);
      expect(await service.list()).toEqual([]);
      expect(await service.audit()).toEqual([]);
    });

    it('imports, then a dry run of a changed file reports the changes, and a re-run changes nothing', async () => {
      const first = await service.importCsv(COORDINATOR, csv, { dryRun: false });
      expect(first).toMatchObject({ written: true, counts: { added: 3, refused: 5 } });
      expect((await service.list()).map((p) => p.code)).toEqual(['TC-0001', 'TC-0002', 'TC-0005']);
      expect((await service.audit()).filter((a) => a.action === 'enrol')).toHaveLength(3);

      const edited = 'code;last_exams;therapy;therapy_last_given\nTC-0001;2026-03-01;neridronato;2026-01-10\nTC-0002;2026-03-10;;\nTC-0006;2026-03-01;;\n';
      const dry = await service.importCsv(COORDINATOR, edited, { dryRun: true });
      expect(dry.lines.map((l) => [l.code, l.outcome, l.changes])).toEqual([
        ['TC-0001', 'unchanged', undefined],
        ['TC-0002', 'changed', { last_exams_on: { from: '2026-02-01', to: '2026-03-10' } }],
        ['TC-0006', 'added', undefined],
      ]);
      expect((await service.list()).find((p) => p.code === 'TC-0002')?.lastExamsOn).toBe('2026-02-01');

      await service.importCsv(COORDINATOR, edited, { dryRun: false });
      expect((await service.list()).find((p) => p.code === 'TC-0002')?.lastExamsOn).toBe('2026-03-10');
      const rerun = await service.importCsv(COORDINATOR, edited, { dryRun: false });
      expect(rerun).toMatchObject({ written: false, counts: { unchanged: 3 } });
    });

    it('exports what it imports', async () => {
      await service.importCsv(COORDINATOR, csv, { dryRun: false });
      const exported = await service.exportCsv();
      expect(exported.split('\n')[0]).toBe('code,last_exams,therapy,therapy_last_given,therapy_since,next_due_on,next_due');
      expect(exported).toContain('TC-0001,2026-03-01,Neridronato,2026-01-10,,2026-04-10,therapy.neridronate');
      const reimport = await service.importCsv(COORDINATOR, exported, { dryRun: true });
      expect(reimport.counts).toMatchObject({ unchanged: 3, refused: 0 });
      expect(reimport.ignoredColumns).toEqual(['next_due_on', 'next_due']);
    });

    it('refuses a file without the required columns', async () => {
      const error = await refusal(service.importCsv(COORDINATOR, 'patient,date\nTC-1,2026-01-01\n', { dryRun: true }));
      expect(error.messages.en).toContain('the header lacks code, last_exams');
    });
  });
});
