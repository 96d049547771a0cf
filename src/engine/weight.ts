/**
 * The weight a dose is computed from. A weight outside what a human can weigh is far more likely a
 * typo or a wrong unit (grams typed as kilograms, a dose typed as a weight) than a real patient,
 * so it gets a question back, never a number: asking costs the doctor a few seconds, while
 * computing from a mistyped weight puts a wrong bisphosphonate dose on screen.
 */
import { kgPerWeightUnit, isWeightUnit, roundTo, weightToKg, type WeightUnit } from './units.js';

export type Population = 'adult' | 'paediatric';

/**
 * 0.3 kg: below the smallest surviving preterm neonates (about 0.4 kg at birth), so nothing a
 * patient weighs; 300 g typed as "300" kg is caught by the upper limit instead.
 */
export const MIN_HUMAN_WEIGHT_KG = 0.3;
/** 300 kg: above almost every adult a ward will weigh; beyond it a typo (e.g. "700" for "70.0") is likelier. */
export const MAX_HUMAN_WEIGHT_KG = 300;
/**
 * 150 kg for a child: well above the heaviest adolescents seen in paediatric practice; above it a
 * paediatric question more likely carries a weight in pounds or grams, or an adult's weight.
 */
export const MAX_CHILD_WEIGHT_KG = 150;

export type WeightRefusal =
  | 'not-positive'
  | 'not-a-number'
  | 'below-human-range'
  | 'above-human-range'
  | 'implausible-for-child'
  | 'unknown-unit';

export type WeightConversion = {
  from: { value: number; unit: WeightUnit };
  /** Kilograms per one `unit`, so the answer can show its working (e.g. 40 lb × 0.45359237). */
  factor: number;
};

export type WeightCheck =
  | {
      ok: true;
      /** Full precision: doses are computed from this. */
      kg: number;
      /** Rounded to 2 decimals for display only. */
      kgDisplay: number;
      /** Null when the weight was given in kg. */
      converted: WeightConversion | null;
    }
  | {
      ok: false;
      reason: WeightRefusal;
      /** What the user gave, so the question back can quote it. */
      input: { value: number; unit: WeightUnit };
    };

export function checkWeight(value: number, unit: WeightUnit, population?: Population): WeightCheck {
  const input = { value, unit };
  // Units reach here from parsed text too: a unit we cannot read must not default to kg.
  if (!isWeightUnit(unit)) return { ok: false, reason: 'unknown-unit', input };
  if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, reason: 'not-a-number', input };
  if (value <= 0) return { ok: false, reason: 'not-positive', input };
  const kg = weightToKg(value, unit);
  if (kg < MIN_HUMAN_WEIGHT_KG) return { ok: false, reason: 'below-human-range', input };
  if (kg > MAX_HUMAN_WEIGHT_KG) return { ok: false, reason: 'above-human-range', input };
  if (population === 'paediatric' && kg > MAX_CHILD_WEIGHT_KG) {
    return { ok: false, reason: 'implausible-for-child', input };
  }
  return {
    ok: true,
    kg,
    kgDisplay: roundTo(kg, 2),
    converted: unit === 'kg' ? null : { from: input, factor: kgPerWeightUnit(unit) },
  };
}
