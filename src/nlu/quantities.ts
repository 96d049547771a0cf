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

// Lab labels: an analyte word with a specimen word before or after it ("fosfato sierico",
// "urine creatinine", "P siero", "creat nelle urine"), the compound words (fosfaturia, creatinuria),
// and the usual abbreviations (SP, UP, SCr, UCr, Ps, Pu, Crs, Cru). An analyte with no specimen is
// read as serum, the way "creatinina 70" is always meant.
const PHOS = String.raw`fosfato|fosforo|fosfati|phosphate|phosphates|phosphorus|phos|po4|p`;
const CREA = String.raw`creatinina|creatinine|creat|crea|cr`;
const SERUM = String.raw`sierico|sierica|serico|serica|siero|sangue|plasma|plasmatico|plasmatica|ematico|ematica|serum|blood|s`;
const URINE = String.raw`urinario|urinaria|urinari|urine|urina|urinary|u`;
const IN = String.raw`(?:\s*-?\s*|\s+(?:nel|nelle|nella|nell|in|su)\s+)`;

const LABEL_ALTERNATIVES = [
  String.raw`fosfaturia|fosforemia|fosfatemia|creatininuria|creatinuria|creatininemia`,
  `(?:${PHOS}|${CREA})${IN}(?:${SERUM}|${URINE})`,
  `(?:${SERUM}|${URINE})${IN}(?:${PHOS}|${CREA})`,
  `${PHOS}|${CREA}`,
];

function classify(label: string): { analyte: Analyte; specimen: Specimen | null } | null {
  const words = label.split(/[\s-]+/).filter((w) => !['nel', 'nelle', 'nella', 'nell', 'in', 'su'].includes(w));
  const compact = words.join('');
  if (/^(fosfaturia)$/.test(compact)) return { analyte: 'phosphate', specimen: 'urine' };
  if (/^(fosforemia|fosfatemia)$/.test(compact)) return { analyte: 'phosphate', specimen: 'serum' };
  if (/^(creatininuria|creatinuria)$/.test(compact)) return { analyte: 'creatinine', specimen: 'urine' };
  if (/^creatininemia$/.test(compact)) return { analyte: 'creatinine', specimen: 'serum' };
  let analyte: Analyte | null = null;
  let specimen: Specimen | null = null;
  const whole = (re: string) => new RegExp(`^(?:${re})$`);
  const pieces = words.length > 1 ? words : splitGlued(compact);
  for (const w of pieces) {
    if (analyte === null && whole(PHOS).test(w)) analyte = 'phosphate';
    else if (analyte === null && whole(CREA).test(w)) analyte = 'creatinine';
    else if (whole(SERUM).test(w)) specimen = 'serum';
    else if (whole(URINE).test(w)) specimen = 'urine';
  }
  return analyte ? { analyte, specimen } : null;
}

/** "scr" → ["s", "cr"], "up" → ["u", "p"], "pu" → ["p", "u"]: glued abbreviations. */
function splitGlued(word: string): string[] {
  const m = /^(s|u)(p|po4|cr|crea|creat)$/.exec(word) ?? /^(p|po4|cr|crea|creat)(s|u)$/.exec(word);
  return m ? [m[1]!, m[2]!] : [word];
}

const GLUED = String.raw`(?:s|u)(?:p|po4|cr|crea|creat)|(?:p|po4|cr|crea|creat)(?:s|u)`;
const LAB_UNIT = String.raw`(mmol\s*\/\s*l|mmol|umol\s*\/\s*l|umol|micromol\s*\/\s*l|micromoli\s*\/\s*l|mg\s*\/\s*dl|mg\s*%|mg\/100\s*ml)?`;
const LAB = new RegExp(
  String.raw`(?<![a-z0-9])(${[...LABEL_ALTERNATIVES.slice(0, 3), GLUED, LABEL_ALTERNATIVES[3]!].map((a) => `(?:${a})`).join('|')})(?![a-z])\s*(?:[:=]|di|is|was|of|e|pari\s+a)?\s*${NUMBER}\s*${LAB_UNIT}`,
  'g',
);

export function findLabValues(folded: string): LabMention[] {
  const found: LabMention[] = [];
  for (const m of folded.matchAll(LAB)) {
    const label = m[1]!.replace(/\s+/g, ' ');
    const spec = classify(label);
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
