/**
 * Numbers with units in a message: body weight, age, and the lab values of the phosphate work-up.
 * Works on folded text (see normalize.ts). Reading a number is not accepting it: plausibility is
 * judged by the calculators, which ask back rather than compute on a doubtful value.
 */
export type WeightUnitTyped = 'kg' | 'g' | 'lb';

export interface WeightMention {
  value: number;
  unit: WeightUnitTyped;
  /** True when no unit was typed ("peso 18") and kg was assumed: the reply says so. */
  assumedUnit: boolean;
  text: string;
}

export interface AgeMention {
  years: number;
  text: string;
}

export type Analyte = 'phosphate' | 'creatinine';
export type Specimen = 'serum' | 'urine';

export interface LabMention {
  analyte: Analyte;
  specimen: Specimen;
  /** Whether the specimen was typed or inferred (an unqualified "creatinina" is serum). */
  specimenTyped: boolean;
  value: number;
  /** The unit as typed (folded), or null when none was typed. */
  unit: string | null;
  text: string;
}

const NUMBER = String.raw`(-?\s?\d+(?:[.,]\d+)?)`;

export function parseNumber(text: string): number {
  return Number(text.replace(/\s/g, '').replace(',', '.'));
}

const WEIGHT_UNITS: Record<string, WeightUnitTyped> = {
  kg: 'kg', kgs: 'kg', kilo: 'kg', kili: 'kg', chili: 'kg', chilo: 'kg', chilogrammi: 'kg', kilogrammi: 'kg', kilograms: 'kg', kilos: 'kg',
  g: 'g', gr: 'g', grammi: 'g', grams: 'g', gram: 'g',
  lb: 'lb', lbs: 'lb', libbre: 'lb', libbra: 'lb', pounds: 'lb', pound: 'lb',
};

const WEIGHT_WITH_UNIT = new RegExp(
  String.raw`(?<![\w.,/])${NUMBER}\s*(kgs?|kilos?|kili|chil[io]|chilogrammi|kilogrammi|kilograms|grammi|grams?|gr|g|lbs?|libbr[ea]|pounds?)(?![a-z/])`,
  'g',
);
const WEIGHT_BY_WORD = new RegExp(
  String.raw`\b(?:peso|pesa|pesante|weight|weighs|weighing|wt)\b\s*(?:di|of|is|e|:|=)?\s*${NUMBER}(?!\s*(?:[.,]\d|\d|kg|g\b|lb|mg|anni|mesi|years|months))`,
  'g',
);

export function findWeights(folded: string): WeightMention[] {
  const found: WeightMention[] = [];
  for (const m of folded.matchAll(WEIGHT_WITH_UNIT)) {
    found.push({ value: parseNumber(m[1]!), unit: WEIGHT_UNITS[m[2]!] ?? 'kg', assumedUnit: false, text: m[0].trim() });
  }
  if (found.length === 0) {
    for (const m of folded.matchAll(WEIGHT_BY_WORD)) {
      found.push({ value: parseNumber(m[1]!), unit: 'kg', assumedUnit: true, text: m[0].trim() });
    }
  }
  return found;
}

const AGE = new RegExp(
  String.raw`(?<![\w.,])${NUMBER}\s*-?\s*(anni|anno|aa|years?|yrs?|yo|y|year-old|years-old|mesi|mese|months?|month-old|settimane|weeks?|giorni|days?)\b`,
  'g',
);

export function findAges(folded: string): AgeMention[] {
  const found: AgeMention[] = [];
  for (const m of folded.matchAll(AGE)) {
    const n = parseNumber(m[1]!);
    const unit = m[2]!;
    const years = /^(mes|month)/.test(unit) ? n / 12 : /^(settiman|week)/.test(unit) ? n / 52 : /^(giorn|day)/.test(unit) ? n / 365 : n;
    found.push({ years, text: m[0].trim() });
  }
  return found;
}

// Lab labels: each alternative names the analyte and, where it does, the specimen.
const LAB_LABELS: Array<{ re: string; analyte: Analyte; specimen: Specimen | null }> = [
  { re: String.raw`fosfaturia|fosfato\s+urinario|fosforo\s+urinario|fosfati\s+urinari|p\s+urinario|urine\s+phosphate|urinary\s+phosphate|urine\s+phosphorus|urine\s+p|urinary\s+p|phosphate\s+urine|u-?p|p-?u|u-?po4|p\s*urine`, analyte: 'phosphate', specimen: 'urine' },
  { re: String.raw`fosforemia|fosfatemia|fosfato\s+sierico|fosforo\s+sierico|fosfato\s+serico|fosforo\s+serico|fosfato\s+plasmatico|fosforo\s+plasmatico|p\s+sierico|serum\s+phosphate|serum\s+phosphorus|plasma\s+phosphate|serum\s+p|phosphate\s+serum|s-?p|p-?s|s-?po4|p\s*serum`, analyte: 'phosphate', specimen: 'serum' },
  { re: String.raw`fosfato|fosforo|fosfati|phosphate|phosphorus|po4|p`, analyte: 'phosphate', specimen: null },
  { re: String.raw`creatininuria|creatinuria|creatinina\s+urinaria|creat\s+urinaria|urine\s+creatinine|urinary\s+creatinine|creatinine\s+urine|u-?cr(?:ea)?t?|cr-?u|crea?t?\s*urine`, analyte: 'creatinine', specimen: 'urine' },
  { re: String.raw`creatininemia|creatinina\s+sierica|creatinina\s+serica|creatinina\s+plasmatica|creat\s+sierica|serum\s+creatinine|plasma\s+creatinine|creatinine\s+serum|s-?cr(?:ea)?t?|cr-?s|crea?t?\s*serum`, analyte: 'creatinine', specimen: 'serum' },
  { re: String.raw`creatinina|creatinine|creat|crea|cr`, analyte: 'creatinine', specimen: null },
];

const LAB_UNIT = String.raw`(mmol\s*\/\s*l|mmol|umol\s*\/\s*l|umol|micromol\s*\/\s*l|micromoli\s*\/\s*l|mg\s*\/\s*dl|mg\s*%|mg\/100\s*ml)?`;
const LAB = new RegExp(
  String.raw`(?<![a-z])(${LAB_LABELS.map((l) => `(?:${l.re})`).join('|')})(?![a-z])\s*(?:[:=]|di|is|was|of|e|pari\s+a)?\s*${NUMBER}\s*${LAB_UNIT}`,
  'g',
);

export function findLabValues(folded: string): LabMention[] {
  const found: LabMention[] = [];
  for (const m of folded.matchAll(LAB)) {
    const label = m[1]!.replace(/\s+/g, ' ');
    const spec = LAB_LABELS.find((l) => new RegExp(`^(?:${l.re})$`).test(label));
    if (!spec) continue;
    found.push({
      analyte: spec.analyte,
      specimen: spec.specimen ?? 'serum',
      specimenTyped: spec.specimen !== null,
      value: parseNumber(m[2]!),
      unit: m[3] ? m[3].replace(/\s+/g, '') : null,
      text: m[0].trim(),
    });
  }
  return found;
}
