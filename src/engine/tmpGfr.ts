/**
 * Tubular maximum reabsorption of phosphate per GFR (TmP/GFR) from paired fasting serum and urine
 * phosphate and creatinine, the calculation the PDTA asks for (3. Criteri diagnostici, DATI
 * LABORATORISTICI, which links the calculator at members.iinet.net.au/~bill/java/tmp_gfr.html),
 * i.e. the Walton–Bijvoet nomogram in its algebraic form:
 *   TRP = 1 − (Up × SCr) / (SP × UCr)
 *   TmP/GFR = TRP × SP                          when TRP ≤ 0.86
 *   TmP/GFR = SP × 0.3 × TRP / (1 − 0.8 × TRP)  when TRP > 0.86 (Kenny & Glen's fit of the nomogram)
 *
 * A wrong unit or a serum value typed as urine gives a plausible-looking but wrong number, so
 * every input is range-checked and any doubt is returned as reasons to ask back, never a result.
 */
import {
  creatinineToUmolL,
  isCreatinineUnit,
  isPhosphateUnit,
  phosphateFromMmolL,
  phosphateToMmolL,
  roundSignificant,
  roundTo,
  type CreatinineUnit,
  type PhosphateUnit,
} from './units.js';

export type TmpGfrInput = {
  serumPhosphate: { value: number; unit: PhosphateUnit };
  urinePhosphate: { value: number; unit: PhosphateUnit };
  serumCreatinine: { value: number; unit: CreatinineUnit };
  urineCreatinine: { value: number; unit: CreatinineUnit };
};

export type TmpGfrField = keyof TmpGfrInput;

/** TRP above which the linear relation no longer holds and the nomogram's curve is used. */
export const TRP_LINEAR_LIMIT = 0.86;

/**
 * Limits beyond which a value is a typo or a wrong unit rather than a patient, in mmol/L for
 * phosphate and µmol/L for creatinine. They are deliberately wide ("clearly implausible"): a
 * real but extreme value must not be refused, only an impossible one.
 * - serum phosphate 0.1–10 mmol/L: below 0.1 is incompatible with life; above 10 is beyond the
 *   worst tumour lysis or renal failure reported, and is what 31 mg/dL typed as mmol/L looks like.
 * - serum creatinine 5–2000 µmol/L: below 5 is less than a preterm neonate's and is what a value
 *   in mmol/L (e.g. 0.06) typed as µmol/L looks like; above 2000 is beyond end-stage renal failure.
 * - urine phosphate up to 300 mmol/L: several times the most concentrated urine; no lower
 *   limit, because a very low urine phosphate is the very finding of hyperphosphataemic forms.
 * - urine creatinine 100–100000 µmol/L (0.1–100 mmol/L): outside it no urine is that dilute or
 *   that concentrated, and a value in mmol/L typed as µmol/L (e.g. 8) falls below.
 */
export const PLAUSIBLE: Readonly<Record<TmpGfrField, { min: number | null; max: number; unit: 'mmol/L' | 'µmol/L' }>> = {
  serumPhosphate: { min: 0.1, max: 10, unit: 'mmol/L' },
  urinePhosphate: { min: null, max: 300, unit: 'mmol/L' },
  serumCreatinine: { min: 5, max: 2000, unit: 'µmol/L' },
  urineCreatinine: { min: 100, max: 100_000, unit: 'µmol/L' },
};

export type TmpGfrProblem =
  | { field: TmpGfrField; reason: 'unknown-unit' | 'not-a-number' | 'not-positive' }
  | {
      field: TmpGfrField;
      reason: 'implausibly-low' | 'implausibly-high';
      /** The value converted to `limit.unit`, and the limit it crossed. */
      converted: number;
      limit: { value: number; unit: 'mmol/L' | 'µmol/L' };
    }
  /** Urine creatinine not above serum creatinine: kidneys concentrate creatinine, so serum and urine are likely swapped. */
  | { field: null; reason: 'urine-creatinine-not-above-serum' }
  /** TRP ≤ 0: more phosphate excreted than filtered; swapped serum/urine or a wrong unit. */
  | { field: null; reason: 'trp-not-positive'; trp: number }
  /** TRP > 1 cannot happen with positive inputs; kept so that no arithmetic accident yields a result. */
  | { field: null; reason: 'trp-above-one'; trp: number };

export type TmpGfrBranch = 'linear' | 'nomogram-curve';

export type TmpGfrResult =
  | {
      ok: true;
      /** Tubular reabsorption of phosphate, as a fraction (0–1). */
      trp: number;
      trpPercent: number;
      tmpGfr: {
        mmolL: number;
        /** In the unit the serum phosphate was given in, so it reads against the same reference ranges. */
        inSerumUnit: { value: number; unit: PhosphateUnit };
      };
      branch: TmpGfrBranch;
      /** Inputs in common units, so the answer can show what was computed from. */
      converted: {
        serumPhosphateMmolL: number;
        urinePhosphateMmolL: number;
        serumCreatinineUmolL: number;
        urineCreatinineUmolL: number;
      };
      /** Rounded for display only: TRP % to 1 decimal, TmP/GFR to 2 decimals. */
      display: { trpPercent: number; tmpGfrMmolL: number; tmpGfrInSerumUnit: number };
    }
  | { ok: false; problems: TmpGfrProblem[] };

const FIELDS: readonly TmpGfrField[] = ['serumPhosphate', 'urinePhosphate', 'serumCreatinine', 'urineCreatinine'];

/**
 * In mmol/L or µmol/L, to 12 significant figures: far beyond any laboratory's precision, and it
 * removes the conversion noise that would otherwise put 10 mmol/L typed as 30.97 mg/dL just over
 * the limit, or make the same sample pass a check in one unit and fail it in another.
 */
function toCommonUnit(field: TmpGfrField, input: TmpGfrInput): number | null {
  const raw = toCommonUnitRaw(field, input);
  return raw === null ? null : roundSignificant(raw, 12);
}

function toCommonUnitRaw(field: TmpGfrField, input: TmpGfrInput): number | null {
  switch (field) {
    case 'serumPhosphate':
    case 'urinePhosphate': {
      const { value, unit } = input[field];
      return isPhosphateUnit(unit) ? phosphateToMmolL(value, unit) : null;
    }
    case 'serumCreatinine':
    case 'urineCreatinine': {
      const { value, unit } = input[field];
      return isCreatinineUnit(unit) ? creatinineToUmolL(value, unit) : null;
    }
  }
}

function checkField(field: TmpGfrField, input: TmpGfrInput): { problem: TmpGfrProblem } | { value: number } {
  const { value } = input[field];
  // Units arrive from parsed text at run time, whatever the static type says.
  const converted = toCommonUnit(field, input);
  if (converted === null) return { problem: { field, reason: 'unknown-unit' } };
  if (typeof value !== 'number' || !Number.isFinite(value)) return { problem: { field, reason: 'not-a-number' } };
  if (value <= 0) return { problem: { field, reason: 'not-positive' } };
  const { min, max, unit } = PLAUSIBLE[field];
  if (min !== null && converted < min) {
    return { problem: { field, reason: 'implausibly-low', converted, limit: { value: min, unit } } };
  }
  if (converted > max) {
    return { problem: { field, reason: 'implausibly-high', converted, limit: { value: max, unit } } };
  }
  return { value: converted };
}

export function computeTmpGfr(input: TmpGfrInput): TmpGfrResult {
  const problems: TmpGfrProblem[] = [];
  const values: Partial<Record<TmpGfrField, number>> = {};
  // Every input is checked before returning, so one question back can list everything to fix.
  for (const field of FIELDS) {
    const checked = checkField(field, input);
    if ('problem' in checked) problems.push(checked.problem);
    else values[field] = checked.value;
  }
  const { serumPhosphate: sp, urinePhosphate: up, serumCreatinine: scr, urineCreatinine: ucr } = values;
  if (problems.length > 0 || sp === undefined || up === undefined || scr === undefined || ucr === undefined) {
    return { ok: false, problems };
  }
  if (ucr <= scr) problems.push({ field: null, reason: 'urine-creatinine-not-above-serum' });

  // Unit conversions leave noise near 1e-16: rounding to 12 decimals keeps one sample on the same
  // side of TRP = 0.86 whichever units it was typed in (the two formulas differ by 4% there).
  const trp = roundTo(1 - (up * scr) / (sp * ucr), 12);
  if (trp <= 0) problems.push({ field: null, reason: 'trp-not-positive', trp });
  else if (trp > 1) problems.push({ field: null, reason: 'trp-above-one', trp });
  if (problems.length > 0) return { ok: false, problems };

  const branch: TmpGfrBranch = trp <= TRP_LINEAR_LIMIT ? 'linear' : 'nomogram-curve';
  const tmpGfrMmolL = branch === 'linear' ? trp * sp : (sp * 0.3 * trp) / (1 - 0.8 * trp);
  const serumUnit = input.serumPhosphate.unit;
  const inSerumUnit = phosphateFromMmolL(tmpGfrMmolL, serumUnit);
  return {
    ok: true,
    trp,
    trpPercent: trp * 100,
    tmpGfr: { mmolL: tmpGfrMmolL, inSerumUnit: { value: inSerumUnit, unit: serumUnit } },
    branch,
    converted: {
      serumPhosphateMmolL: sp,
      urinePhosphateMmolL: up,
      serumCreatinineUmolL: scr,
      urineCreatinineUmolL: ucr,
    },
    display: {
      trpPercent: roundTo(trp * 100, 1),
      tmpGfrMmolL: roundTo(tmpGfrMmolL, 2),
      tmpGfrInSerumUnit: roundTo(inSerumUnit, 2),
    },
  };
}
