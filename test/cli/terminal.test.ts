/**
 * The `pdta` command at a real terminal of 80 columns (a pseudo-terminal from util-linux's
 * `script`), as a doctor meets it: answers wrapped to the width without a word broken, `pdta chat`
 * opening with a welcome and the menu rather than a bare prompt; through a pipe the same answer
 * unwrapped; and commander's own usage errors prefixed "pdta:" like every other error.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/pdta.js', import.meta.url));
const hasScript = existsSync('/usr/bin/script');

/** Runs a shell command in an 80-column pseudo-terminal; returns what the terminal showed. */
function atTerminal(command: string, input = ''): string {
  const r = spawnSync('/usr/bin/script', ['-qec', `stty cols 80 rows 50; ${command}`, '/dev/null'], { input, encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  // Carriage returns, and readline's cursor moves around the prompt.
  return r.stdout.replace(/\r/g, '').replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g'), '');
}

const widest = (text: string): number => Math.max(...text.split('\n').map((l) => [...l].length));
const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

describe.runIf(hasScript)('at an 80-column terminal', () => {
  it('pdta ask wraps the answer to the width and breaks no word', () => {
    const shown = atTerminal(`${process.execPath} ${bin} ask 'neridronato bambino 18 kg'`);
    const piped = spawnSync(process.execPath, [bin, 'ask', 'neridronato bambino 18 kg'], { encoding: 'utf8' }).stdout;
    expect(widest(piped)).toBeGreaterThan(80);
    expect(widest(shown)).toBeLessThanOrEqual(80);
    expect(words(shown)).toEqual(words(piped));
    expect(shown).toContain('36 mg');
    expect(words(shown)).toContain('962/2017');
  });

  it('pdta chat opens with a welcome and the menu, then answers what is typed', () => {
    const shown = atTerminal(`${process.execPath} ${bin} chat < /dev/stdin`, 'neridronato bambino 18 kg\n');
    const welcome = shown.indexOf('Percorso guidato');
    const answer = shown.indexOf('Dose calcolata: 36 mg');
    expect(welcome).toBeGreaterThanOrEqual(0);
    expect(shown).toContain('Ctrl-D');
    expect(answer).toBeGreaterThan(welcome);
    expect(widest(shown)).toBeLessThanOrEqual(80);
  });
});

describe('usage errors', () => {
  it('start with "pdta:" and exit 2, commander’s included', () => {
    for (const args of [['ask', '--bogus', 'x'], ['ask', '--lang', 'xx', 'x'], ['nope']]) {
      const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^pdta: /);
      expect(r.stderr).not.toMatch(/^error:/m);
    }
  });
});
