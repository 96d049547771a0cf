import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Therapy } from '../../src/content/schema.js';
import { computeDose, roundDoseForDisplay, type DoseResult } from '../../src/engine/dosing.js';
import {
  MAX_CHILD_WEIGHT_KG,
  MAX_HUMAN_WEIGHT_KG,
  MIN_HUMAN_WEIGHT_KG,
  checkWeight,
} from '../../src/engine/weight.js';

/*
 * Fixtures mirror the rows of the PDTA's therapy table (4. Criteri terapeutici), built here and
 * parsed with the content schema so that these tests do not depend on content/therapies.yaml.
 */
const source = {
  section: '4',
  chapter: { it: 'Criteri terapeutici', en: 'Treatment criteria' },
  heading: { it: 'Terapie mediche', en: 'Medical therapies' },
};
const t = (it: string) => ({ it, en: it });

function therapy(id: string, adult: unknown, paediatric: unknown): Therapy {
  return Therapy.parse({
    id,
    source,
    name: t(id),
    inTable: true,
    sourceWording: id,
    adult,
    paediatric,
  });
}

const acetazolamide = therapy(
  'therapy.acetazolamide',
  { kind: 'fixed', text: t('Adulto: 1-1/2 cp al die'), dose: { text: t('1-1/2 cp al die'), maxMg: null } },
  { kind: 'per-kg', text: t('Pediatrico: 5mg/kg peso'), rule: { mgPerKg: 5, everyMonths: null, route: 'unspecified' } },
);
const neridronate = therapy(
  'therapy.neridronate',
  { kind: 'fixed', text: t('Adulto: 100 mg/3 mesi per via e.v.'), dose: { text: t('100 mg/3 mesi e.v.'), maxMg: 100, everyMonths: 3, route: 'iv' } },
  { kind: 'per-kg', text: t('Pediatrico: 2 mg/kg di peso ogni 3 mesi per via e.v.'), rule: { mgPerKg: 2, everyMonths: 3, route: 'iv' } },
);
const zoledronate = therapy(
  'therapy.zoledronate',
  { kind: 'fixed', text: t('Adulto: 5 mg /anno per via e.v.'), dose: { text: t('5 mg/anno e.v.'), maxMg: 5, everyMonths: 12, route: 'iv' } },
  { kind: 'per-kg', text: t('Pediatrico: 0,025 mg/Kg di peso/ anno per vie e.v.'), rule: { mgPerKg: 0.025, everyMonths: 12, route: 'iv' } },
);
const calciumAcetate = therapy(
  'therapy.calcium-acetate-magnesium-carbonate',
  { kind: 'fixed', text: t('Adulto: 3-10 cp al die'), dose: { text: t('3-10 cp al die') } },
  { kind: 'not-recommended', text: t('Pediatrico: non raccomandato') },
);
const calcitriolDose = { kind: 'population-unstated', text: t('0,25-0,5 mcg/die'), dose: { text: t('0,25-0,5 mcg/die') } };
const calcitriol = therapy('therapy.calcitriol', calcitriolDose, calcitriolDose);
const alendronateDose = {
  kind: 'population-unstated',
  text: t('70 mg / settimana per via orale'),
  dose: { text: t('70 mg / settimana per via orale'), maxMg: 70, route: 'oral' },
};
const alendronate = therapy('therapy.alendronate', alendronateDose, alendronateDose);
const probenecid = therapy('therapy.probenecid', { kind: 'no-dose', text: t('probenecid') }, { kind: 'no-dose', text: t('probenecid') });

function computed(result: DoseResult): Extract<DoseResult, { kind: 'computed' }> {
  if (result.kind !== 'computed') throw new Error(`expected a computed dose, got ${result.kind}`);
  return result;
}

describe('checkWeight: a weight outside what a patient can weigh is asked back, never used', () => {
  it('accepts kg as given, with no conversion to mention', () => {
    expect(checkWeight(18, 'kg', 'paediatric')).toEqual({ ok: true, kg: 18, kgDisplay: 18, converted: null });
  });

  it('converts grams and says so', () => {
    // 3 250 g ÷ 1000 = 3.25 kg (a newborn)
    expect(checkWeight(3250, 'g', 'paediatric')).toEqual({
      ok: true,
      kg: 3.25,
      kgDisplay: 3.25,
      converted: { from: { value: 3250, unit: 'g' }, factor: 0.001 },
    });
  });

  it('converts pounds, shows 2 decimals and keeps full precision for the dose', () => {
    // 40 lb × 0.45359237 = 18.1436948 kg, shown as 18.14
    const result = checkWeight(40, 'lb', 'paediatric');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.kg).toBe(40 * 0.45359237);
    expect(result.kgDisplay).toBe(18.14);
    expect(result.converted).toEqual({ from: { value: 40, unit: 'lb' }, factor: 0.45359237 });
  });

  it('accepts the limits themselves', () => {
    expect(checkWeight(MIN_HUMAN_WEIGHT_KG, 'kg').ok).toBe(true); // 0.3 kg
    expect(checkWeight(300, 'g', 'paediatric').ok).toBe(true); // 300 g = 0.3 kg
    expect(checkWeight(MAX_HUMAN_WEIGHT_KG, 'kg', 'adult').ok).toBe(true); // 300 kg
    expect(checkWeight(MAX_CHILD_WEIGHT_KG, 'kg', 'paediatric').ok).toBe(true); // 150 kg
  });

  const refused: [number, 'kg' | 'g' | 'lb', 'adult' | 'paediatric' | undefined, string][] = [
    [0, 'kg', 'paediatric', 'not-positive'],
    [-18, 'kg', 'paediatric', 'not-positive'],
    [Number.NaN, 'kg', 'paediatric', 'not-a-number'],
    [Number.POSITIVE_INFINITY, 'kg', 'adult', 'not-a-number'],
    [Number.NEGATIVE_INFINITY, 'kg', 'adult', 'not-a-number'],
    [0.29, 'kg', 'paediatric', 'below-human-range'],
    [18, 'g', 'paediatric', 'below-human-range'], // "18 g": 0.018 kg, surely meant kg
    [0.6, 'lb', 'paediatric', 'below-human-range'], // 0.6 × 0.45359237 = 0.272 kg
    [300.01, 'kg', 'adult', 'above-human-range'],
    [700, 'kg', undefined, 'above-human-range'],
    [700, 'lb', 'adult', 'above-human-range'], // 700 × 0.45359237 = 317.5 kg
    [400, 'kg', 'paediatric', 'above-human-range'],
    [150.01, 'kg', 'paediatric', 'implausible-for-child'],
    [250, 'kg', 'paediatric', 'implausible-for-child'],
    [400, 'lb', 'paediatric', 'implausible-for-child'], // 400 × 0.45359237 = 181.4 kg
  ];
  it.each(refused)('%s %s (%s) is refused as %s, with no kg', (value, unit, population, reason) => {
    const result = checkWeight(value, unit, population);
    expect(result).toEqual({ ok: false, reason, input: { value, unit } });
    expect(result).not.toHaveProperty('kg');
  });

  it('allows an adult over 150 kg', () => {
    expect(checkWeight(180, 'kg', 'adult').ok).toBe(true);
    expect(checkWeight(180, 'kg').ok).toBe(true);
  });

  it('refuses a unit it cannot read rather than assuming kg', () => {
    const unit = 'stone' as unknown as 'kg';
    expect(checkWeight(3, unit, 'paediatric')).toMatchObject({ ok: false, reason: 'unknown-unit' });
  });

  it('property: a refused weight never carries kg, an accepted one is always in range', () => {
    fc.assert(
      fc.property(
        fc.double(),
        fc.constantFrom('kg' as const, 'g' as const, 'lb' as const),
        fc.constantFrom('adult' as const, 'paediatric' as const, undefined),
        (value, unit, population) => {
          const result = checkWeight(value, unit, population);
          if (!result.ok) return !('kg' in result);
          const max = population === 'paediatric' ? MAX_CHILD_WEIGHT_KG : MAX_HUMAN_WEIGHT_KG;
          return result.kg >= MIN_HUMAN_WEIGHT_KG && result.kg <= max;
        },
      ),
    );
  });
});

describe('computeDose: "neridronato bambino 18 kg"', () => {
  it('neridronate, child of 18 kg: 2 mg/kg × 18 kg = 36 mg every 3 months i.v.', () => {
    const dose = computed(computeDose(neridronate, 'paediatric', 18));
    expect(dose.doseMg).toBe(36); // 2 × 18 = 36
    expect(dose.doseMgDisplay).toBe(36);
    expect(dose.rule).toEqual({ mgPerKg: 2, everyMonths: 3, route: 'iv' });
    expect(dose.weightKg).toBe(18);
    expect(dose.weightConverted).toBeNull();
    expect(dose.everyMonths).toBe(3);
    expect(dose.frequencyStated).toBe(true);
    expect(dose.route).toBe('iv');
    // 36 mg ≤ adult 100 mg, both every 3 months
    expect(dose.adultComparable).toBe(true);
    expect(dose.adultNotComparableReason).toBeNull();
    expect(dose.exceedsAdult).toBeNull();
    expect(dose.text.it).toContain('2 mg/kg');
  });

  it('zoledronate, child of 18 kg: 0.025 mg/kg × 18 kg = 0.45 mg once a year i.v.', () => {
    const dose = computed(computeDose(zoledronate, 'paediatric', 18));
    expect(dose.doseMg).toBeCloseTo(0.45, 12); // 0.025 × 18 = 0.45
    expect(dose.doseMgDisplay).toBe(0.45);
    expect(dose.everyMonths).toBe(12);
    expect(dose.route).toBe('iv');
    expect(dose.exceedsAdult).toBeNull(); // 0.45 mg ≤ 5 mg
    expect(dose.adultComparable).toBe(true);
  });

  it('neridronate, child of 60 kg: 2 × 60 = 120 mg, above the adult 100 mg, flagged', () => {
    const dose = computed(computeDose(neridronate, 'paediatric', 60));
    expect(dose.doseMg).toBe(120); // 2 × 60 = 120 > 100
    expect(dose.exceedsAdult).toEqual({ adultMaxMg: 100 });
  });

  it('neridronate, child of 50 kg: 2 × 50 = 100 mg equals the adult dose, not flagged', () => {
    const dose = computed(computeDose(neridronate, 'paediatric', 50));
    expect(dose.doseMg).toBe(100);
    expect(dose.exceedsAdult).toBeNull();
  });

  it('neridronate, child of 50.01 kg: 2 × 50.01 = 100.02 mg, flagged', () => {
    const dose = computed(computeDose(neridronate, 'paediatric', 50.01));
    expect(dose.doseMgDisplay).toBe(100.02);
    expect(dose.exceedsAdult).toEqual({ adultMaxMg: 100 });
  });

  it('zoledronate, "child" of 250 kg: refused by the weight check, no dose', () => {
    const result = computeDose(zoledronate, 'paediatric', 250);
    expect(result).toMatchObject({ kind: 'invalid-weight', reason: 'implausible-for-child', input: { value: 250, unit: 'kg' } });
    expect(result).not.toHaveProperty('doseMg');
    expect(result).not.toHaveProperty('doseMgDisplay');
  });

  it('zoledronate, child of 150 kg (the limit): 0.025 × 150 = 3.75 mg, below the adult 5 mg', () => {
    const dose = computed(computeDose(zoledronate, 'paediatric', 150));
    expect(dose.doseMg).toBeCloseTo(3.75, 12);
    expect(dose.exceedsAdult).toBeNull();
  });

  it('weight in pounds: 40 lb = 18.1436948 kg; 2 × 18.1436948 = 36.2873896 mg, shown 36.29, conversion reported', () => {
    const dose = computed(computeDose(neridronate, 'paediatric', { value: 40, unit: 'lb' }));
    expect(dose.weightKg).toBeCloseTo(18.1436948, 7);
    expect(dose.weightKgDisplay).toBe(18.14);
    expect(dose.weightConverted).toEqual({ from: { value: 40, unit: 'lb' }, factor: 0.45359237 });
    expect(dose.doseMg).toBeCloseTo(36.2873896, 7);
    expect(dose.doseMgDisplay).toBe(36.29);
  });

  it('weight in grams: 18 000 g = 18 kg; 0.025 × 18 = 0.45 mg, conversion reported', () => {
    const dose = computed(computeDose(zoledronate, 'paediatric', { value: 18_000, unit: 'g' }));
    expect(dose.weightKg).toBe(18);
    expect(dose.weightConverted).toEqual({ from: { value: 18_000, unit: 'g' }, factor: 0.001 });
    expect(dose.doseMgDisplay).toBe(0.45);
  });

  it('acetazolamide, child of 18 kg: 5 × 18 = 90 mg; no frequency stated and no adult mg to compare with', () => {
    const dose = computed(computeDose(acetazolamide, 'paediatric', 18));
    expect(dose.doseMg).toBe(90); // 5 × 18 = 90
    expect(dose.everyMonths).toBeNull();
    expect(dose.frequencyStated).toBe(false);
    // The adult dose is "1-1/2 cp al die": tablets, not mg.
    expect(dose.adultComparable).toBe(false);
    expect(dose.adultNotComparableReason).toBe('adult-dose-not-in-mg');
    expect(dose.exceedsAdult).toBeNull();
  });

  it('asks for the weight when none is given', () => {
    expect(computeDose(neridronate, 'paediatric')).toEqual({
      kind: 'needs-weight',
      population: 'paediatric',
      text: neridronate.paediatric.text,
      rule: { mgPerKg: 2, everyMonths: 3, route: 'iv' },
    });
  });

  const badWeights: [number | { value: number; unit: 'kg' | 'g' | 'lb' }, string][] = [
    [0, 'not-positive'],
    [-18, 'not-positive'],
    [Number.NaN, 'not-a-number'],
    [Number.POSITIVE_INFINITY, 'not-a-number'],
    [0.29, 'below-human-range'],
    [{ value: 18, unit: 'g' }, 'below-human-range'],
    [301, 'above-human-range'],
    [151, 'implausible-for-child'],
  ];
  it.each(badWeights)('weight %j: %s, and never a number', (weight, reason) => {
    const result = computeDose(neridronate, 'paediatric', weight);
    expect(result).toMatchObject({ kind: 'invalid-weight', reason });
    expect(result).not.toHaveProperty('doseMg');
  });
});

describe('computeDose: rows that are not computed', () => {
  it('adult neridronate: the fixed dose as the PDTA writes it', () => {
    const result = computeDose(neridronate, 'adult', 70);
    expect(result).toMatchObject({ kind: 'fixed', population: 'adult', dose: { maxMg: 100, everyMonths: 3, route: 'iv' } });
    expect(result).not.toHaveProperty('doseMg');
  });

  it('adult acetazolamide: the fixed dose in tablets', () => {
    expect(computeDose(acetazolamide, 'adult')).toMatchObject({ kind: 'fixed', dose: { maxMg: null } });
  });

  it('calcium acetate / magnesium carbonate for a child: not recommended, even with a weight', () => {
    expect(computeDose(calciumAcetate, 'paediatric', 18)).toEqual({
      kind: 'not-recommended',
      population: 'paediatric',
      text: t('Pediatrico: non raccomandato'),
    });
  });

  it('calcitriol for a child: population unstated, handed back uncomputed even with a weight', () => {
    const result = computeDose(calcitriol, 'paediatric', 18);
    expect(result).toMatchObject({ kind: 'population-unstated', askedFor: 'paediatric', dose: { text: t('0,25-0,5 mcg/die') } });
    expect(result).not.toHaveProperty('doseMg');
    expect(result).not.toHaveProperty('weightKg');
  });

  it('alendronate for a child: the 70 mg is not offered as a paediatric dose', () => {
    const result = computeDose(alendronate, 'paediatric', 30);
    expect(result.kind).toBe('population-unstated');
    expect(result).toMatchObject({ askedFor: 'paediatric' });
    expect(result).not.toHaveProperty('doseMg');
  });

  it('alendronate for an adult: still labelled population-unstated', () => {
    expect(computeDose(alendronate, 'adult')).toMatchObject({ kind: 'population-unstated', askedFor: 'adult' });
  });

  it('a therapy the text names without a dose', () => {
    expect(computeDose(probenecid, 'paediatric', 18)).toMatchObject({ kind: 'no-dose', population: 'paediatric' });
    expect(computeDose(probenecid, 'adult')).toMatchObject({ kind: 'no-dose', population: 'adult' });
  });
});

describe('computeDose: when the adult dose cannot be compared', () => {
  it('a per-kg adult rule is not compared with itself', () => {
    const perKgAdult = therapy(
      'therapy.example-adult-per-kg',
      { kind: 'per-kg', text: t('1 mg/kg'), rule: { mgPerKg: 1, everyMonths: 1, route: 'oral' } },
      { kind: 'not-recommended', text: t('non raccomandato') },
    );
    // 1 × 70 = 70 mg
    const dose = computed(computeDose(perKgAdult, 'adult', 70));
    expect(dose.doseMg).toBe(70);
    expect(dose.adultComparable).toBe(false);
    expect(dose.adultNotComparableReason).toBe('asked-for-adult');
    expect(dose.exceedsAdult).toBeNull();
  });

  it('an adult dose at another interval is not compared per administration', () => {
    const monthly = therapy(
      'therapy.example-monthly',
      { kind: 'fixed', text: t('5 mg/anno'), dose: { text: t('5 mg/anno'), maxMg: 5, everyMonths: 12, route: 'iv' } },
      { kind: 'per-kg', text: t('1 mg/kg/mese'), rule: { mgPerKg: 1, everyMonths: 1, route: 'iv' } },
    );
    const dose = computed(computeDose(monthly, 'paediatric', 18));
    expect(dose.adultComparable).toBe(false);
    expect(dose.adultNotComparableReason).toBe('different-frequency');
    expect(dose.exceedsAdult).toBeNull();
  });

  it('an adult row that is not a fixed dose', () => {
    const noAdult = therapy(
      'therapy.example-no-adult',
      { kind: 'no-dose', text: t('nessuna dose') },
      { kind: 'per-kg', text: t('1 mg/kg'), rule: { mgPerKg: 1, everyMonths: null, route: 'oral' } },
    );
    expect(computed(computeDose(noAdult, 'paediatric', 18)).adultNotComparableReason).toBe('adult-dose-not-fixed');
  });
});

describe('roundDoseForDisplay: never more than 0.5% from the exact dose', () => {
  const cases: [number, number][] = [
    [36, 36],
    [36.2873896, 36.29], // 2 decimals
    [120, 120],
    [0.45, 0.45],
    [0.45000000000000007, 0.45], // 0.025 × 18 in floating point
    [0.459, 0.459], // 3 significant figures below 1 mg, not 0.46
    [0.0825, 0.0825], // 0.025 × 3.3 kg: 0.08 would be 3% off
    [0.0075, 0.0075], // 0.025 × 0.3 kg: 0.01 would be 33% off
    [1.234567, 1.23],
  ];
  it.each(cases)('%s mg shows as %s mg', (exact, shown) => {
    expect(roundDoseForDisplay(exact)).toBe(shown);
  });
});

describe('property: per-kg dose = mgPerKg × weight', () => {
  it('holds for any rule and any plausible child weight, and the displayed dose is within 0.5%', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 50, noNaN: true }),
        fc.double({ min: MIN_HUMAN_WEIGHT_KG, max: MAX_CHILD_WEIGHT_KG, noNaN: true }),
        (mgPerKg, weightKg) => {
          const drug = therapy(
            'therapy.example',
            { kind: 'fixed', text: t('100 mg'), dose: { text: t('100 mg'), maxMg: 100, everyMonths: 3, route: 'iv' } },
            { kind: 'per-kg', text: t('x mg/kg'), rule: { mgPerKg, everyMonths: 3, route: 'iv' } },
          );
          const dose = computed(computeDose(drug, 'paediatric', weightKg));
          expect(dose.doseMg).toBe(mgPerKg * weightKg);
          expect(Math.abs(dose.doseMgDisplay - dose.doseMg)).toBeLessThanOrEqual(dose.doseMg * 0.005 + 1e-12);
          expect(dose.exceedsAdult !== null).toBe(dose.doseMg > 100);
        },
      ),
    );
  });
});
