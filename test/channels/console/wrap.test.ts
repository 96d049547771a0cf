/**
 * Wrapping for the terminal: lines fit the width, break only between words (or between buttons),
 * continue under their indentation or marker, and a word wider than the terminal stays whole.
 */
import { describe, expect, it } from 'vitest';
import { wrapForTerminal } from '../../../src/channels/console/wrap.js';

const widest = (text: string): number => Math.max(...text.split('\n').map((l) => [...l].length));
const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

describe('wrapForTerminal', () => {
  const passage = '  Testo del PDTA: Neridronato | Adulto: 100 mg/3 mesi per via e.v. / Pediatrico: 2 mg/kg di peso ogni 3 mesi per via e.v. (DGR 962/2017, fosforo sierico)';

  it('fits every line to the width without breaking a word, continuing under the indentation', () => {
    const wrapped = wrapForTerminal(passage, 40);
    expect(widest(wrapped)).toBeLessThanOrEqual(40);
    expect(words(wrapped)).toEqual(words(passage));
    for (const line of wrapped.split('\n')) expect(line.startsWith('  ')).toBe(true);
  });

  it('continues a warning under its text, after the ⚠ marker', () => {
    const wrapped = wrapForTerminal('⚠ Attenzione: il PDTA non definisce fino a quale età o peso si applichi la dose pediatrica per kg.', 40);
    const [first, ...rest] = wrapped.split('\n');
    expect(first).toMatch(/^⚠ Attenzione/);
    for (const line of rest) expect(line).toMatch(/^ {2}\S/);
  });

  it('breaks a row of buttons between buttons, never inside a label', () => {
    const row = '[1] Percorso guidato  [2] Terapie  [3] Diagnosi differenziale  [4] Differenziale guidata  [5] Step 1';
    const lines = wrapForTerminal(row, 50).split('\n');
    expect(widest(lines.join('\n'))).toBeLessThanOrEqual(50);
    for (const line of lines) expect(line).toMatch(/^\[\d+\] /);
    expect(lines.join('  ')).toBe(row);
  });

  it('keeps a word wider than the terminal whole, on a line of its own', () => {
    const url = `https://pdta.example.org/pathway.svg?lang=it&${'x'.repeat(60)}`;
    const wrapped = wrapForTerminal(`Vedi ${url} per il percorso`, 40);
    expect(wrapped.split('\n')).toContain(url);
  });

  it('leaves text alone without a width (a pipe or a file) or at a width too narrow to help', () => {
    expect(wrapForTerminal(passage, undefined)).toBe(passage);
    expect(wrapForTerminal(passage, 10)).toBe(passage);
  });
});
