import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeTmpGfr, type TmpGfrInput, type TmpGfrResult } from '../../src/engine/tmpGfr.js';
import {
  CREATININE_UNITS,
  PHOSPHATE_UNITS,
  creatinineFromUmolL,
  phosphateFromMmolL,
  type CreatinineUnit,
  type PhosphateUnit,
} from '../../src/engine/units.js';

type Ok = Extract<TmpGfrResult, { ok: true }>;
function ok(result: TmpGfrResult): Ok {
  if (!result.ok) throw new Error(`expected a result, got ${JSON.stringify(result.problems)}`);
  return result;
}

/** A sample in mmol/L (phosphate) and µmol/L (creatinine). */
function sample(sp: number, up: number, scr: number, ucr: number): TmpGfrInput {
  return {
    serumPhosphate: { value: sp, unit: 'mmol/L' },
    urinePhosphate: { value: up, unit: 'mmol/L' },
    serumCreatinine: { value: scr, unit: 'µmol/L' },
    urineCreatinine: { value: ucr, unit: 'µmol/L' },
  };
}

/** The same sample typed in the given units. */
function inUnits(
  s: TmpGfrInput,
  units: { sp: PhosphateUnit; up: PhosphateUnit; scr: CreatinineUnit; ucr: CreatinineUnit },
): TmpGfrInput {
  return {
    serumPhosphate: { value: phosphateFromMmolL(s.serumPhosphate.value, units.sp), unit: units.sp },
    urinePhosphate: { value: phosphateFromMmolL(s.urinePhosphate.value, units.up), unit: units.up },
    serumCreatinine: { value: creatinineFromUmolL(s.serumCreatinine.value, units.scr), unit: units.scr },
    urineCreatinine: { value: creatinineFromUmolL(s.urineCreatinine.value, units.ucr), unit: units.ucr },
  };
}

const allUnitCombinations = PHOSPHATE_UNITS.flatMap((sp) =>
  PHOSPHATE_UNITS.flatMap((up) =>
    CREATININE_UNITS.flatMap((scr) => CREATININE_UNITS.map((ucr) => ({ sp, up, scr, ucr }))),
  ),
);

/*
 * Case A, linear branch: SP 1.2 mmol/L, Up 30 mmol/L, SCr 60 µmol/L, UCr 8000 µmol/L.
 *   (Up × SCr) / (SP × UCr) = (30 × 60) / (1.2 × 8000) = 1800 / 9600 = 0.1875
 *   TRP = 1 − 0.1875 = 0.8125 (81.25%) ≤ 0.86, so TmP/GFR = 0.8125 × 1.2 = 0.975 mmol/L
 *   in mg/dL: 0.975 × 3.097 = 3.019575 mg/dL
 */
const caseA = sample(1.2, 30, 60, 8000);

/*
 * Case B, curve branch: SP 1.2 mmol/L, Up 12 mmol/L, SCr 60 µmol/L, UCr 8000 µmol/L.
 *   (12 × 60) / (1.2 × 8000) = 720 / 9600 = 0.075; TRP = 0.925 > 0.86
 *   TmP/GFR = 1.2 × 0.3 × 0.925 / (1 − 0.8 × 0.925) = 0.333 / (1 − 0.74) = 0.333 / 0.26 = 1.2807692 mmol/L
 */
const caseB = sample(1.2, 12, 60, 8000);

/*
 * Boundary: SP 1 mmol/L, Up 14 mmol/L, SCr 100 µmol/L, UCr 10000 µmol/L.
 *   (14 × 100) / (1 × 10000) = 0.14; TRP = 0.86 exactly, so the linear branch: TmP/GFR = 0.86 × 1 = 0.86
 */
const boundary = sample(1, 14, 100, 10_000);

describe('TmP/GFR: hand-worked cases', () => {
  it('case A, TRP 0.8125: linear branch, 0.975 mmol/L', () => {
    const r = ok(computeTmpGfr(caseA));
    expect(r.trp).toBeCloseTo(0.8125, 12);
    expect(r.trpPercent).toBeCloseTo(81.25, 10);
    expect(r.branch).toBe('linear');
    expect(r.tmpGfr.mmolL).toBeCloseTo(0.975, 12);
    expect(r.tmpGfr.inSerumUnit).toEqual({ value: r.tmpGfr.mmolL, unit: 'mmol/L' });
    expect(r.converted).toEqual({
      serumPhosphateMmolL: 1.2,
      urinePhosphateMmolL: 30,
      serumCreatinineUmolL: 60,
      urineCreatinineUmolL: 8000,
    });
    // Shown rounded half up on the decimal value: 81.25% → 81.3%, 0.975 → 0.98 (toFixed would give 0.97)
    expect(r.display.trpPercent).toBe(81.3);
    expect(r.display.tmpGfrMmolL).toBe(0.98);
    expect(r.display.tmpGfrInSerumUnit).toBe(0.98);
  });

  it('case B, TRP 0.925: curve branch, 1.2807692 mmol/L', () => {
    const r = ok(computeTmpGfr(caseB));
    expect(r.trp).toBeCloseTo(0.925, 12);
    expect(r.branch).toBe('nomogram-curve');
    expect(r.tmpGfr.mmolL).toBeCloseTo(1.2807692, 7);
    expect(r.display.tmpGfrMmolL).toBe(1.28);
  });

  it('serum phosphate in mg/dL: TmP/GFR is reported in mg/dL too', () => {
    // Case A with SP 1.2 × 3.097 = 3.7164 mg/dL: TmP/GFR 0.975 mmol/L = 0.975 × 3.097 = 3.019575 mg/dL
    const r = ok(computeTmpGfr({ ...caseA, serumPhosphate: { value: 3.7164, unit: 'mg/dL' } }));
    expect(r.tmpGfr.mmolL).toBeCloseTo(0.975, 10);
    expect(r.tmpGfr.inSerumUnit.unit).toBe('mg/dL');
    expect(r.tmpGfr.inSerumUnit.value).toBeCloseTo(3.019575, 9);
    expect(r.display.tmpGfrInSerumUnit).toBe(3.02);
    expect(r.converted.serumPhosphateMmolL).toBeCloseTo(1.2, 12);
  });

  it('a hyperphosphataemic picture: high TRP, TmP/GFR above the serum phosphate', () => {
    // SP 2.4, Up 6, SCr 50, UCr 10000: (6 × 50) / (2.4 × 10000) = 300 / 24000 = 0.0125; TRP = 0.9875
    // TmP/GFR = 2.4 × 0.3 × 0.9875 / (1 − 0.8 × 0.9875) = 0.711 / (1 − 0.79) = 0.711 / 0.21 = 3.3857143
    const r = ok(computeTmpGfr(sample(2.4, 6, 50, 10_000)));
    expect(r.trp).toBeCloseTo(0.9875, 12);
    expect(r.branch).toBe('nomogram-curve');
    expect(r.tmpGfr.mmolL).toBeCloseTo(3.3857143, 7);
  });
});

describe('TmP/GFR: the boundary TRP = 0.86', () => {
  it('TRP exactly 0.86 uses the linear branch: 0.86 × 1 = 0.86 mmol/L', () => {
    const r = ok(computeTmpGfr(boundary));
    expect(r.trp).toBe(0.86);
    expect(r.branch).toBe('linear');
    expect(r.tmpGfr.mmolL).toBeCloseTo(0.86, 12);
  });

  it('TRP 0.861 uses the curve: 0.3 × 0.861 / (1 − 0.6888) = 0.2583 / 0.3112 = 0.8300129', () => {
    // Up 13.9: (13.9 × 100) / (1 × 10000) = 0.139; TRP = 0.861
    const r = ok(computeTmpGfr(sample(1, 13.9, 100, 10_000)));
    expect(r.trp).toBeCloseTo(0.861, 12);
    expect(r.branch).toBe('nomogram-curve');
    expect(r.tmpGfr.mmolL).toBeCloseTo(0.8300129, 7);
  });

  it('TRP exactly 0.86 stays linear whatever units the sample is typed in', () => {
    for (const units of allUnitCombinations) {
      const r = ok(computeTmpGfr(inUnits(boundary, units)));
      expect(r.branch, JSON.stringify(units)).toBe('linear');
      expect(r.trp, JSON.stringify(units)).toBeCloseTo(0.86, 12);
    }
  });
});

describe('TmP/GFR: every unit combination gives the same result', () => {
  it('has 36 combinations (2 × 2 phosphate units × 3 × 3 creatinine units)', () => {
    expect(allUnitCombinations).toHaveLength(36);
  });

  for (const [name, input, trp, tmpGfr, branch] of [
    ['case A', caseA, 0.8125, 0.975, 'linear'],
    ['case B', caseB, 0.925, 1.2807692, 'nomogram-curve'],
  ] as const) {
    it(`${name} in every mix of units: TRP ${trp}, TmP/GFR ${tmpGfr} mmol/L`, () => {
      for (const units of allUnitCombinations) {
        const typed = inUnits(input, units);
        const r = ok(computeTmpGfr(typed));
        const label = JSON.stringify(units);
        expect(r.trp, label).toBeCloseTo(trp, 10);
        expect(r.branch, label).toBe(branch);
        expect(r.tmpGfr.mmolL, label).toBeCloseTo(tmpGfr, 7);
        expect(r.tmpGfr.inSerumUnit.unit, label).toBe(units.sp);
        expect(r.tmpGfr.inSerumUnit.value, label).toBeCloseTo(phosphateFromMmolL(tmpGfr, units.sp), 6);
        expect(r.converted.serumPhosphateMmolL, label).toBeCloseTo(input.serumPhosphate.value, 10);
        expect(r.converted.urineCreatinineUmolL, label).toBeCloseTo(input.urineCreatinine.value, 8);
      }
    });
  }

  it('case A typed by hand in mg/dL throughout', () => {
    // SP 1.2 × 3.097 = 3.7164; Up 30 × 3.097 = 92.91; SCr 60 ÷ 88.42 = 0.678579 (rounded as a lab would);
    // UCr 8000 ÷ 88.42 = 90.477 mg/dL; the creatinine ratio is unchanged to 6 figures, so TRP ≈ 0.8125
    const r = ok(
      computeTmpGfr({
        serumPhosphate: { value: 3.7164, unit: 'mg/dL' },
        urinePhosphate: { value: 92.91, unit: 'mg/dL' },
        serumCreatinine: { value: 0.678579, unit: 'mg/dL' },
        urineCreatinine: { value: 90.477, unit: 'mg/dL' },
      }),
    );
    expect(r.trp).toBeCloseTo(0.8125, 5);
    expect(r.tmpGfr.mmolL).toBeCloseTo(0.975, 5);
    expect(r.tmpGfr.inSerumUnit.value).toBeCloseTo(3.019575, 4);
  });
});

describe('TmP/GFR: refusals carry reasons, never a number', () => {
  const fields = ['serumPhosphate', 'urinePhosphate', 'serumCreatinine', 'urineCreatinine'] as const;
  const badValues: [number, string][] = [
    [0, 'not-positive'],
    [-1.2, 'not-positive'],
    [Number.NaN, 'not-a-number'],
    [Number.POSITIVE_INFINITY, 'not-a-number'],
    [Number.NEGATIVE_INFINITY, 'not-a-number'],
  ];
  for (const field of fields) {
    it.each(badValues)(`${field} = %s is refused as %s`, (value, reason) => {
      const input = { ...caseA, [field]: { ...caseA[field], value } };
      const r = computeTmpGfr(input);
      expect(r).toEqual({ ok: false, problems: [{ field, reason }] });
      expect(r).not.toHaveProperty('trp');
      expect(r).not.toHaveProperty('tmpGfr');
    });
  }

  it('lists every bad input at once, so one question back covers them all', () => {
    const r = computeTmpGfr({
      ...caseA,
      serumPhosphate: { value: 0, unit: 'mmol/L' },
      urineCreatinine: { value: Number.NaN, unit: 'mmol/L' },
    });
    expect(r).toEqual({
      ok: false,
      problems: [
        { field: 'serumPhosphate', reason: 'not-positive' },
        { field: 'urineCreatinine', reason: 'not-a-number' },
      ],
    });
  });

  it('TRP below 0: more phosphate in the urine than was filtered', () => {
    // SP 1.2, Up 30, SCr 60, UCr 1200: (30 × 60) / (1.2 × 1200) = 1800 / 1440 = 1.25; TRP = −0.25
    const r = computeTmpGfr(sample(1.2, 30, 60, 1200));
    expect(r).toEqual({ ok: false, problems: [{ field: null, reason: 'trp-not-positive', trp: -0.25 }] });
  });

  it('TRP exactly 0 is refused too', () => {
    // SP 1.2, Up 20, SCr 60, UCr 1000: (20 × 60) / (1.2 × 1000) = 1200 / 1200 = 1; TRP = 0
    const r = computeTmpGfr(sample(1.2, 20, 60, 1000));
    expect(r).toMatchObject({ ok: false, problems: [{ reason: 'trp-not-positive', trp: 0 }] });
  });

  it('serum and urine creatinine swapped', () => {
    // SCr 8000 µmol/L and UCr 60 µmol/L: each out of range, urine not above serum,
    // and (30 × 8000) / (1.2 × 60) = 240000 / 72 = 3333.3, TRP = −3332.3
    const r = computeTmpGfr(sample(1.2, 30, 8000, 60));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.reason)).toEqual(['implausibly-high', 'implausibly-low']);
    expect(r.problems.map((p) => p.field)).toEqual(['serumCreatinine', 'urineCreatinine']);
  });

  it('serum and urine creatinine swapped within the plausible ranges', () => {
    // SCr 1500 µmol/L, UCr 1000 µmol/L: urine not above serum;
    // (30 × 1500) / (1.2 × 1000) = 45000 / 1200 = 37.5, TRP = −36.5
    const r = computeTmpGfr(sample(1.2, 30, 1500, 1000));
    expect(r).toEqual({
      ok: false,
      problems: [
        { field: null, reason: 'urine-creatinine-not-above-serum' },
        { field: null, reason: 'trp-not-positive', trp: -36.5 },
      ],
    });
  });

  it('serum and urine phosphate swapped: a serum phosphate of 30 mmol/L is implausible', () => {
    // (1.2 × 60) / (30 × 8000) = 0.0003 would give TRP 0.9997, a plausible-looking number: refused
    const r = computeTmpGfr(sample(30, 1.2, 60, 8000));
    expect(r).toEqual({
      ok: false,
      problems: [
        { field: 'serumPhosphate', reason: 'implausibly-high', converted: 30, limit: { value: 10, unit: 'mmol/L' } },
      ],
    });
  });

  it('serum phosphate in mg/dL typed as mmol/L above 10 is asked back', () => {
    expect(computeTmpGfr({ ...caseA, serumPhosphate: { value: 10.5, unit: 'mmol/L' } })).toMatchObject({
      ok: false,
      problems: [{ field: 'serumPhosphate', reason: 'implausibly-high' }],
    });
    // 31 mg/dL ÷ 3.097 = 10.0097 mmol/L > 10
    expect(computeTmpGfr({ ...caseA, serumPhosphate: { value: 31, unit: 'mg/dL' } })).toMatchObject({
      ok: false,
      problems: [{ field: 'serumPhosphate', reason: 'implausibly-high' }],
    });
  });

  it('serum creatinine above 2000 µmol/L (22.6 mg/dL) is asked back', () => {
    expect(computeTmpGfr({ ...caseA, serumCreatinine: { value: 2001, unit: 'µmol/L' } })).toMatchObject({
      ok: false,
      problems: [{ field: 'serumCreatinine', reason: 'implausibly-high', limit: { value: 2000, unit: 'µmol/L' } }],
    });
    // 23 mg/dL × 88.42 = 2033.66 µmol/L > 2000
    expect(computeTmpGfr({ ...caseA, serumCreatinine: { value: 23, unit: 'mg/dL' } })).toMatchObject({
      ok: false,
      problems: [{ field: 'serumCreatinine', reason: 'implausibly-high' }],
    });
  });

  it('serum creatinine in mmol/L typed as µmol/L (0.06) is asked back, not read as a near-total TRP', () => {
    // (30 × 0.06) / (1.2 × 8000) = 0.0001875 would give TRP 0.9998
    expect(computeTmpGfr({ ...caseA, serumCreatinine: { value: 0.06, unit: 'µmol/L' } })).toMatchObject({
      ok: false,
      problems: [{ field: 'serumCreatinine', reason: 'implausibly-low', limit: { value: 5, unit: 'µmol/L' } }],
    });
  });

  it('urine creatinine in mmol/L typed as µmol/L (8) is asked back', () => {
    const r = computeTmpGfr({ ...caseA, urineCreatinine: { value: 8, unit: 'µmol/L' } });
    expect(r).toMatchObject({ ok: false, problems: [{ field: 'urineCreatinine', reason: 'implausibly-low' }] });
  });

  it('values at the plausibility limits are accepted', () => {
    // SP 10, Up 30, SCr 60, UCr 8000: (30 × 60) / (10 × 8000) = 0.0225; TRP 0.9775
    expect(computeTmpGfr(sample(10, 30, 60, 8000)).ok).toBe(true);
    // SP 1.2, Up 30, SCr 5, UCr 8000: (30 × 5) / (1.2 × 8000) = 0.015625; TRP 0.984375
    expect(computeTmpGfr(sample(1.2, 30, 5, 8000)).ok).toBe(true);
    // SP 1.2, Up 1, SCr 2000, UCr 100000: (1 × 2000) / (1.2 × 100000) = 0.016667; TRP 0.983333
    expect(computeTmpGfr(sample(1.2, 1, 2000, 100_000)).ok).toBe(true);
  });

  it('a unit it cannot read is refused rather than assumed', () => {
    const r = computeTmpGfr({ ...caseA, urinePhosphate: { value: 30, unit: 'mEq/L' as unknown as 'mmol/L' } });
    expect(r).toEqual({ ok: false, problems: [{ field: 'urinePhosphate', reason: 'unknown-unit' }] });
  });
});

describe('TmP/GFR: properties', () => {
  const plausible = fc.record({
    sp: fc.double({ min: 0.1, max: 10, noNaN: true }),
    up: fc.double({ min: 0.01, max: 300, noNaN: true }),
    scr: fc.double({ min: 5, max: 2000, noNaN: true }),
    ucr: fc.double({ min: 2000, max: 100_000, noNaN: true }),
  });

  it('TmP/GFR ≤ serum phosphate whenever TRP ≤ 0.86, and any result has 0 < TRP ≤ 1', () => {
    fc.assert(
      fc.property(plausible, ({ sp, up, scr, ucr }) => {
        const r = computeTmpGfr(sample(sp, up, scr, ucr));
        if (!r.ok) return r.problems.length > 0 && !('trp' in r);
        if (r.trp <= 0 || r.trp > 1 || r.tmpGfr.mmolL <= 0) return false;
        return r.trp > 0.86 || r.tmpGfr.mmolL <= sp;
      }),
      { numRuns: 2000 },
    );
  });

  it('the same sample gives the same result in any mix of units', () => {
    fc.assert(
      fc.property(plausible, fc.constantFrom(...allUnitCombinations), ({ sp, up, scr, ucr }, units) => {
        const base = computeTmpGfr(sample(sp, up, scr, ucr));
        const typed = computeTmpGfr(inUnits(sample(sp, up, scr, ucr), units));
        if (!base.ok || !typed.ok) return base.ok === typed.ok;
        return (
          Math.abs(base.trp - typed.trp) < 1e-9 &&
          base.branch === typed.branch &&
          Math.abs(base.tmpGfr.mmolL - typed.tmpGfr.mmolL) < 1e-9 * Math.max(1, base.tmpGfr.mmolL)
        );
      }),
      { numRuns: 1000 },
    );
  });
});
