import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram, UsageError } from '../../src/cli.js';

/** Runs `pdta …` in-process with the CLI's exit-code rules (DESIGN.md: 0, 2 bad input, 1 internal). */
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
      'code,last_exams,therapy,therapy_since\nTC-0042,2026-03-01,neridronato,2026-01-10\nMario Rossi,2026-03-01,,\nPZ123,2026-02-01,,\n',
    );
    await writeFile(join(dir, 'clean.csv'), 'code,last_exams,therapy,therapy_since\nTC-0042,2026-03-01,neridronato,2026-01-10\nPZ123,2026-02-01,,\n');
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
      'line 4\tPZ123\tadded',
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
    expect(list.out).toMatch(/^PZ123\texams 2026-02-01\t-\n {2}#\d+\t2026-08-01\topen\tAssessment of phosphate metabolism/m);
    expect(list.out).toMatch(/^TC-0042\texams 2026-03-01\tNeridronate since 2026-01-10$/m);

    const csv = await pdta('followup', 'export');
    expect(csv.out.split('\n')[0]).toBe('code,last_exams,therapy,therapy_since,next_due_on,next_due');
    expect(csv.out).toContain('TC-0042,2026-03-01,Neridronato,2026-01-10,');
    const json = JSON.parse((await pdta('followup', 'export', '--format', 'json')).out) as Array<{ code: string; items: unknown[] }>;
    expect(json.map((p) => p.code)).toEqual(['PZ123', 'TC-0042']);

    const again = await pdta('followup', 'import', join(dir, 'clean.csv'), '--dry-run');
    expect(again.out).toContain('0 to add, 0 to change, 2 unchanged, 0 refused');

    const audit = (await pdta('followup', 'audit')).out.trim().split('\n').map((l) => JSON.parse(l) as { actor: string; action: string });
    expect(audit.map((a) => [a.actor, a.action])).toEqual([
      ['cli', 'enrol'],
      ['cli', 'enrol'],
    ]);
  }, 120_000);

  it('says what is wrong with a bad command line', async () => {
    expect((await pdta('followup', 'import', join(dir, 'missing.csv'))).code).toBe(2);
    expect((await pdta('followup', 'upcoming', '--days', 'soon')).code).toBe(2);
    expect((await pdta('followup', 'export', '--format', 'xml')).code).toBe(2);
  }, 120_000);
});
