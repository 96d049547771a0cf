import { describe, expect, it } from 'vitest';
import {
  CREATININE_UNITS,
  PHOSPHATE_UNITS,
  convertCreatinine,
  convertPhosphate,
  creatinineFromUmolL,
  creatinineToUmolL,
  kgPerWeightUnit,
  normaliseCreatinineUnit,
  normalisePhosphateUnit,
  normaliseUnit,
  normaliseWeightUnit,
  phosphateFromMmolL,
  phosphateToMmolL,
  roundSignificant,
  roundTo,
  weightToKg,
} from '../../src/engine/units.js';

describe('phosphate: a lab value in mg/dL reads the same as in mmol/L', () => {
  it('converts with the molar mass of phosphorus, 30.97 g/mol', () => {
    // 1 mmol/L × 30.97 mg/mmol = 30.97 mg/L = 3.097 mg/dL
    expect(phosphateFromMmolL(1, 'mg/dL')).toBeCloseTo(3.097, 12);
    // 4.5 mg/dL ÷ 3.097 = 1.45302 mmol/L (a high fasting phosphate, as in hyperphosphataemic CT)
    expect(phosphateToMmolL(4.5, 'mg/dL')).toBeCloseTo(1.45302, 5);
    // 1.2 mmol/L × 3.097 = 3.7164 mg/dL
    expect(convertPhosphate(1.2, 'mmol/L', 'mg/dL')).toBeCloseTo(3.7164, 10);
    expect(phosphateToMmolL(1.2, 'mmol/L')).toBe(1.2);
  });

  it('round-trips through every pair of units', () => {
    for (const from of PHOSPHATE_UNITS) {
      for (const to of PHOSPHATE_UNITS) {
        expect(convertPhosphate(convertPhosphate(2.3, from, to), to, from)).toBeCloseTo(2.3, 12);
      }
    }
  });
});

describe('creatinine: µmol/L, mmol/L and mg/dL', () => {
  it('converts with 1 mg/dL = 88.42 µmol/L and 1 mmol/L = 1000 µmol/L', () => {
    // 0.8 mg/dL × 88.42 = 70.736 µmol/L
    expect(creatinineToUmolL(0.8, 'mg/dL')).toBeCloseTo(70.736, 10);
    // 8 mmol/L (a urine creatinine) × 1000 = 8000 µmol/L
    expect(creatinineToUmolL(8, 'mmol/L')).toBe(8000);
    // 70 µmol/L ÷ 1000 = 0.07 mmol/L
    expect(creatinineFromUmolL(70, 'mmol/L')).toBeCloseTo(0.07, 12);
    // 88.42 µmol/L ÷ 88.42 = 1 mg/dL
    expect(convertCreatinine(88.42, 'µmol/L', 'mg/dL')).toBeCloseTo(1, 12);
    // 1 mmol/L = 1000 µmol/L ÷ 88.42 = 11.30966 mg/dL
    expect(convertCreatinine(1, 'mmol/L', 'mg/dL')).toBeCloseTo(11.30966, 5);
  });

  it('round-trips through every pair of units', () => {
    for (const from of CREATININE_UNITS) {
      for (const to of CREATININE_UNITS) {
        expect(convertCreatinine(convertCreatinine(61.9, from, to), to, from)).toBeCloseTo(61.9, 10);
      }
    }
  });
});

describe('weight: kg, g and lb', () => {
  it('converts grams and pounds to kilograms', () => {
    // 18 000 g ÷ 1000 = 18 kg
    expect(weightToKg(18_000, 'g')).toBe(18);
    // 300 g ÷ 1000 = 0.3 kg exactly (the lower limit must not become 0.30000000000000004)
    expect(weightToKg(300, 'g')).toBe(0.3);
    // 40 lb × 0.45359237 = 18.1436948 kg
    expect(weightToKg(40, 'lb')).toBeCloseTo(18.1436948, 7);
    // 150 lb × 0.45359237 = 68.0388555 kg
    expect(weightToKg(150, 'lb')).toBeCloseTo(68.0388555, 7);
    expect(kgPerWeightUnit('lb')).toBe(0.45359237);
    expect(kgPerWeightUnit('g')).toBe(0.001);
    expect(kgPerWeightUnit('kg')).toBe(1);
  });
});

describe('normaliseUnit: what a doctor types', () => {
  const readable: [string, string][] = [
    ['mmol/l', 'mmol/L'],
    ['mmol/L', 'mmol/L'],
    ['MMOL/L', 'mmol/L'],
    ['mmol', 'mmol/L'],
    [' mmol / l ', 'mmol/L'],
    ['mM', 'mmol/L'],
    ['mg/dl', 'mg/dL'],
    ['mg/dL', 'mg/dL'],
    ['mg%', 'mg/dL'],
    ['mg/100ml', 'mg/dL'],
    ['umol/l', 'µmol/L'],
    ['\u00b5mol/l', 'µmol/L'], // micro sign
    ['\u03bcmol/L', 'µmol/L'], // Greek small mu
    ['\u039cmol/L', 'µmol/L'], // Greek capital mu, as an upper-cased label arrives
    ['micromol/l', 'µmol/L'],
    ['micromoli/l', 'µmol/L'],
    ['µM', 'µmol/L'],
    ['kg', 'kg'],
    ['Kg', 'kg'],
    ['kg.', 'kg'],
    ['chili', 'kg'],
    ['chilogrammi', 'kg'],
    ['g', 'g'],
    ['gr', 'g'],
    ['grammi', 'g'],
    ['lb', 'lb'],
    ['lbs', 'lb'],
    ['libbre', 'lb'],
    ['pounds', 'lb'],
  ];
  it.each(readable)('reads %j as %s', (typed, canonical) => {
    expect(normaliseUnit(typed)).toBe(canonical);
  });

  // Each of these could be read more than one way, or is not a unit of these quantities: asking back is safer.
  const unreadable = ['', 'mg', 'mcg', 'ml', 'mm', 'um', 'mmol/dl', 'mg/l', 'kg/m2', 'oz', 'stone', 'mEq/L', 'chilometri'];
  it.each(unreadable)('does not guess %j', (typed) => {
    expect(normaliseUnit(typed)).toBeNull();
  });

  it('narrows to the quantity asked for', () => {
    expect(normalisePhosphateUnit('mg%')).toBe('mg/dL');
    expect(normalisePhosphateUnit('mmol')).toBe('mmol/L');
    // No laboratory here reports phosphate in µmol/L: a µmol/L phosphate is a mistake to ask about.
    expect(normalisePhosphateUnit('µmol/l')).toBeNull();
    expect(normalisePhosphateUnit('kg')).toBeNull();
    expect(normaliseCreatinineUnit('μmol/L')).toBe('µmol/L');
    expect(normaliseCreatinineUnit('mg/dl')).toBe('mg/dL');
    expect(normaliseCreatinineUnit('lb')).toBeNull();
    expect(normaliseWeightUnit('libbre')).toBe('lb');
    expect(normaliseWeightUnit('mg/dl')).toBeNull();
  });
});

describe('roundTo and roundSignificant: half up on the decimal a person would write', () => {
  it('rounds the decimal value, not its binary approximation', () => {
    // 0.975 is stored as 0.97499999…; (0.975).toFixed(2) is "0.97", a person writes 0.98
    expect(roundTo(0.975, 2)).toBe(0.98);
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(81.25, 1)).toBe(81.3);
    // 0.1 + 0.2 = 0.30000000000000004: the noise goes, the value stays
    expect(roundTo(0.1 + 0.2, 12)).toBe(0.3);
    expect(roundTo(18.1436948, 2)).toBe(18.14);
    expect(roundTo(36, 2)).toBe(36);
    expect(roundTo(-0.25, 12)).toBe(-0.25);
    expect(roundTo(1e-7, 2)).toBe(0);
    expect(roundTo(1234.5, -1)).toBe(1230);
    expect(roundTo(5e21, -1)).toBe(5e21);
    expect(roundSignificant(1.23456e-7, 3)).toBe(1.23e-7);
    expect(roundTo(Number.NaN, 2)).toBeNaN();
  });

  it('keeps significant figures for small values', () => {
    expect(roundSignificant(0.0825, 3)).toBe(0.0825);
    expect(roundSignificant(0.45925, 3)).toBe(0.459);
    expect(roundSignificant(0.99961, 3)).toBe(1);
    expect(roundSignificant(1234.5678, 3)).toBe(1230);
    expect(roundSignificant(10 * 3.097 / 3.097, 12)).toBe(10);
    expect(roundSignificant(0, 3)).toBe(0);
  });
});
