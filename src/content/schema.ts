/**
 * The PDTA as data. These zod schemas are the single source of truth for the content's types
 * (`z.infer`) and for the JSON Schema that editors use (`npm run content:schema`).
 *
 * Every clinical item carries `source` (where in the PDTA it is transcribed from) so that every
 * answer can cite it, and may carry `cautions` (ids into cautions.yaml) where the PDTA is
 * ambiguous or contradicts itself: answers show those cautions, they never pick a reading.
 */
import { z } from 'zod';

const id = z
  .string()
  .regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, 'ids are lower-case kebab-case, optionally dotted (e.g. "therapy.neridronate")');

/** Italian is the PDTA's language; English is our translation of it. Both are required. */
export const Localized = z.object({
  it: z.string().min(1, 'Italian text is required'),
  en: z.string().min(1, 'English translation is required'),
});
export type Localized = z.infer<typeof Localized>;

/** Extra words a clinician may type for an item: synonyms, abbreviations, brand names. Not shown. */
export const Keywords = z.object({
  it: z.array(z.string().min(1)).default([]),
  en: z.array(z.string().min(1)).default([]),
});
export type Keywords = z.infer<typeof Keywords>;

export const SectionNumber = z.enum(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);

/** Where an item is transcribed from: PDTA chapter number and title, and the heading within it. */
export const Source = z.object({
  section: SectionNumber,
  chapter: Localized,
  heading: Localized,
});
export type Source = z.infer<typeof Source>;

const common = {
  id,
  source: Source,
  keywords: Keywords.default({ it: [], en: [] }),
  /**
   * Questions this item answers, as clinicians type them, written from the PDTA (not shown). Matching
   * reads them beside the item's words, so that a question is answered by the page it is about.
   */
  questions: Keywords.default({ it: [], en: [] }),
  cautions: z.array(id).default([]),
};

/** A passage of the PDTA: definition, criteria, organisation, rehabilitation, and so on. */
export const Topic = z.object({
  ...common,
  title: Localized,
  body: Localized,
  /** Bullet items in the PDTA's order (e.g. the causes of high phosphate to exclude). */
  items: z.array(Localized).default([]),
  /** Ids of other items worth offering as next steps. */
  related: z.array(id).default([]),
  /** The answer in one line, in the PDTA's words, shown first (the passage follows). */
  lead: Localized.optional(),
});
export type Topic = z.infer<typeof Topic>;

export const ExamGroup = z.enum([
  'panel-a', // DATI LABORATORISTICI, A: standard and specific biochemistry
  'panel-b', // DATI LABORATORISTICI, B: only on clinical suspicion
  'phosphate-workup', // paired fasting phosphate and creatinine, TmP/GFR
  'imaging', // ELEMENTI STRUMENTALI
  'genetics', // ELEMENTI GENETICI/BIOLOGIA MOLECOLARE
  'histopathology', // ELEMENTI ISTOPATOLOGICI
  'non-essential', // ULTERIORI ELEMENTI (NON ESSENZIALI PER LA DIAGNOSI)
]);
export type ExamGroup = z.infer<typeof ExamGroup>;

/** One test or exam, by the name the PDTA gives it. */
export const Exam = z.object({
  ...common,
  name: Localized,
  group: ExamGroup,
  /** What the PDTA says about this exam specifically, when it says anything. */
  note: Localized.optional(),
  /** Steps of the algorithm (10. Algoritmo) that list this exam. */
  steps: z.array(z.union([z.literal(1), z.literal(2), z.literal(3)])).default([]),
});
export type Exam = z.infer<typeof Exam>;

export const Route = z.enum(['iv', 'oral', 'unspecified']);
export type Route = z.infer<typeof Route>;

/**
 * A weight-based rule as the PDTA writes it, e.g. "2 mg/kg di peso ogni 3 mesi per via e.v.".
 * `everyMonths` is null where the PDTA states no frequency: the answer must say so, not guess.
 */
export const PerKgRule = z.object({
  mgPerKg: z.number().positive(),
  everyMonths: z.number().positive().nullable(),
  route: Route,
});
export type PerKgRule = z.infer<typeof PerKgRule>;

/** A fixed dose: the PDTA's text, plus the maximum in mg where it can be read without doubt. */
export const FixedDose = z.object({
  text: Localized,
  maxMg: z.number().positive().nullable().default(null),
  everyMonths: z.number().positive().nullable().default(null),
  route: Route.default('unspecified'),
});
export type FixedDose = z.infer<typeof FixedDose>;

export const PopulationDose = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), text: Localized, dose: FixedDose }),
  z.object({ kind: z.literal('per-kg'), text: Localized, rule: PerKgRule }),
  z.object({ kind: z.literal('not-recommended'), text: Localized }),
  /** The PDTA gives a dose without saying for which population. */
  z.object({ kind: z.literal('population-unstated'), text: Localized, dose: FixedDose }),
  /** The PDTA names the therapy but gives no dose at all. */
  z.object({ kind: z.literal('no-dose'), text: Localized }),
]);
export type PopulationDose = z.infer<typeof PopulationDose>;

/** A therapy: a row of the therapy table, or a therapy the text names without a table row. */
export const Therapy = z.object({
  ...common,
  name: Localized,
  /** Other names: active ingredient variants, abbreviations, Italian brand names (recognition only). */
  synonyms: z.array(z.string().min(1)).default([]),
  inTable: z.boolean(),
  /** The table's cell exactly as written, for display under "PDTA wording". */
  sourceWording: z.string().min(1),
  adult: PopulationDose,
  paediatric: PopulationDose,
  startCriteria: z.array(Localized).default([]),
  stopCriteria: z.array(Localized).default([]),
  /** What the PDTA's text says about this therapy outside the table. */
  note: Localized.optional(),
  /** Therapy class in the PDTA's words, e.g. "phosphate binder", "bisphosphonate". */
  class: Localized.optional(),
  /**
   * The class entry this row belongs to (e.g. "therapy.bisphosphonates"): a question naming the class
   * is answered with each of its rows, and the class itself is never dosed.
   */
  memberOf: id.optional(),
  /**
   * First lines for particular questions: when the message names one of `when`'s words, `text` (the
   * PDTA's own answer, e.g. "avoid calcium salts as binders") comes before the dose.
   */
  answers: z.array(z.object({ when: Keywords, text: Localized })).default([]),
});
export type Therapy = z.infer<typeof Therapy>;

/** Table I and the related conditions: what the PDTA says distinguishes each from tumoral calcinosis. */
export const Tri = z.enum(['yes', 'no', 'variable', 'unstated']);
export type Tri = z.infer<typeof Tri>;
export const MassLocation = z.enum([
  'periarticular',
  'tendon',
  'muscle',
  'synovium',
  'muscle-fascia-subcutaneous',
  'skin-subcutaneous',
  'soft-tissue',
  'unstated',
]);
export type MassLocation = z.infer<typeof MassLocation>;

export const Condition = z.object({
  ...common,
  name: Localized,
  synonyms: z.array(z.string().min(1)).default([]),
  /** The row of Table I (left column), e.g. "Malattie del Connettivo". */
  group: Localized,
  /** The PDTA's description, transcribed. */
  description: Localized,
  /** The PDTA's own sentence on what distinguishes it from CT, when there is one. */
  distinguishing: Localized.optional(),
  /**
   * Features for the differential dialogue, each read off the table's text; 'unstated' where the
   * table says nothing, so that an answer never excludes a condition on a feature the PDTA does not give.
   */
  features: z.object({
    chronicKidneyDisease: Tri,
    connectiveTissueDisease: Tri,
    location: z.array(MassLocation).min(1),
    boneErosion: Tri,
    urate: Tri,
  }),
});
export type Condition = z.infer<typeof Condition>;

export const FollowUpExam = z.object({
  ...common,
  name: Localized,
  /** Interval in months, as the follow-up table gives it (machine-readable for reminders). */
  everyMonths: z.number().int().positive(),
  intervalText: Localized,
});
export type FollowUpExam = z.infer<typeof FollowUpExam>;

export const Specialist = z.object({
  ...common,
  visit: Localized,
  indication: Localized,
  /**
   * Words a message uses to name this row's indication ("occhi", "eye changes", "dolore"), not the
   * visit: "which specialist for X?" is answered with every row whose indication X names. Rows
   * sharing an indication list the same words (motor impairments: orthopaedic and physiatry visits).
   */
  indicationTerms: Keywords.default({ it: [], en: [] }),
});
export type Specialist = z.infer<typeof Specialist>;

export const AlgorithmStep = z.object({
  ...common,
  number: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  title: Localized,
  /** What the step is for, in a sentence, from the diagram and chapter 5. */
  summary: Localized,
  /** Visits (who does it) in the diagram's boxes. */
  who: z.array(Localized).min(1),
  /** Exams and activities in the diagram's boxes, as written. */
  what: z.array(Localized).min(1),
  /** Ids of Exam items listed in this step. */
  exams: z.array(id).default([]),
  /** Footnotes of the diagram that apply to the step. */
  notes: z.array(Localized).default([]),
});
export type AlgorithmStep = z.infer<typeof AlgorithmStep>;

/** A place where the PDTA is ambiguous or contradicts itself; listed in REVIEW.md for its owner. */
export const Caution = z.object({
  id,
  /** What the answer shows. */
  text: Localized,
  /** The PDTA's words at each place involved, verbatim. */
  sourceWording: z.array(z.string().min(1)).min(1),
  places: z.array(Source).min(1),
  /** What the assistant does meanwhile (always the safer behaviour). */
  handling: Localized,
  /** Shown on a dose answer only for this population (the per-kg caution is not about adults). */
  population: z.enum(['adult', 'paediatric']).optional(),
});
export type Caution = z.infer<typeof Caution>;

/**
 * A patient condition the PDTA does not address (kidney function, pregnancy, a low calcium value,
 * an adverse event, another drug). A dose question naming one is answered with a critical warning
 * first: the PDTA's dose is its general dose, not adjusted for the condition.
 */
export const Unaddressed = z.object({
  id,
  /** The condition as the warning names it ("la funzione renale"). */
  name: Localized,
  /** Words and abbreviations that name it, both languages. */
  terms: Keywords,
  /** Names of lab values: one followed by a number names the condition ("eGFR 20", "K 2,9"). */
  values: z.array(z.string().min(1)).default([]),
  /** Also named by a drug outside the PDTA typed beside a PDTA therapy (taken together). */
  otherDrug: z.boolean().default(false),
});
export type Unaddressed = z.infer<typeof Unaddressed>;

/** The findings the pathway walkthrough records (machines/context.ts `Findings`). */
export const FindingName = z.enum(['phosphate', 'ckd', 'genetics', 'masses']);

/**
 * What the PDTA draws from a finding the walkthrough records: the passages shown when one of
 * `values` is recorded, in the PDTA's order. `show` says how they are shown:
 * - `topics`: each topic's passage;
 * - `condition`: one condition's row of Table I;
 * - `phosphate-lowering`: a topic's passage, then the therapies it names, listed with their class;
 * - `class-rows`: the table rows of one therapy class (the rows whose `memberOf` names it), each with its dose.
 * A finding the PDTA draws nothing from has no entry.
 */
export const FindingGuidance = z.object({
  finding: FindingName,
  values: z.array(z.string().min(1)).min(1),
  show: z.enum(['topics', 'condition', 'phosphate-lowering', 'class-rows']),
  ids: z.array(id).min(1),
});
export type FindingGuidance = z.infer<typeof FindingGuidance>;

export const Meta = z.object({
  code: z.literal('RCO230'),
  title: Localized,
  decree: z.string().min(1),
  transcribed: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** Shown in every citation; changes whenever content/ changes meaningfully. */
  contentVersion: z.string().min(1),
  sourceFile: z.string().min(1),
  responsible: z.string().min(1),
});
export type Meta = z.infer<typeof Meta>;

/** The file layout of content/: each file holds one collection; a collection may span files. */
export const ContentFiles = {
  'meta.yaml': { key: 'meta', schema: Meta },
  'topics.diagnosis.yaml': { key: 'topics', schema: z.array(Topic) },
  'topics.care.yaml': { key: 'topics', schema: z.array(Topic) },
  'exams.yaml': { key: 'exams', schema: z.array(Exam) },
  'therapies.yaml': { key: 'therapies', schema: z.array(Therapy) },
  'conditions.yaml': { key: 'conditions', schema: z.array(Condition) },
  'followup.yaml': { key: 'followup', schema: z.array(FollowUpExam) },
  'specialists.yaml': { key: 'specialists', schema: z.array(Specialist) },
  'algorithm.yaml': { key: 'algorithm', schema: z.array(AlgorithmStep) },
  'cautions.yaml': { key: 'cautions', schema: z.array(Caution) },
  'unaddressed.yaml': { key: 'unaddressed', schema: z.array(Unaddressed) },
  'guidance.yaml': { key: 'guidance', schema: z.array(FindingGuidance) },
} as const;

export const Content = z.object({
  meta: Meta,
  topics: z.array(Topic),
  exams: z.array(Exam),
  therapies: z.array(Therapy),
  conditions: z.array(Condition),
  followup: z.array(FollowUpExam),
  specialists: z.array(Specialist),
  algorithm: z.array(AlgorithmStep),
  cautions: z.array(Caution),
  unaddressed: z.array(Unaddressed),
  guidance: z.array(FindingGuidance),
});
export type Content = z.infer<typeof Content>;
