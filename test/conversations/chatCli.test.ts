/**
 * `pdta chat` as another tool drives it: the built binary, lines on standard input, one reply per
 * line (one JSON object per line with --json). `npm test` builds dist/ first.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../src/reply/model.js';

const bin = fileURLToPath(new URL('../../bin/pdta.js', import.meta.url));
const chat = (lines: string[], ...args: string[]) =>
  spawnSync(process.execPath, [bin, 'chat', ...args], { input: lines.map((l) => `${l}\n`).join(''), encoding: 'utf8', timeout: 30_000 });

describe('pdta chat', () => {
  it('--json prints exactly one JSON reply per input line, in order, in one conversation', () => {
    const lines = ['neridronato', 'bambino', '18 kg', 'percorso guidato', '2', 'indietro'];
    const r = chat(lines, '--json');
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.trimEnd().split('\n');
    expect(out).toHaveLength(lines.length);
    const replies = out.map((l) => JSON.parse(l) as Reply);
    for (const reply of replies) {
      expect(reply).toMatchObject({ lang: 'it', blocks: expect.any(Array), warnings: expect.any(Array), citations: expect.any(Array), actions: expect.any(Array) });
    }
    expect(replies[0]!.kind).toBe('clarify');
    expect(JSON.stringify(replies[2])).toContain('"value":"36 mg"');
    expect(replies[2]!.citations[0]!.section).toBe('4. Criteri terapeutici');
    expect(JSON.stringify(replies[3])).toContain('Fosforo sierico a digiuno: alto o normale?');
    // "2" is the second button, "Normale": recorded and echoed; "indietro" takes it back.
    expect(JSON.stringify(replies[4])).toContain('"title":"Registrato","facts":[{"label":"Fosforo sierico","value":"normale"}]');
    expect(JSON.stringify(replies[5])).toContain('Annullato');
  });

  it('prints plain text with numbered buttons by default, and honours --lang', () => {
    const r = chat(['zoledronato bimbo 20kg', 'menu'], '--lang', 'en');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Computed dose: 0.5 mg');
    expect(r.stdout).toMatch(/\[1\] Guided pathway/);
  });

  it('rejects an unknown language as bad usage', () => {
    const r = chat([], '--lang', 'fr');
    expect(r.status).toBe(2);
  });
});
