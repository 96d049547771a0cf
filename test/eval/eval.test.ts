import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAssistant } from '../../src/engine/loadAssistant.js';
import { loadEvalCases, runEvaluation, summarise } from '../../src/engine/evaluation.js';

const cases = loadEvalCases(fileURLToPath(new URL('./questions.yaml', import.meta.url)));

describe('evaluation set', () => {
  it('has at least 200 questions, half Italian and half English', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const it = cases.filter((c) => c.lang === 'it').length;
    expect(Math.abs(it - (cases.length - it))).toBeLessThanOrEqual(cases.length * 0.1);
  });

  it('passes at least 97%', () => {
    const outcomes = runEvaluation(loadAssistant(), cases);
    const { score, lines } = summarise(outcomes);
    expect(score, lines.filter((l) => l.startsWith('FAIL')).join('\n')).toBeGreaterThanOrEqual(0.97);
  });
});
