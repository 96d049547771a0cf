/**
 * Issue #15 §4: what a coordinator might type in place of a pseudonymous code. Every realistic
 * identifier is refused under the default format, and the second-line detectors refuse them even
 * under a permissive site format; the documented pseudonym forms, and site formats configured in
 * PSEUDONYM_PATTERN, are accepted.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { FollowupChat } from '../../src/followup/chat.js';
import { checkPatientCode, pseudonymFormat, type PseudonymFormat } from '../../src/followup/codes.js';
import { FollowupService } from '../../src/followup/service.js';
import { pseudonymFormatFromConfig } from '../../src/followup/settings.js';
import { notePostgresSkipped, testEngines, type TestStore } from '../store/engines.js';
import { COORDINATOR, TestClock, content, isCoordinator } from './fixtures.js';

notePostgresSkipped();

/** Realistic identifiers of one invented person (Mario Rossi, born 10 December 1985 in Rome). */
const IDENTIFIERS = [
  'Mario Rossi',
  'ROSSI MARIO',
  'Rossi',
  'De Luca, Anna',
  'ROSSI M.',
  'M.ROSSI',
  'MARIO_ROSSI',
  'RSSMRA85T10H501Z', // codice fiscale
  'rssmra85t10h501z',
  'RSS MRA 85T10 H501Z',
  'RSSMRA85T10H501', // without the check letter
  'RSSMRA85T10', // partial codici fiscali
  'RSSMRA85',
  'RSSMRALTTMQ', // omocodia (digits as letters)
  'ROSSI85', // surname and year
  'Rossi-1985',
  'MARIO-ROSSI-85',
  'ROSSIMARIO1985',
  'MRossi85',
  'ROSSI_1985',
  'RM-10121985', // initials and birth date
  'RM10121985',
  'RM-101285',
  '10/12/1985',
  '1985-12-10',
  'Rossi Mario 10/12/1985',
  'STP1900010000001', // STP code (foreigners without a residence permit)
  'ENI0900010000001', // ENI code (EU citizens without a health card)
  'mario.rossi@example.it',
  '+39 333 1234567',
  '3331234567',
  '055 1234567',
  '80380800301234567890', // health card (tessera sanitaria) number
];

/** A site that accepted anything of letters, digits, "-" and "_": only the detectors stand in the way. */
const PERMISSIVE = pseudonymFormat('[A-Z0-9_-]{1,32}');

describe('pseudonymous codes', () => {
  const defaults = pseudonymFormat();

  it.each(IDENTIFIERS)('refuses %s under the default format, showing the expected format', (text) => {
    const checked = checkPatientCode(text, defaults);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.reason.it).toContain('TC-0042');
      expect(checked.reason.en).toContain('TC-0042');
    }
  });

  it.each(IDENTIFIERS)('refuses %s with the detectors alone, under a permissive site format', (text) => {
    const checked = checkPatientCode(text, PERMISSIVE);
    expect(checked).toMatchObject({ ok: false });
    if (!checked.ok) expect(checked.problem).not.toBe('format');
  });

  it('accepts the documented forms, upper-cased and with spaces made hyphens', () => {
    for (const [typed, stored] of [
      ['TC-0042', 'TC-0042'],
      ['tc-0042', 'TC-0042'],
      ['TC 0042', 'TC-0042'],
      ['PZ-17', 'PZ-17'],
      ['RCO-230', 'RCO-230'],
      ['BN-000001', 'BN-000001'],
    ] as const) {
      expect(checkPatientCode(typed, defaults)).toEqual({ ok: true, code: stored });
    }
  });

  it('refuses what the default format does not allow, saying which format', () => {
    const checked = checkPatientCode('PZ_17', defaults);
    expect(checked).toMatchObject({ ok: false, problem: 'format' });
    if (!checked.ok) expect(checked.reason.en).toContain('2-4 letters, a hyphen and 1-6 digits');
  });

  it('accepts a site format configured in PSEUDONYM_PATTERN, and names it in a refusal', () => {
    const site = pseudonymFormat('PZ_[0-9]{1,4}');
    expect(checkPatientCode('PZ_17', site)).toEqual({ ok: true, code: 'PZ_17' });
    expect(checkPatientCode('pz_17', site)).toEqual({ ok: true, code: 'PZ_17' });
    const refused = checkPatientCode('TC-0042', site);
    expect(refused).toMatchObject({ ok: false, problem: 'format' });
    if (!refused.ok) expect(refused.reason.it).toContain('PZ_[0-9]{1,4}');
    const spaced = pseudonymFormat('TC-[0-9]{4}');
    expect(checkPatientCode('TC 0042', spaced)).toEqual({ ok: true, code: 'TC-0042' });
    // The detectors hold under any site format.
    expect(checkPatientCode('ROSSI85', pseudonymFormat('[A-Z0-9]+'))).toMatchObject({ ok: false, problem: 'name-year' });
  });
});

describe('PSEUDONYM_PATTERN', () => {
  it('is the strict default when unset', () => {
    expect(pseudonymFormatFromConfig(loadConfig({})).source).toBe('[A-Z]{2,4}-[0-9]{1,6}');
  });

  it('takes a site format, and refuses at start-up one that does not compile or matches an empty code', () => {
    expect(pseudonymFormatFromConfig(loadConfig({ PSEUDONYM_PATTERN: 'PZ_[0-9]{1,4}' })).pattern.test('PZ_17')).toBe(true);
    expect(() => loadConfig({ PSEUDONYM_PATTERN: 'PZ_[0-9' })).toThrow(ConfigError);
    expect(() => loadConfig({ PSEUDONYM_PATTERN: 'PZ_[0-9' })).toThrow(/^invalid configuration: PSEUDONYM_PATTERN: must be a regular expression/);
    expect(() => loadConfig({ PSEUDONYM_PATTERN: '[A-Z0-9]*' })).toThrow(/PSEUDONYM_PATTERN/);
  });
});

describe.each(testEngines)('the registry with a site format on $name', (engine) => {
  let opened: TestStore;
  const clock = new TestClock('2026-03-15');
  const service = (format?: PseudonymFormat) =>
    new FollowupService({ db: opened.store.db, content: content(), clock: clock.now, isCoordinator, ...(format ? { codeFormat: format } : {}) });
  const text = (outcome: Awaited<ReturnType<FollowupChat['handleText']>>) => (outcome?.kind === 'reply' ? JSON.stringify(outcome.reply.blocks) : '');

  beforeAll(async () => {
    opened = await engine.open('followup_pseudonyms');
  });
  afterAll(async () => {
    await opened?.dispose();
  });
  beforeEach(async () => {
    await sql`truncate followup_patients, followup_items, followup_audit, reminder_outbox restart identity cascade`.execute(opened.store.db);
  });

  it('enrols codes in the site format, the database included, and refuses identifiers with the format shown', async () => {
    const chat = new FollowupChat(service(pseudonymFormat('PZ_[0-9]{1,4}')));
    expect(await chat.handleText('iscrivi pz_17 esami 2026-03-01', COORDINATOR)).toMatchObject({ kind: 'reply', ok: true });
    const refused = await chat.handleText('iscrivi ROSSI85 esami 2026-03-01', COORDINATOR);
    expect(refused).toMatchObject({ kind: 'reply', ok: false });
    expect(text(refused)).toContain('sembra un cognome o un nome con un anno');
    expect(text(refused)).toContain('PZ_[0-9]{1,4} (PSEUDONYM_PATTERN)');
    expect((await service().list()).map((p) => p.code)).toEqual(['PZ_17']);
  });

  it('refuses every identifier of the list in chat under the default format, writing nothing', async () => {
    const chat = new FollowupChat(service());
    for (const code of ['RSSMRA85T10', 'RSSMRA85', 'ROSSI85', 'Rossi-1985', 'MARIO-ROSSI-85', 'ROSSIMARIO1985', 'RM-10121985', 'STP1900010000001']) {
      const outcome = await chat.handleText(`iscrivi ${code} esami 2026-03-01`, COORDINATOR);
      expect(outcome).toMatchObject({ kind: 'reply', ok: false });
      expect(text(outcome)).toContain('2-4 lettere, un trattino e 1-6 cifre, es. TC-0042');
    }
    expect(await service().list()).toEqual([]);
  });

  it('still finds and updates a patient enrolled under an earlier format, by chat and by CSV; new codes follow the current one', async () => {
    await service(pseudonymFormat('[A-Z][A-Z0-9]*(-[A-Z0-9]+)*')).enrol(COORDINATOR, { code: 'PZ123', lastExamsOn: '2026-03-01', therapy: null });
    const current = service();
    const chat = new FollowupChat(current);
    expect(await chat.handleText('aggiorna PZ123 esami 2026-03-10', COORDINATOR)).toMatchObject({ kind: 'reply', ok: true });
    expect((await current.list({ code: 'pz123' }))[0]?.lastExamsOn).toBe('2026-03-10');
    const report = await current.importCsv(COORDINATOR, 'code,last_exams\nPZ123,2026-03-12\nPZ124,2026-03-12\n', { dryRun: true });
    expect(report.lines.map((l) => [l.code, l.outcome])).toEqual([
      ['PZ123', 'changed'],
      [null, 'refused'],
    ]);
    expect(report.lines[1]?.problems?.[0]?.message.en).toContain('2-4 letters, a hyphen and 1-6 digits');
    expect(text(await chat.handleText('iscrivi PZ124 esami 2026-03-01', COORDINATOR))).toContain('es. TC-0042');
  });
});
