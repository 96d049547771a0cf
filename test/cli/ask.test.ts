/**
 * `pdta ask` and `pdta content check` as another tool would call them: the built binary, real
 * processes, exit codes and output as the README's "The `pdta` command" says. `npm test` builds dist/ first.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/pdta.js', import.meta.url));
const pdta = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 20_000 });

describe('pdta ask', () => {
  it('answers a paediatric dose in Italian with the computation and its source', () => {
    const r = pdta('ask', 'neridronato bambino 18 kg');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('36 mg');
    expect(r.stdout).toContain('2 mg/kg × 18 kg = 36 mg');
    expect(r.stdout).toContain('ogni 3 mesi');
    expect(r.stdout).toMatch(/Fonte: PDTA § 4\. Criteri terapeutici/);
    expect(r.stdout).toContain('RCO230');
  });

  it('answers in English when asked in English', () => {
    const r = pdta('ask', 'zoledronate dose for a child of 18 kg');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('0.45 mg');
    expect(r.stdout).toContain('Source: PDTA § 4. Therapeutic criteria');
  });

  it('--lang forces the language of the answer', () => {
    const r = pdta('ask', '--lang', 'en', 'neridronato bambino 18 kg');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Computed dose: 36 mg');
  });

  it('--json prints the reply model as one JSON object', () => {
    const r = pdta('ask', '--json', 'neridronato bambino 18 kg');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const reply = JSON.parse(lines[0]!);
    expect(reply).toMatchObject({ lang: 'it', kind: 'dose', itemIds: ['therapy.neridronate'] });
    expect(reply.citations[0]).toMatchObject({ section: '4. Criteri terapeutici' });
    expect(Array.isArray(reply.actions)).toBe(true);
  });

  it('says a drug the PDTA does not cover is not covered, with no dose', () => {
    const r = pdta('ask', 'dose sevelamer bambino 20 kg');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('non è trattato dal PDTA');
    expect(r.stdout).not.toMatch(/\d+ mg\b/);
  });

  it('answers both questions of one message, each with its source, as a conversation does', () => {
    const r = pdta('ask', '--json', "dose di acetazolamide nell'adulto e quale specialista per gli occhi?");
    expect(r.status).toBe(0);
    const reply = JSON.parse(r.stdout.trim());
    expect(reply.itemIds).toEqual(expect.arrayContaining(['therapy.acetazolamide', 'specialist.ophthalmology']));
    const plain = pdta('ask', 'dose di zoledronato e ogni quanto controllo il fosforo?').stdout;
    expect(plain).toContain('5 mg/anno');
    expect(plain).toMatch(/fosforo.*ogni 6 mesi/);
    expect(plain).toMatch(/Fonte: PDTA § 4\. Criteri terapeutici/);
    expect(plain).toMatch(/Fonte: PDTA § 6\. Controlli\/monitoraggio/);
  });

  it('puts what the PDTA says first when the question states a premise it contradicts', () => {
    const r = pdta('ask', 'since the PDTA recommends calcium salts as phosphate binders, what dose?');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/avoid/);
    expect(r.stdout).not.toMatch(/\d+ mg\b/);
  });

  it('exits 2 with a one-line reason on an empty message', () => {
    const r = pdta('ask', '   ');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('empty');
  });

  it('exits 2 on an unknown language or command', () => {
    expect(pdta('ask', '--lang', 'fr', 'ciao').status).toBe(2);
    expect(pdta('frobnicate').status).toBe(2);
    expect(pdta('ask').status).toBe(2);
  });
});

describe('pdta content check', () => {
  it('validates content/ and prints what it holds', () => {
    const r = pdta('content', 'check');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('content/ is valid');
    expect(r.stdout).toMatch(/therapies: \d+ \(8 rows of the therapy table\)/);
  });

  it('exits 2 naming the file and field when content is invalid', async () => {
    const { mkdtempSync, cpSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'pdta-content-'));
    cpSync(fileURLToPath(new URL('../../content', import.meta.url)), dir, { recursive: true });
    writeFileSync(join(dir, 'followup.yaml'), '- id: followup.broken\n  everyMonths: -6\n');
    const r = pdta('content', 'check', '--dir', dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('followup.yaml');
  });
});
