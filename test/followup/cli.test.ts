import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram, UsageError } from '../../src/cli.js';

/** Runs `pdta …` in-process with the CLI's exit-code rules (the README's: 0, 2 bad input, 1 internal). */
async function pdta(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const program = buildProgram({ out: (s) => void (out += s), err: (s) => void (err += s) });
  try {
    await program.parseAsync(args, { from: 'user' });
    return { code: 0, out, err };
  } catch (error) {
    if (error instanceof UsageError) return { code: 2, out, err: err + error.message };
    if (error instanceof CommanderError) return { code: error.exitCode === 0 ? 0 : 2, out, err };
    throw error;
  }
}

// Each command opens the PGlite in DATA_DIR afresh, as a real run does: seconds each on a loaded
// machine, so each test gets a generous bound (it waits for the commands, never for a fixed time).
describe('pdta followup (on an embedded PGlite in DATA_DIR)', () => {
  let dir: string;
  const saved = { DATA_DIR: process.env['DATA_DIR'], DATABASE_URL: process.env['DATABASE_URL'], REMINDER_LANG: process.env['REMINDER_LANG'] };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pdta-followup-cli-'));
    process.env['DATA_DIR'] = join(dir, 'data');
    delete process.env['DATABASE_URL'];
    process.env['REMINDER_LANG'] = 'en';
    await writeFile(
      join(dir, 'mixed.csv'),
      'code,last_exams,therapy,therapy_last_given\nTC-0042,2026-03-01,neridronato,2026-01-10\nMario Rossi,2026-03-01,,\nPZ-123,2026-02-01,,\n',
    );
    await writeFile(join(dir, 'clean.csv'), 'code,last_exams,therapy,therapy_last_given\nTC-0042,2026-03-01,neridronato,2026-01-10\nPZ-123,2026-02-01,,\n');
    // Written before therapy_last_given existed: the therapy's start only.
    await writeFile(join(dir, 'old.csv'), 'code,last_exams,therapy,therapy_since\nTC-0077,2026-11-01,neridronato,2026-09-01\n');
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('--dry-run reports each line, refuses the name with its reason, writes nothing, exits 2', async () => {
    const dry = await pdta('followup', 'import', join(dir, 'mixed.csv'), '--dry-run');
    expect(dry.code).toBe(2);
    expect(dry.out.split('\n').filter(Boolean)).toEqual([
      'line 2\tTC-0042\tadded',
      expect.stringMatching(/^line 3\t-\trefused\tpatient code: this looks like a person's name/),
      'line 4\tPZ-123\tadded',
      '2 to add, 0 to change, 0 unchanged, 1 refused (dry run: nothing written)',
    ]);
    expect(dry.err).toContain('1 line(s) refused');
    expect((await pdta('followup', 'list')).out).toBe('no patients enrolled\n');
  }, 120_000);

  it('imports, lists, exports as CSV and JSON, and audits the CLI as the actor', async () => {
    const imported = await pdta('followup', 'import', join(dir, 'clean.csv'));
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.out).toContain('2 to add, 0 to change, 0 unchanged, 0 refused (written)');

    const list = await pdta('followup', 'list');
    expect(list.out).toMatch(/^PZ-123\texams 2026-02-01\t-\n {2}#\d+\t2026-08-01\topen\tAssessment of phosphate metabolism/m);
    expect(list.out).toMatch(/^TC-0042\texams 2026-03-01\tNeridronate last given 2026-01-10$/m);

    const csv = await pdta('followup', 'export');
    expect(csv.out.split('\n')[0]).toBe('code,last_exams,therapy,therapy_last_given,therapy_since,next_due_on,next_due');
    expect(csv.out).toContain('TC-0042,2026-03-01,Neridronato,2026-01-10,,');
    const json = JSON.parse((await pdta('followup', 'export', '--format', 'json')).out) as Array<{ code: string; items: unknown[] }>;
    expect(json.map((p) => p.code)).toEqual(['PZ-123', 'TC-0042']);

    const again = await pdta('followup', 'import', join(dir, 'clean.csv'), '--dry-run');
    expect(again.out).toContain('0 to add, 0 to change, 2 unchanged, 0 refused');

    const audit = JSON.parse((await pdta('followup', 'audit', '--json')).out) as Array<{ actor: string; action: string }>;
    expect(audit.map((a) => [a.actor, a.action])).toEqual([
      ['cli', 'enrol'],
      ['cli', 'enrol'],
    ]);
    // Printed like list and upcoming: one tab-separated line per change, in the report's language.
    const printed = (await pdta('followup', 'audit')).out.trim().split('\n');
    expect(printed).toHaveLength(2);
    for (const line of printed) expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\tcli\tenrol\t(PZ-123|TC-0042)\t-\t/);
    expect(JSON.parse((await pdta('followup', 'upcoming', '--days', '400', '--json')).out)).toEqual(expect.any(Array));
    expect((await pdta('followup', 'upcoming', '--days', '0')).out).toMatch(/^(nothing due in the next 0 days, nothing overdue\n|\d{4}-)/);
  }, 120_000);

  it('refuses a file in the old format until therapy_last_given is added or --since-is-last-given confirms what therapy_since is', async () => {
    const refused = await pdta('followup', 'import', join(dir, 'old.csv'), '--dry-run');
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(/^line 2\tTC-0077\trefused\ttherapy_last_given is missing .*--since-is-last-given$/m);

    const dry = await pdta('followup', 'import', join(dir, 'old.csv'), '--dry-run', '--since-is-last-given');
    expect(dry.code).toBe(0);
    expect(dry.out.split('\n').filter(Boolean)).toEqual([
      'line 2\tTC-0077\tadded\ttherapy_since 2026-09-01 read as the last administration (--since-is-last-given)',
      '1 line(s) with therapy_since read as the last administration: the next counts from it, and is overdue if already past',
      '1 to add, 0 to change, 0 unchanged, 0 refused (dry run: nothing written)',
    ]);

    expect((await pdta('followup', 'import', join(dir, 'old.csv'), '--since-is-last-given')).code).toBe(0);
    // The patient: neridronate every 3 months, last given 1 September, so due 1 December and overdue since.
    const upcoming = await pdta('followup', 'upcoming', '--days', '0');
    expect(upcoming.out).toMatch(/^2026-12-01\tTC-0077\t#\d+\topen\tNeridronate$/m);
  }, 120_000);

  it('says what is wrong with a bad command line', async () => {
    expect((await pdta('followup', 'import', join(dir, 'missing.csv'))).code).toBe(2);
    expect((await pdta('followup', 'upcoming', '--days', 'soon')).code).toBe(2);
    expect((await pdta('followup', 'export', '--format', 'xml')).code).toBe(2);
  }, 120_000);
});
