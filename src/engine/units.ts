/**
 * Units a clinician types at night: phosphate, creatinine and body weight. Conversions are
 * exact to the factors below; the normaliser recognises only spellings we are sure of, because a
 * unit guessed wrong turns a right number into a wrong dose (the answer then asks back instead).
 */

export type PhosphateUnit = 'mmol/L' | 'mg/dL';
export type CreatinineUnit = 'µmol/L' | 'mmol/L' | 'mg/dL';
export type WeightUnit = 'kg' | 'g' | 'lb';
/** Every canonical unit; 'mmol/L' and 'mg/dL' serve both phosphate and creatinine. */
export type CanonicalUnit = PhosphateUnit | CreatinineUnit | WeightUnit;

export const PHOSPHATE_UNITS: readonly PhosphateUnit[] = ['mmol/L', 'mg/dL'];
export const CREATININE_UNITS: readonly CreatinineUnit[] = ['µmol/L', 'mmol/L', 'mg/dL'];
export const WEIGHT_UNITS: readonly WeightUnit[] = ['kg', 'g', 'lb'];

/**
 * Phosphate is reported as elemental phosphorus (molar mass 30.97 g/mol):
 * 1 mmol/L = 30.97 mg/L = 3.097 mg/dL.
 */
export const PHOSPHATE_MG_DL_PER_MMOL_L = 3.097;
/** Creatinine molar mass 113.12 g/mol: 1 mg/dL = 10 mg/L / 113.12 g/mol = 88.4 µmol/L (88.42 by convention). */
export const CREATININE_UMOL_L_PER_MG_DL = 88.42;
/** The international avoirdupois pound, exact by definition (1959). */
export const KG_PER_LB = 0.45359237;

export function isPhosphateUnit(unit: unknown): unit is PhosphateUnit {
  return typeof unit === 'string' && (PHOSPHATE_UNITS as readonly string[]).includes(unit);
}

export function isCreatinineUnit(unit: unknown): unit is CreatinineUnit {
  return typeof unit === 'string' && (CREATININE_UNITS as readonly string[]).includes(unit);
}

export function isWeightUnit(unit: unknown): unit is WeightUnit {
  return typeof unit === 'string' && (WEIGHT_UNITS as readonly string[]).includes(unit);
}

export function phosphateToMmolL(value: number, unit: PhosphateUnit): number {
  switch (unit) {
    case 'mmol/L':
      return value;
    case 'mg/dL':
      return value / PHOSPHATE_MG_DL_PER_MMOL_L;
  }
}

export function phosphateFromMmolL(mmolL: number, unit: PhosphateUnit): number {
  switch (unit) {
    case 'mmol/L':
      return mmolL;
    case 'mg/dL':
      return mmolL * PHOSPHATE_MG_DL_PER_MMOL_L;
  }
}

export function convertPhosphate(value: number, from: PhosphateUnit, to: PhosphateUnit): number {
  return from === to ? value : phosphateFromMmolL(phosphateToMmolL(value, from), to);
}

export function creatinineToUmolL(value: number, unit: CreatinineUnit): number {
  switch (unit) {
    case 'µmol/L':
      return value;
    case 'mmol/L':
      return value * 1000;
    case 'mg/dL':
      return value * CREATININE_UMOL_L_PER_MG_DL;
  }
}

export function creatinineFromUmolL(umolL: number, unit: CreatinineUnit): number {
  switch (unit) {
    case 'µmol/L':
      return umolL;
    case 'mmol/L':
      return umolL / 1000;
    case 'mg/dL':
      return umolL / CREATININE_UMOL_L_PER_MG_DL;
  }
}

export function convertCreatinine(value: number, from: CreatinineUnit, to: CreatinineUnit): number {
  return from === to ? value : creatinineFromUmolL(creatinineToUmolL(value, from), to);
}

/** How many kilograms one unit is: reported with a converted weight so the answer can show its working. */
export function kgPerWeightUnit(unit: WeightUnit): number {
  switch (unit) {
    case 'kg':
      return 1;
    case 'g':
      return 0.001;
    case 'lb':
      return KG_PER_LB;
  }
}

export function weightToKg(value: number, unit: WeightUnit): number {
  switch (unit) {
    case 'kg':
      return value;
    case 'g':
      // Division, not × 0.001: 300 g must be exactly 0.3 kg, the lower limit, not 0.30000000000000004.
      return value / 1000;
    case 'lb':
      return value * KG_PER_LB;
  }
}

/**
 * Spellings seen in Italian and English clinical notes, after folding case, spaces, a trailing dot
 * and both "mu" characters (micro sign U+00B5 and Greek mu U+03BC) to "u". Bare "mg" and "mcg"
 * are left out on purpose: "mg" may mean mg/dL or a dose, and a guess there is a wrong value.
 */
const SPELLINGS: ReadonlyMap<string, CanonicalUnit> = new Map<string, CanonicalUnit>([
  ...pairs('mmol/L', ['mmol/l', 'mmol', 'mmoli/l', 'mmol/litro', 'millimol/l', 'millimoli/l']),
  ...pairs('mg/dL', ['mg/dl', 'mg%', 'mg/100ml', 'mg/decilitro']),
  ...pairs('µmol/L', ['umol/l', 'umol', 'umoli/l', 'umol/litro', 'micromol/l', 'micromoli/l', 'micromol', 'micromoli']),
  ...pairs('kg', ['kg', 'kgs', 'kilo', 'kili', 'chilo', 'chili', 'chilogrammo', 'chilogrammi', 'kilogrammo', 'kilogrammi', 'kilogram', 'kilograms', 'kilogramme', 'kilogrammes']),
  ...pairs('g', ['g', 'gr', 'grs', 'grammo', 'grammi', 'gram', 'grams', 'gramme', 'grammes']),
  ...pairs('lb', ['lb', 'lbs', 'libbra', 'libbre', 'pound', 'pounds']),
]);

function pairs(unit: CanonicalUnit, spellings: string[]): [string, CanonicalUnit][] {
  return spellings.map((spelling) => [spelling, unit]);
}

/** A unit as typed, reduced to the key SPELLINGS is indexed by (case, spaces, µ and a trailing dot do not count). */
function unitSpelling(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[\u00b5\u03bc]/g, 'u')
    .replace(/\s+/g, '')
    .replace(/\.$/, '');
}

/** The canonical unit for what a user typed, or null when we cannot read it without guessing. */
export function normaliseUnit(text: string): CanonicalUnit | null {
  // "mM"/"uM" are molar concentrations, but lower-case "mm" is millimetres: only the molar case is read.
  const trimmed = text.trim();
  if (trimmed === 'mM') return 'mmol/L';
  if (trimmed === 'µM' || trimmed === 'μM' || trimmed === 'uM') return 'µmol/L';
  return SPELLINGS.get(unitSpelling(text)) ?? null;
}

/** A phosphate unit, or null (µmol/L is not a phosphate unit any laboratory here reports). */
export function normalisePhosphateUnit(text: string): PhosphateUnit | null {
  const unit = normaliseUnit(text);
  return isPhosphateUnit(unit) ? unit : null;
}

export function normaliseCreatinineUnit(text: string): CreatinineUnit | null {
  const unit = normaliseUnit(text);
  return isCreatinineUnit(unit) ? unit : null;
}

export function normaliseWeightUnit(text: string): WeightUnit | null {
  const unit = normaliseUnit(text);
  return isWeightUnit(unit) ? unit : null;
}

/**
 * Rounds to `decimals` places (negative: to tens, hundreds…), half up on the decimal value a
 * person would write, not on its binary approximation: 0.975 shows as 0.98 (toFixed gives 0.97,
 * because 0.975 is stored as 0.97499999…). Noise from
 * unit conversions (beyond 12 significant figures, far below any laboratory's precision) is
 * dropped first, so a value shows the same whichever unit it was typed in.
 */
export function roundTo(value: number, decimals: number): number {
  if (!Number.isFinite(value)) return value;
  const clean = Number(value.toPrecision(12));
  const text = String(clean);
  // Exponent notation (below 1e-6 or from 1e21) cannot take the shift below; no clinical value
  // lives there, and toFixed (which accepts 0 to 100 places only) is exact enough.
  if (text.includes('e')) return Number(clean.toFixed(Math.min(100, Math.max(0, decimals))));
  const shifted = Math.round(Number(`${text}e${decimals}`));
  return Number(`${shifted}e${-decimals}`);
}

/** Rounds to `digits` significant figures, half up, in the same way as `roundTo`. */
export function roundSignificant(value: number, digits: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const magnitude = Math.floor(Math.log10(Math.abs(Number(value.toPrecision(12)))));
  return roundTo(value, digits - 1 - magnitude);
}
