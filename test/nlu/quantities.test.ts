import { describe, expect, it } from 'vitest';
import { fold } from '../../src/nlu/normalize.js';
import { findAges, findLabValues, findWeights } from '../../src/nlu/quantities.js';

const weights = (s: string) => findWeights(fold(s)).map((w) => [w.value, w.unit, w.assumedUnit]);
const ages = (s: string) => findAges(fold(s)).map((a) => Number(a.years.toFixed(2)));
const labs = (s: string) => findLabValues(fold(s)).map((l) => [l.analyte, l.specimen, l.value, l.unit]);

describe('weights as clinicians type them', () => {
  it.each([
    ['neridronato bambino 18 kg', [[18, 'kg', false]]],
    ['zoledronato bimbo 18,5kg', [[18.5, 'kg', false]]],
    ['child weighing 44 lbs', [[44, 'lb', false]]],
    ['peso 40 libbre', [[40, 'lb', false]]],
    ['neonato 3500 g', [[3500, 'g', false]]],
    ['neonato 3500 grammi', [[3500, 'g', false]]],
    ['bimba 12 chili', [[12, 'kg', false]]],
    ['bambino peso 25', [[25, 'kg', true]]],
    ['weighs 31.5', [[31.5, 'kg', true]]],
    ['peso -5 kg', [[-5, 'kg', false]]],
  ])('%s', (message, expected) => {
    expect(weights(message)).toEqual(expected);
  });

  it('does not read a per-kg rule or a dose in mg as a weight', () => {
    expect(weights('neridronato 2 mg/kg ogni 3 mesi')).toEqual([]);
    expect(weights('zoledronato 0,025 mg/kg')).toEqual([]);
    expect(weights('alendronato 70 mg')).toEqual([]);
  });
});

describe('ages', () => {
  it.each([
    ['bambino di 8 anni', [8]],
    ['bimbo 8 aa', [8]],
    ['8-year-old boy', [8]],
    ['lattante di 18 mesi', [1.5]],
    ['ragazzo 16 anni 60 kg', [16]],
  ])('%s', (message, expected) => {
    expect(ages(message)).toEqual(expected);
  });
});

describe('lab values of the phosphate work-up', () => {
  it('reads the four paired values in Italian with mixed units', () => {
    expect(labs('P sierico 1,8 mmol/L, P urinario 20 mmol/L, creatinina 60 µmol/L, creatinuria 8 mmol/L')).toEqual([
      ['phosphate', 'serum', 1.8, 'mmol/l'],
      ['phosphate', 'urine', 20, 'mmol/l'],
      ['creatinine', 'serum', 60, 'umol/l'],
      ['creatinine', 'urine', 8, 'mmol/l'],
    ]);
  });

  it('reads abbreviations (SP, UP, SCr, UCr) in mg/dL', () => {
    expect(labs('SP 5.6 mg/dL UP 62 mg/dl SCr 0.7 mg/dl UCr 90 mg/dl')).toEqual([
      ['phosphate', 'serum', 5.6, 'mg/dl'],
      ['phosphate', 'urine', 62, 'mg/dl'],
      ['creatinine', 'serum', 0.7, 'mg/dl'],
      ['creatinine', 'urine', 90, 'mg/dl'],
    ]);
  });

  it('keeps a missing unit as missing, never guessed', () => {
    expect(labs('fosfaturia 18')).toEqual([['phosphate', 'urine', 18, null]]);
  });

  it('reads English labels with the Greek mu', () => {
    expect(labs('serum creatinine 70 μmol/L urine creatinine 8 mmol/L')).toEqual([
      ['creatinine', 'serum', 70, 'umol/l'],
      ['creatinine', 'urine', 8, 'mmol/l'],
    ]);
  });
});
