/**
 * The dose for one therapy and one population, exactly as the PDTA's therapy table gives it.
 * Only a per-kg rule is ever computed; every other row is handed back as the PDTA writes it, and
 * a dose the PDTA gives without a population is never turned into a paediatric dose.
 */
import type { FixedDose, Localized, PerKgRule, Route, Therapy } from '../content/schema.js';
import { roundSignificant, roundTo, type WeightUnit } from './units.js';
import { checkWeight, type Population, type WeightConversion, type WeightRefusal } from './weight.js';

export type { Population } from './weight.js';

/** A weight as a number (kilograms) or with the unit the user typed. */
export type WeightInput = number | { value: number; unit: WeightUnit };

/** Why a computed dose cannot be set against the adult dose. */
export type AdultNotComparableReason =
  /** The question was about adults: there is no adult dose to compare an adult dose with. */
  | 'asked-for-adult'
  /** The adult row is not a fixed dose (e.g. not recommended, or itself per kg). */
  | 'adult-dose-not-fixed'
  /** The adult dose is not in mg (acetazolamide: "1-1/2 cp al die"). */
  | 'adult-dose-not-in-mg'
  /** Adult and paediatric doses are given at different intervals: a dose is not a dose per time. */
  | 'different-frequency';

export type DoseResult =
  | {
      kind: 'computed';
      population: Population;
      /** The PDTA's wording for this population, to show next to the number. */
      text: Localized;
      rule: PerKgRule;
      /** Full precision, in kg, as the dose was computed from it. */
      weightKg: number;
      /** The weight rounded to 2 decimals for display. */
      weightKgDisplay: number;
      /** How a weight in g or lb was turned into kg; null when it was given in kg. */
      weightConverted: WeightConversion | null;
      /** mgPerKg × weightKg, unrounded. */
      doseMg: number;
      /** doseMg rounded for display (see `roundDoseForDisplay`). */
      doseMgDisplay: number;
      everyMonths: number | null;
      /** False where the PDTA states no interval: the answer must say so, not supply one. */
      frequencyStated: boolean;
      route: Route;
      adultComparable: boolean;
      /** Why not, when `adultComparable` is false. */
      adultNotComparableReason: AdultNotComparableReason | null;
      /** Set when the computed dose is above the adult fixed dose given at the same interval. */
      exceedsAdult: null | { adultMaxMg: number };
    }
  | { kind: 'needs-weight'; population: Population; text: Localized; rule: PerKgRule }
  | {
      kind: 'invalid-weight';
      population: Population;
      text: Localized;
      rule: PerKgRule;
      reason: WeightRefusal;
      /** What the user gave, so the question back can quote it. */
      input: { value: number; unit: WeightUnit };
    }
  | { kind: 'fixed'; population: Population; text: Localized; dose: FixedDose }
  | { kind: 'not-recommended'; population: Population; text: Localized }
  | { kind: 'population-unstated'; text: Localized; dose: FixedDose; askedFor: Population }
  | { kind: 'no-dose'; population: Population; text: Localized };

/**
 * Two decimals, or three significant figures where that is finer (below 1 mg), so the rounding
 * never moves a dose by more than 0.5%: 36 mg, 36.74 mg, 0.45 mg, 0.0825 mg (not 0.08, which is
 * 3% off and would be 33% off for 0.0075 mg). Trailing zeros are not kept: 36.00 shows as 36.
 */
export function roundDoseForDisplay(mg: number): number {
  return Math.abs(mg) >= 1 ? roundTo(mg, 2) : roundSignificant(mg, 3);
}

function adultComparison(
  therapy: Therapy,
  population: Population,
  rule: PerKgRule,
): { comparable: true; adultMaxMg: number } | { comparable: false; reason: AdultNotComparableReason } {
  if (population === 'adult') return { comparable: false, reason: 'asked-for-adult' };
  const adult = therapy.adult;
  if (adult.kind !== 'fixed') return { comparable: false, reason: 'adult-dose-not-fixed' };
  if (adult.dose.maxMg === null) return { comparable: false, reason: 'adult-dose-not-in-mg' };
  if (adult.dose.everyMonths !== rule.everyMonths) return { comparable: false, reason: 'different-frequency' };
  return { comparable: true, adultMaxMg: adult.dose.maxMg };
}

export function computeDose(therapy: Therapy, population: Population, weight?: WeightInput): DoseResult {
  const row = population === 'adult' ? therapy.adult : therapy.paediatric;
  switch (row.kind) {
    case 'fixed':
      return { kind: 'fixed', population, text: row.text, dose: row.dose };
    case 'not-recommended':
      return { kind: 'not-recommended', population, text: row.text };
    case 'population-unstated':
      // The PDTA does not say this dose is for this population: hand it back uncomputed, labelled.
      return { kind: 'population-unstated', text: row.text, dose: row.dose, askedFor: population };
    case 'no-dose':
      return { kind: 'no-dose', population, text: row.text };
    case 'per-kg': {
      const { rule, text } = row;
      if (weight === undefined) return { kind: 'needs-weight', population, text, rule };
      const given = typeof weight === 'number' ? { value: weight, unit: 'kg' as const } : weight;
      const checked = checkWeight(given.value, given.unit, population);
      if (!checked.ok) {
        return { kind: 'invalid-weight', population, text, rule, reason: checked.reason, input: checked.input };
      }
      const doseMg = rule.mgPerKg * checked.kg;
      const comparison = adultComparison(therapy, population, rule);
      return {
        kind: 'computed',
        population,
        text,
        rule,
        weightKg: checked.kg,
        weightKgDisplay: checked.kgDisplay,
        weightConverted: checked.converted,
        doseMg,
        doseMgDisplay: roundDoseForDisplay(doseMg),
        everyMonths: rule.everyMonths,
        frequencyStated: rule.everyMonths !== null,
        route: rule.route,
        adultComparable: comparison.comparable,
        adultNotComparableReason: comparison.comparable ? null : comparison.reason,
        // Compared on the exact dose: 50 kg × 2 mg/kg = 100 mg equals the adult dose and is not flagged.
        exceedsAdult: comparison.comparable && doseMg > comparison.adultMaxMg ? { adultMaxMg: comparison.adultMaxMg } : null,
      };
    }
  }
}
