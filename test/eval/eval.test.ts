import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAssistant } from '../../src/engine/loadAssistant.js';
import { loadEvalCases, runEvaluation, summarise } from '../../src/engine/evaluation.js';

const assistant = loadAssistant();

describe.each(['questions', 'heldout'])('evaluation set %s.yaml', (name) => {
  const cases = loadEvalCases(fileURLToPath(new URL(`./${name}.yaml`, import.meta.url)));

  it('is half Italian and half English', () => {
    expect(cases.length).toBeGreaterThanOrEqual(name === 'questions' ? 200 : 100);
    const italian = cases.filter((c) => c.lang === 'it').length;
    expect(Math.abs(italian - (cases.length - italian))).toBeLessThanOrEqual(cases.length * 0.1);
  });

  it('passes at least 97%', () => {
    const { score, lines } = summarise(runEvaluation(assistant, cases));
    expect(score, lines.filter((l) => l.startsWith('FAIL')).join('\n')).toBeGreaterThanOrEqual(0.97);
  });
});
