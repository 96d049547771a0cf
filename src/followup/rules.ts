/**
 * What the PDTA schedules, read from content/ (never written here): the follow-up exams of
 * chapter 6 with their intervals (followup.yaml `everyMonths`), and the rhythm of each therapy
 * from the dose rows of the therapy table (therapies.yaml `everyMonths`: neridronate every
 * 3 months, zoledronate yearly).
 *
 * Specialist visits get no schedule: chapter 6's "Elenco degli specialisti da coinvolgere" gives
 * each visit an indication (a clinical condition such as "Alterazioni motorie"), not an interval,
 * and chapter 4 says outright that "nessun dato supporta un intervallo di monitoraggio
 * appropriato". Inventing one would put a clinical statement in the bot that the PDTA does not make.
 */
import type { Content, Localized, PopulationDose, Source, Therapy } from '../content/schema.js';

export type RuleKind = 'exam' | 'therapy';

/** One thing that falls due again and again: a follow-up exam or a therapy administration. */
export interface ScheduleRule {
  /** The content id: "followup.phosphate-metabolism", "therapy.neridronate". */
  id: string;
  kind: RuleKind;
  everyMonths: number;
  name: Localized;
  /** The interval as the PDTA writes it ("ogni 6 mesi", "100 mg/3 mesi per via e.v."). */
  intervalText: Localized;
  source: Source;
}

/** A therapy as the registry sees it: its rule, or why there is none. */
export type TherapyRhythm =
  | { kind: 'rhythm'; rule: ScheduleRule }
  | { kind: 'none'; therapy: Therapy; reason: Localized };

export interface ScheduleRules {
  exams: ScheduleRule[];
  /** The therapies the PDTA gives an interval for, in content order (the enrolment forms' choices). */
  therapyRules: ScheduleRule[];
  therapy(id: string): TherapyRhythm | undefined;
  /** Every rule by id, exams and therapies with a rhythm. */
  rule(id: string): ScheduleRule | undefined;
  /** Finds a therapy by id, name or synonym as a coordinator types it ("neridronato", "Aclasta"). */
  findTherapy(text: string): Therapy | undefined;
  contentVersion: string;
}

export const SPECIALIST_VISITS_NOTE: Localized = {
  it: 'Le visite specialistiche (cap. 6) non hanno promemoria: il PDTA indica per ciascuna un motivo clinico, non un intervallo.',
  en: 'Specialist visits (ch. 6) get no reminders: the PDTA gives each an indication, not an interval.',
};

function doseMonths(dose: PopulationDose): number | null {
  switch (dose.kind) {
    case 'fixed':
    case 'population-unstated':
      return dose.dose.everyMonths;
    case 'per-kg':
      return dose.rule.everyMonths;
    case 'not-recommended':
    case 'no-dose':
      return null;
    default: {
      const never: never = dose;
      return never;
    }
  }
}

/** A therapy name reduced to the key the lookup is indexed by (accents, case and spacing do not count). */
function therapyNameKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

function therapyRhythm(therapy: Therapy): TherapyRhythm {
  const adult = doseMonths(therapy.adult);
  const paediatric = doseMonths(therapy.paediatric);
  const months = [adult, paediatric].filter((m): m is number => m !== null);
  if (months.length === 0) {
    return {
      kind: 'none',
      therapy,
      reason: {
        it: `il PDTA non indica ogni quanto somministrare ${therapy.name.it}: nessun promemoria per la terapia`,
        en: `the PDTA gives no interval for ${therapy.name.en}: no therapy reminders`,
      },
    };
  }
  // Rows that disagree would need the patient's population, which the registry does not hold:
  // rather than pick one, no reminder (no therapy in today's content is in this case).
  if (new Set(months).size > 1 || !months.every((m) => Number.isInteger(m))) {
    return {
      kind: 'none',
      therapy,
      reason: {
        it: `il PDTA indica intervalli diversi per adulti e bambini per ${therapy.name.it}: nessun promemoria per la terapia`,
        en: `the PDTA gives different intervals for adults and children for ${therapy.name.en}: no therapy reminders`,
      },
    };
  }
  const text = therapy.adult.kind === 'fixed' || therapy.adult.kind === 'population-unstated' ? therapy.adult.text : therapy.paediatric.text;
  return {
    kind: 'rhythm',
    rule: {
      id: therapy.id,
      kind: 'therapy',
      everyMonths: months[0]!,
      name: therapy.name,
      intervalText: text,
      source: therapy.source,
    },
  };
}

export function scheduleRules(content: Content): ScheduleRules {
  const exams: ScheduleRule[] = content.followup.map((f) => ({
    id: f.id,
    kind: 'exam',
    everyMonths: f.everyMonths,
    name: f.name,
    intervalText: f.intervalText,
    source: f.source,
  }));
  const therapies = new Map<string, TherapyRhythm>(content.therapies.map((t) => [t.id, therapyRhythm(t)]));
  const byName = new Map<string, Therapy>();
  for (const t of content.therapies) {
    for (const name of [t.id, t.id.replace(/^therapy\./, ''), t.name.it, t.name.en, ...t.synonyms]) {
      const key = therapyNameKey(name);
      // First writer wins: a synonym shared by two rows (none today) must not silently switch drug.
      if (!byName.has(key)) byName.set(key, t);
    }
  }
  const rules = new Map<string, ScheduleRule>(exams.map((r) => [r.id, r]));
  for (const rhythm of therapies.values()) if (rhythm.kind === 'rhythm') rules.set(rhythm.rule.id, rhythm.rule);
  return {
    exams,
    therapyRules: [...therapies.values()].flatMap((r) => (r.kind === 'rhythm' ? [r.rule] : [])),
    therapy: (id) => therapies.get(id),
    rule: (id) => rules.get(id),
    findTherapy: (text) => byName.get(therapyNameKey(text)),
    contentVersion: content.meta.contentVersion,
  };
}
