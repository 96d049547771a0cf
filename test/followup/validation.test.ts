import { describe, expect, it } from 'vitest';
import { checkPatientCode, pseudonymFormat } from '../../src/followup/codes.js';
import { parseEnrolmentCommand, parseFollowupCommand } from '../../src/followup/command.js';
import { scheduleRules } from '../../src/followup/rules.js';
import { content } from './fixtures.js';

const rules = scheduleRules(content());
const today = '2026-03-15';

describe('pseudonymous patient codes', () => {
  it.each(['TC-0042', 'PZ-17', 'RCO-230', 'AB-1', 'CT-2026'])('accepts %s in the default format', (code) => {
    expect(checkPatientCode(code)).toEqual({ ok: true, code });
  });

  it.each(['PZ123', 'RCO230-17', 'A1', 'CT2026-001-B'])('accepts %s when the site configures the former format', (code) => {
    expect(checkPatientCode(code, pseudonymFormat('[A-Z][A-Z0-9]*(-[A-Z0-9]+)*'))).toEqual({ ok: true, code });
    expect(checkPatientCode(code)).toMatchObject({ ok: false, problem: 'format' });
  });

  it('stores codes upper-cased, spaces between groups made hyphens', () => {
    expect(checkPatientCode(' tc-0042 ')).toEqual({ ok: true, code: 'TC-0042' });
    expect(checkPatientCode('TC 0042')).toEqual({ ok: true, code: 'TC-0042' });
  });

  it.each([
    ['Mario Rossi', 'name'],
    ['mario rossi', 'name'],
    ['ROSSI MARIO', 'name'],
    ['De Luca, Anna', 'name'],
    ['Rossi', 'name'],
    ['RSSMRA85T10A562S', 'codice-fiscale'],
    ['rssmra85t10a562s', 'codice-fiscale'],
    ['RSSMRA85T10A56NS', 'codice-fiscale'], // omocodia: a digit replaced by a letter
    ['RSS MRA 85T10 A562S', 'codice-fiscale'],
    ['mario.rossi@example.it', 'email'],
    ['TC-0042@asl.toscana.it', 'email'],
    ['+39 333 1234567', 'phone'],
    ['3331234567', 'phone'],
    ['055 794 1111', 'phone'],
    ['PZ 333 1234567', 'phone'],
    ['0042', 'format'],
    ['TC--42', 'format'],
    ['TC-1234-5678-9012-3456-7890-12345', 'format'],
    ['', 'empty'],
  ])('refuses %j as %s, with the reason', (input, problem) => {
    const result = checkPatientCode(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem).toBe(problem);
    expect(result.reason.it.length).toBeGreaterThan(20);
    expect(result.reason.en.length).toBeGreaterThan(20);
  });

  it('says why in words a coordinator understands', () => {
    const name = checkPatientCode('Mario Rossi');
    expect(!name.ok && name.reason.it).toContain('nome di persona');
    const cf = checkPatientCode('RSSMRA85T10A562S');
    expect(!cf.ok && cf.reason.it).toContain('codice fiscale');
    const mail = checkPatientCode('mario.rossi@example.it');
    expect(!mail.ok && mail.reason.en).toContain('e-mail');
    const phone = checkPatientCode('+39 333 1234567');
    expect(!phone.ok && phone.reason.en).toContain('phone number');
  });
});

describe('the enrolment command in chat', () => {
  it('reads the Italian command the coordinators type: the last administration, and the start if given', () => {
    const parsed = parseEnrolmentCommand('/pdta iscrivi TC-0042 esami 2026-03-01 terapia neridronato ultima 2026-01-10', rules, today);
    expect(parsed).toEqual({
      ok: true,
      lang: 'it',
      request: { code: 'TC-0042', lastExamsOn: '2026-03-01', therapy: { therapyId: 'therapy.neridronate', lastGivenOn: '2026-01-10', since: null } },
      notes: [],
    });
    const long = parseEnrolmentCommand('iscrivi TC-0042 esami 2026-03-01 terapia neridronato dal 2025-10-01 ultima somministrazione il 10/01/2026', rules, today);
    expect(long.ok && long.request.therapy).toEqual({ therapyId: 'therapy.neridronate', lastGivenOn: '2026-01-10', since: '2025-10-01' });
  });

  it('reads the English command', () => {
    const parsed = parseEnrolmentCommand('enrol TC-0042 exams 2026-03-01 therapy neridronate last given 2026-01-10 since 2025-10-01', rules, today);
    expect(parsed.ok && parsed.lang).toBe('en');
    expect(parsed.ok && parsed.request.therapy).toEqual({ therapyId: 'therapy.neridronate', lastGivenOn: '2026-01-10', since: '2025-10-01' });
    const short = parseEnrolmentCommand('enrol TC-0042 exams 2026-03-01 therapy neridronate last 2026-01-10', rules, today);
    expect(short.ok && short.request.therapy?.lastGivenOn).toBe('2026-01-10');
    const plain = parseEnrolmentCommand('enrol TC-0042 exams on 2026-03-01 therapy neridronate last administration on 2026-01-10', rules, today);
    expect(plain.ok && plain.request.therapy?.lastGivenOn).toBe('2026-01-10');
  });

  it('asks for the last administration when only the start ("dal", "since") is given, and says why', () => {
    const it_ = parseEnrolmentCommand('iscrivi TC-0042 esami 2026-03-01 terapia neridronato dal 2026-01-10', rules, today);
    expect(it_).toMatchObject({ ok: false, problems: [{ field: 'therapy_last_given' }] });
    expect(!it_.ok && it_.error).toContain('non dall’inizio della terapia («dal»)');
    const en = parseEnrolmentCommand('enrol TC-0042 exams 2026-03-01 therapy zoledronate since 2026-01-10', rules, today);
    expect(!en.ok && en.error).toContain('a missed administration shows as overdue');
  });

  it('refuses a last administration before the therapy started, or in the future', () => {
    const before = parseEnrolmentCommand('iscrivi TC-0042 esami 2026-03-01 terapia neridronato ultima 2025-12-01 dal 2026-01-10', rules, today);
    expect(!before.ok && before.error).toContain('è prima dell’inizio della terapia');
    const future = parseEnrolmentCommand('enrol TC-0042 exams 2026-03-01 therapy neridronate last given 2027-01-10', rules, today);
    expect(!future.ok && future.error).toContain('last administration: 2027-01-10 is in the future');
    const orphan = parseEnrolmentCommand('iscrivi TC-0042 esami 2026-03-01 ultima 2026-01-10', rules, today);
    expect(!orphan.ok && orphan.error).toContain('«ultima» senza terapia');
  });

  it('takes Italian dates, brand and multi-word drug names, and no therapy', () => {
    const a = parseEnrolmentCommand('iscrivi pz-123 esami del 01/03/2026 terapia acido zoledronico ultima 10/01/2026', rules, today);
    expect(a.ok && a.request).toEqual({ code: 'PZ-123', lastExamsOn: '2026-03-01', therapy: { therapyId: 'therapy.zoledronate', lastGivenOn: '2026-01-10', since: null } });
    const b = parseEnrolmentCommand('iscrivi RCO-17 esami 2026-02-01 terapia Aclasta ultima 2025-06-30', rules, today);
    expect(b.ok && b.request.therapy?.therapyId).toBe('therapy.zoledronate');
    const c = parseEnrolmentCommand('iscrivi RCO-18 esami 2026-02-01', rules, today);
    expect(c.ok && c.request.therapy).toBeNull();
    const d = parseEnrolmentCommand('iscrivi RCO-19 esami 2026-02-01 terapia nessuna', rules, today);
    expect(d.ok && d.request.therapy).toBeNull();
  });

  it('accepts a therapy the PDTA gives no interval for, with no date needed, and says there will be no therapy reminders', () => {
    const parsed = parseEnrolmentCommand('iscrivi TC-0050 esami 2026-03-01 terapia acetazolamide dal 2026-01-10', rules, today);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.request.therapy).toEqual({ therapyId: 'therapy.acetazolamide', lastGivenOn: null, since: '2026-01-10' });
    expect(parseEnrolmentCommand('iscrivi TC-0050 esami 2026-03-01 terapia acetazolamide', rules, today).ok).toBe(true);
    expect(parsed.notes[0]?.it).toContain('nessun promemoria');
  });

  it('refuses a name in place of the code, in the language of the command', () => {
    const it_ = parseEnrolmentCommand('iscrivi Mario Rossi esami 2026-03-01', rules, today);
    expect(it_.ok).toBe(false);
    expect(!it_.ok && it_.error).toContain('nome di persona');
    const en = parseEnrolmentCommand('enrol Mario Rossi exams 2026-03-01', rules, today);
    expect(!en.ok && en.error).toContain("person's name");
    const cf = parseEnrolmentCommand('iscrivi RSSMRA85T10A562S esami 2026-03-01', rules, today);
    expect(!cf.ok && cf.error).toContain('codice fiscale');
  });

  it('refuses a drug the PDTA does not cover, never guessing a rhythm', () => {
    const parsed = parseEnrolmentCommand('iscrivi TC-0042 esami 2026-03-01 terapia denosumab ultima 2026-01-10', rules, today);
    expect(!parsed.ok && parsed.error).toContain('non è coperta da questo PDTA');
  });

  it('lists every problem at once', () => {
    const parsed = parseEnrolmentCommand('enrol TC-0042 exams 2026-04-01 therapy neridronate', rules, today);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.field).sort()).toEqual(['last_exams', 'therapy_last_given']);
    expect(parsed.error).toContain('in the future');
    expect(parsed.error).toContain('the date of the last administration is missing');
  });

  it('asks for the missing parts with the usage', () => {
    expect(parseEnrolmentCommand('iscrivi TC-0042', rules, today)).toMatchObject({ ok: false, error: expect.stringContaining('iscrivi <codice> esami <data>') });
    expect(parseEnrolmentCommand('iscrivi esami 2026-03-01', rules, today)).toMatchObject({ ok: false, error: expect.stringContaining('manca il codice') });
    expect(parseEnrolmentCommand('iscrivi TC-0042 esami 30/02/2026', rules, today)).toMatchObject({ ok: false, error: expect.stringContaining('non è una data valida') });
    expect(parseEnrolmentCommand('neridronato bambino 18 kg', rules, today)).toMatchObject({ ok: false, lang: 'it' });
  });

  it('leaves clinical questions to the assistant (not a follow-up command)', () => {
    expect(parseFollowupCommand('neridronato bambino 18 kg', rules, today)).toBeNull();
    expect(parseFollowupCommand('differenza con la tendinite calcifica?', rules, today)).toBeNull();
  });

  it('reads updates of exams and therapy', () => {
    expect(parseFollowupCommand('aggiorna TC-0042 esami 2026-03-10', rules, today)).toEqual({
      ok: true,
      command: { kind: 'update', lang: 'it', code: 'TC-0042', changes: { lastExamsOn: '2026-03-10' }, notes: [] },
    });
    expect(parseFollowupCommand('update TC-0042 therapy zoledronate last given 2026-03-01', rules, today)).toMatchObject({
      ok: true,
      command: { kind: 'update', lang: 'en', changes: { therapy: { therapyId: 'therapy.zoledronate', lastGivenOn: '2026-03-01', since: null } } },
    });
    expect(parseFollowupCommand('update TC-0042 therapy zoledronate since 2026-03-01', rules, today)).toMatchObject({
      ok: false,
      problems: [{ field: 'therapy_last_given' }],
    });
    expect(parseFollowupCommand('update TC-0042 therapy none', rules, today)).toMatchObject({ ok: true, command: { changes: { therapy: null } } });
    expect(parseFollowupCommand('aggiorna TC-0042', rules, today)).toMatchObject({ ok: false, error: expect.stringContaining('niente da aggiornare') });
  });
});
