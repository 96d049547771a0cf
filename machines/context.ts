/**
 * What a conversation remembers between turns: enums and ids only. The persisted snapshot is
 * stored for every conversation of every channel and must stay under 2 KB as JSON, so no reply
 * text and no Understanding objects live here; replies are rebuilt from content/ each turn.
 *
 * The zod schemas are the single source of the context's types and are checked when a stored
 * snapshot is restored: a snapshot that no longer fits is dropped rather than trusted.
 */
import { z } from 'zod';

export const YesNoUnknown = z.enum(['yes', 'no', 'unknown']);
export type YesNoUnknown = z.infer<typeof YesNoUnknown>;

/** Findings the multidisciplinary team records during the pathway walkthrough. */
export const PhosphateFinding = z.enum(['high', 'normal', 'unknown']);
export const GeneticFinding = z.enum(['fgf23', 'galnt3', 'klotho', 'samd9', 'negative', 'unknown']);
export type GeneticFinding = z.infer<typeof GeneticFinding>;

export const Findings = z.object({
  phosphate: PhosphateFinding.nullable(),
  ckd: YesNoUnknown.nullable(),
  genetics: GeneticFinding.nullable(),
  masses: YesNoUnknown.nullable(),
});
export type Findings = z.infer<typeof Findings>;
export type FindingKey = keyof Findings;
/** A recorded value (null means "not asked yet", which is never recorded by an event). */
export type FindingValues = { [K in FindingKey]: NonNullable<Findings[K]> };

export const FINDING_KEYS: readonly FindingKey[] = ['phosphate', 'ckd', 'genetics', 'masses'];

/** Where the mass is, as the differential dialogue asks it (a subset of the content's MassLocation). */
export const LocationAnswer = z.enum(['periarticular', 'tendon', 'muscle', 'synovium', 'skin-subcutaneous']);
export type LocationAnswer = z.infer<typeof LocationAnswer>;

/**
 * "Not in a tendon": what the team said the site is not. It excludes only a condition Table I
 * places at that site alone (src/engine/differential.ts).
 */
export const NegatedLocation = z.enum(['not-periarticular', 'not-tendon', 'not-muscle', 'not-synovium', 'not-skin-subcutaneous']);
export type NegatedLocation = z.infer<typeof NegatedLocation>;

export const DiffAnswers = z.object({
  ckd: YesNoUnknown.nullable(),
  connective: YesNoUnknown.nullable(),
  location: z.union([LocationAnswer, NegatedLocation, z.literal('unknown')]).nullable(),
  erosion: YesNoUnknown.nullable(),
  urate: YesNoUnknown.nullable(),
});
export type DiffAnswers = z.infer<typeof DiffAnswers>;
export type DiffQuestion = keyof DiffAnswers;
export type DiffAnswerValues = { [K in DiffQuestion]: NonNullable<DiffAnswers[K]> };

/** Table I's distinguishing questions, in the order the dialogue asks them. */
export const DIFF_QUESTIONS: readonly DiffQuestion[] = ['ckd', 'connective', 'location', 'erosion', 'urate'];

export const Population = z.enum(['adult', 'paediatric']);
export type Population = z.infer<typeof Population>;

export const Weight = z.object({
  value: z.number(),
  unit: z.enum(['kg', 'g', 'lb']),
  /** No unit was typed and kg was assumed: the answer says so. */
  assumedUnit: z.boolean(),
});
export type Weight = z.infer<typeof Weight>;

export const DoseSlots = z.object({
  drug: z.string().max(80).nullable(),
  population: Population.nullable(),
  weight: Weight.nullable(),
});
export type DoseSlots = z.infer<typeof DoseSlots>;

/** One of the four paired fasting values, as typed: the unit is folded text ("mmol/l"), null when none was typed. */
export const LabEntry = z.object({ value: z.number(), unit: z.string().max(16).nullable() });
export type LabEntry = z.infer<typeof LabEntry>;

/** The TmP/GFR calculator's values, gathered over as many messages as the team needs. */
export const TmpValues = z.object({
  serumPhosphate: LabEntry.nullable(),
  urinePhosphate: LabEntry.nullable(),
  serumCreatinine: LabEntry.nullable(),
  urineCreatinine: LabEntry.nullable(),
});
export type TmpValues = z.infer<typeof TmpValues>;
export type TmpField = keyof TmpValues;
export const TMP_FIELDS: readonly TmpField[] = ['serumPhosphate', 'urinePhosphate', 'serumCreatinine', 'urineCreatinine'];

/**
 * What the last reply showed, so that the next message can be read against it: its language
 * (short answers such as "no" or "18 kg" carry none) and its buttons' values (typing "2" or a
 * button's label works like clicking it). The machine never reads or writes this; the turn does.
 */
export const ShownUi = z.object({
  lang: z.enum(['it', 'en']).nullable(),
  actions: z.array(z.string().max(120)).max(8),
});
export type ShownUi = z.infer<typeof ShownUi>;

/**
 * What the last recorded answer replaced, so that "indietro" / "back" right after it undoes it
 * (a misreading seen in the echo is put right at once). Cleared when the team moves on.
 */
export const Undo = z.object({
  findings: Findings.partial(),
  diff: DiffAnswers.partial(),
});
export type Undo = z.infer<typeof Undo>;

export const ConversationContext = z.object({
  findings: Findings,
  undo: Undo.nullable(),
  /** The walkthrough step the team was on (0: the introduction), kept so that it can be resumed. */
  walkStep: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  diff: DiffAnswers,
  dose: DoseSlots,
  tmp: TmpValues,
  /**
   * The dialogue a side question interrupted while it was asking, so that "30 kg" or the missing
   * lab value after the digression completes it instead of starting afresh.
   */
  suspended: z.enum(['dosing', 'tmp']).nullable(),
  ui: ShownUi,
});
export type ConversationContext = z.infer<typeof ConversationContext>;

export const EMPTY_FINDINGS: Findings = { phosphate: null, ckd: null, genetics: null, masses: null };
export const EMPTY_DIFF: DiffAnswers = { ckd: null, connective: null, location: null, erosion: null, urate: null };
export const EMPTY_DOSE: DoseSlots = { drug: null, population: null, weight: null };
export const EMPTY_TMP: TmpValues = { serumPhosphate: null, urinePhosphate: null, serumCreatinine: null, urineCreatinine: null };

export function initialContext(): ConversationContext {
  return {
    findings: { ...EMPTY_FINDINGS },
    undo: null,
    walkStep: 0,
    diff: { ...EMPTY_DIFF },
    dose: { ...EMPTY_DOSE },
    tmp: { ...EMPTY_TMP },
    suspended: null,
    ui: { lang: null, actions: [] },
  };
}
