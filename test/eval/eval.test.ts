import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAssistant } from '../../src/engine/loadAssistant.js';
import { countOutcomes, loadEvalCases, runEvaluation, summarise } from '../../src/engine/evaluation.js';

const assistant = loadAssistant();

describe.each(['questions', 'heldout', 'bedside'])('evaluation set %s.yaml', (name) => {
  const cases = loadEvalCases(fileURLToPath(new URL(`./${name}.yaml`, import.meta.url)));

  it('is half Italian and half English', () => {
    expect(cases.length).toBeGreaterThanOrEqual(name === 'questions' ? 200 : name === 'bedside' ? 150 : 100);
    const italian = cases.filter((c) => c.lang === 'it').length;
    expect(Math.abs(italian - (cases.length - italian))).toBeLessThanOrEqual(cases.length * 0.1);
  });

  it('passes at least 97%', () => {
    const { score, lines } = summarise(runEvaluation(assistant, cases));
    expect(score, lines.filter((l) => l.startsWith('FAIL')).join('\n')).toBeGreaterThanOrEqual(0.97);
  });

  it('never answers unsafely nor with a wrong page', () => {
    const outcomes = runEvaluation(assistant, cases);
    const bad = outcomes.filter((o) => o.outcome === 'unsafe' || o.outcome === 'wrong page');
    expect(countOutcomes(bad), bad.map((o) => `${o.outcome}: ${o.case.q} — ${o.problems.join('; ')}`).join('\n')).toEqual(countOutcomes([]));
  });
});
