/**
 * One message (or button click) into one event for the conversation machine, read against the
 * state the conversation is in. A reply stays inside a dialogue only when it fits the question
 * asked (a weight when asked for a weight, yes / no / don't know, adult / child, a button of the
 * last reply); anything that is a question about the PDTA ends the dialogue and gets its answer;
 * anything else gets a clear "not understood" and the dialogue waits, its state intact.
 */
import type { Assistant } from './assistant.js';
import {
  FINDING_KEYS,
  DiffAnswers as DiffAnswersSchema,
  Findings as FindingsSchema,
  type DiffAnswerValues,
  type DiffQuestion,
  type FindingKey,
  type FindingValues,
  type Population,
  type Weight,
} from '../../machines/context.js';
import type { ConversationEvent, NotUnderstoodReason } from '../../machines/events.js';
import { detectLanguage } from '../nlu/language.js';
import {
  buttonNumber,
  commandOf,
  lookupOf,
  pairFindings,
  readDialogue,
  startOf,
  type DialogueCommand,
  type DialogueReading,
  type DialogueTopic,
  type DialogueValue,
} from '../nlu/dialogue.js';
import { parseNumber } from '../nlu/quantities.js';
import type { Understanding } from '../nlu/understand.js';
import type { Lang } from '../reply/model.js';
import { valueForLabel } from './answer/actionLabels.js';
import { hasAnyDose } from './conversationGuards.js';
import { isAskingState, pendingFinding, pendingQuestion, pendingSlot, regionOf, type StateView } from './answer/turnView.js';
import { stateMeaning } from '../../machines/conversation.js';

export type TurnInput = { text: string } | { action: string };

/** The lookup that answers "avanti" / "next" when no walkthrough is running (src/engine/answer/conversationReply.ts). */
export const OFFER_WALKTHROUGH = 'pdta:offer-walkthrough';

export interface Interpretation {
  event: ConversationEvent;
  lang: Lang;
}

type Reading =
  | { kind: 'event'; event: ConversationEvent }
  | { kind: 'failure'; reason: NotUnderstoodReason }
  /** The message is not an answer here: it may be a new question. */
  | { kind: 'none' };

const none: Reading = { kind: 'none' };
const fail = (reason: NotUnderstoodReason): Reading => ({ kind: 'failure', reason });
const found = (event: ConversationEvent): Reading => ({ kind: 'event', event });

/**
 * The language a message is written in, or null when it does not say. detectLanguage answers
 * Italian on a tie (and on no evidence at all); a message that stays Italian with one English
 * function word added has Italian words in it, so only then is Italian a finding.
 */
function decidedLanguage(tokens: readonly string[]): Lang | null {
  if (detectLanguage(tokens) === 'en') return 'en';
  return detectLanguage([...tokens, 'the']) === 'it' ? 'it' : null;
}

function notUnderstood(reason: NotUnderstoodReason, text: string): ConversationEvent {
  return { type: 'NOT_UNDERSTOOD', reason, text };
}

// ---- button values -------------------------------------------------------------------------

/** A button's value as an event. Values are language-neutral: `pdta:<verb>[:<arg>...]`. */
export function actionEvent(view: StateView, value: string): ConversationEvent {
  const [, verb, ...args] = value.split(':');
  const region = regionOf(view.state);
  switch (verb) {
    case 'next':
      return { type: 'NEXT' };
    case 'back':
      return { type: 'BACK' };
    case 'repeat':
      return { type: 'REPEAT' };
    case 'summary':
      return { type: 'SUMMARY' };
    case 'restart':
      return { type: 'RESTART' };
    case 'exit':
      return { type: 'EXIT' };
    case 'menu':
      return { type: 'MENU' };
    case 'help':
      return { type: 'HELP' };
    case 'skip':
      return { type: 'SKIP' };
    case 'walkthrough':
      return { type: 'WALKTHROUGH' };
    case 'differential':
      return { type: 'DIFFERENTIAL' };
    case 'step': {
      const n = Number(args[0]);
      if (region === 'walkthrough' && (n === 1 || n === 2 || n === 3)) return { type: 'GOTO', step: n };
      return { type: 'LOOKUP', text: value };
    }
    case 'record': {
      const [finding, answer] = args;
      const key = FINDING_KEYS.find((k) => k === finding);
      const parsed = key ? FindingsSchema.shape[key].safeParse(answer) : undefined;
      if (!key || !parsed?.success || parsed.data === null) return notUnderstood('stale-button', value);
      return { type: 'RECORD', findings: { [key]: parsed.data } as Partial<FindingValues> };
    }
    case 'answer': {
      const [question, answer] = args;
      const key = (['ckd', 'connective', 'location', 'erosion', 'urate'] as const).find((q) => q === question);
      const parsed = key ? DiffAnswersSchema.shape[key].safeParse(answer) : undefined;
      if (!key || !parsed?.success || parsed.data === null) return notUnderstood('stale-button', value);
      return { type: 'ANSWER', answers: { [key]: parsed.data } as Partial<DiffAnswerValues> };
    }
    case 'dose': {
      const [drug, population, kg] = args;
      if (!drug) return { type: 'LOOKUP', text: value };
      const pop: Population | undefined = population === 'adult' || population === 'paediatric' ? population : undefined;
      const weightKg = kg !== undefined ? Number(kg) : NaN;
      const weight: Weight | undefined = Number.isFinite(weightKg) ? { value: weightKg, unit: 'kg', assumedUnit: false } : undefined;
      if (region === 'dosing' && (view.context.dose.drug === drug || view.context.dose.drug === null)) {
        return { type: 'SLOT', drug, ...(pop ? { population: pop } : {}), ...(weight ? { weight } : {}) };
      }
      return { type: 'DOSE', drug, population: pop ?? null, weight: weight ?? null };
    }
    default:
      return { type: 'LOOKUP', text: value };
  }
}

// ---- typed messages ------------------------------------------------------------------------

function commandEvent(command: DialogueCommand, view: StateView): ConversationEvent | null {
  const region = regionOf(view.state);
  switch (command) {
    case 'menu':
      return { type: 'MENU' };
    case 'help':
      return { type: 'HELP' };
    case 'exit':
      return { type: 'EXIT' };
    case 'repeat':
      return { type: 'REPEAT' };
    case 'next':
      if (region === 'walkthrough') return { type: 'NEXT' };
      // "avanti" with no walkthrough running: the reply offers to start one.
      if (region === 'idle') return { type: 'LOOKUP', text: OFFER_WALKTHROUGH };
      // In the differential "next" passes over the question, which is what "don't know" does.
      return region === 'differential' && isAskingState(view.state) ? { type: 'SKIP' } : null;
    case 'back':
      return region === 'walkthrough' || region === 'differential' ? { type: 'BACK' } : null;
    case 'summary':
      return region === 'walkthrough' ? { type: 'SUMMARY' } : null;
    case 'restart':
      return region === 'idle' ? null : { type: 'RESTART' };
    default: {
      const never: never = command;
      return never;
    }
  }
}

/**
 * Content the message names (a drug, an exam, a condition, a passage, a name the PDTA does not
 * cover) that the dialogue words do not account for: a sign of a question of its own.
 */
function namesSomethingElse(u: Understanding, reading: DialogueReading, allowed: ReadonlySet<string> = NOTHING): boolean {
  const covered = new Array<boolean>(reading.tokens.length).fill(false);
  for (const m of reading.matches) for (let i = m.start; i < m.end; i += 1) covered[i] = true;
  return u.named.some((m) => {
    if (allowed.has(m.kind)) return false;
    for (let i = m.start; i < m.end; i += 1) if (!covered[i]) return true;
    return false;
  });
}

const NOTHING: ReadonlySet<string> = new Set();
const STEPS: ReadonlySet<string> = new Set(['step']);
const THERAPIES: ReadonlySet<string> = new Set(['therapy']);

const QUESTION_WORDS = new Set(['quale', 'quali', 'cosa', 'come', 'perche', 'quando', 'chi', 'quanto', 'what', 'which', 'how', 'why', 'when', 'who']);

/** "quali sono le cause di fosforo alto?" names a finding but records nothing: it is a question. */
function asksSomething(reading: DialogueReading): boolean {
  const covered = new Set<number>();
  for (const m of reading.matches) for (let i = m.start; i < m.end; i += 1) covered.add(i);
  return reading.tokens.some((t, i) => !covered.has(i) && QUESTION_WORDS.has(t));
}

function hasAnswerWords(reading: DialogueReading): boolean {
  return reading.matches.some((m) => m.meaning.kind === 'value' || m.meaning.kind === 'finding' || m.meaning.kind === 'topic');
}

const FINDING_TOPICS: Record<FindingKey, DialogueTopic> = { phosphate: 'phosphate', ckd: 'ckd', masses: 'masses', genetics: 'genetics' };

function asFinding(topic: DialogueTopic): FindingKey | null {
  return FINDING_KEYS.find((k) => FINDING_TOPICS[k] === topic) ?? null;
}

/**
 * What a negated answer records, when it says enough: "no masses" is "no"; "not high" (normal or
 * low?), "not KLOTHO" (which gene, then?) and "non è negativo" are asked back instead.
 */
function negatedFinding(key: FindingKey, value: DialogueValue): FindingValues[FindingKey] | 'ambiguous' | null {
  if (value.kind !== 'not') return null;
  return (key === 'ckd' || key === 'masses') && value.value.kind === 'yes' ? 'no' : 'ambiguous';
}

function findingValue(key: FindingKey, value: DialogueValue): FindingValues[FindingKey] | null {
  switch (key) {
    case 'phosphate':
      if (value.kind === 'unknown') return 'unknown';
      return value.kind === 'level' && value.level !== 'low' ? value.level : null;
    case 'ckd':
    case 'masses':
      return value.kind === 'yes' || value.kind === 'no' || value.kind === 'unknown' ? value.kind : null;
    case 'genetics':
      if (value.kind === 'gene') return value.gene;
      if (value.kind === 'no') return 'negative';
      return value.kind === 'unknown' ? 'unknown' : null;
    default: {
      const never: never = key;
      return never;
    }
  }
}

/** "Did not understand" beats a guess for replies of more than one loose word. */
const MAX_LOOSE_WORDS = 1;

function walkthroughAnswer(view: StateView, reading: DialogueReading, u: Understanding): Reading {
  const pending = pendingFinding(view.state);
  if (u.step !== null && !hasAnswerWords(reading) && !namesSomethingElse(u, reading, STEPS)) return found({ type: 'GOTO', step: u.step });
  if (pending === 'phosphate' && u.labs.some((l) => l.analyte === 'phosphate') && !reading.matches.some((m) => m.meaning.kind === 'value')) {
    return fail('phosphate-value');
  }
  if (!hasAnswerWords(reading) || asksSomething(reading)) return none;
  if (namesSomethingElse(u, reading) || u.labs.length > 0 || reading.unexplained.length > MAX_LOOSE_WORDS) return none;
  const pairing = pairFindings(reading);
  if (!pairing.ok) return fail('unclear');
  const findings: Partial<Record<FindingKey, string>> = {};
  let skip = false;
  for (const pair of pairing.pairs) {
    if (pair.topic === null && pair.value.kind === 'unknown' && pending !== null) {
      skip = true;
      continue;
    }
    const key = pair.topic !== null ? asFinding(pair.topic) : pending;
    if (key === null) {
      // "sì" where the pathway offers the next step.
      const offersNext = stateMeaning(view.state).tags.has('offers-next');
      if (pair.topic === null && pair.value.kind === 'yes' && offersNext && pairing.pairs.length === 1) return found({ type: 'NEXT' });
      return fail('not-an-option');
    }
    const negated = negatedFinding(key, pair.value);
    if (negated === 'ambiguous') return fail('ambiguous-negation');
    const value = negated ?? findingValue(key, pair.value);
    if (value === null) return fail('not-an-option');
    // "FGF23 … negativo" read twice for one finding: asking beats keeping either.
    if (findings[key] !== undefined && findings[key] !== value) return fail('unclear');
    findings[key] = value;
  }
  if (Object.keys(findings).length > 0) return found({ type: 'RECORD', findings: findings as Partial<FindingValues> });
  return skip ? found({ type: 'SKIP' }) : none;
}

function differentialAnswer(view: StateView, reading: DialogueReading, u: Understanding): Reading {
  if (!hasAnswerWords(reading) || asksSomething(reading)) return none;
  if (namesSomethingElse(u, reading) || u.labs.length > 0 || u.step !== null || reading.unexplained.length > MAX_LOOSE_WORDS) return none;
  const pending = pendingQuestion(view.state);
  const pairing = pairFindings(reading);
  if (!pairing.ok) return fail('unclear');
  const answers: Partial<Record<DiffQuestion, string>> = {};
  let skip = false;
  for (const pair of pairing.pairs) {
    // Every question is about the mass; naming it answers nothing.
    if (pair.topic === 'masses') continue;
    if (pair.topic === null && pair.value.kind === 'unknown' && pending !== null) {
      skip = true;
      continue;
    }
    const question: DiffQuestion | null =
      pair.topic === null ? pending : pair.topic === 'ckd' || pair.topic === 'connective' || pair.topic === 'erosion' || pair.topic === 'urate' || pair.topic === 'location' ? pair.topic : null;
    if (question === null) return pending === null ? none : fail('not-an-option');
    const v = pair.value;
    const prior = answers[question];
    if (v.kind === 'not') {
      // "not in a tendon" is recorded as such; "not yes" is no; "non ha dermatomiosite" (another
      // connective-tissue disease?) and "non è negativo" are asked back.
      if (question === 'location' && v.value.kind === 'location') answers.location = `not-${v.value.location}`;
      else if (question !== 'location' && question !== 'connective' && v.value.kind === 'yes') answers[question] = 'no';
      else return fail('ambiguous-negation');
    } else if (question === 'location') {
      if (v.kind === 'location') answers.location = v.location;
      else if (v.kind === 'unknown') answers.location = 'unknown';
      else return fail('not-an-option');
    } else if (v.kind === 'yes' || v.kind === 'no' || v.kind === 'unknown') {
      answers[question] = v.kind;
    } else {
      return fail('not-an-option');
    }
    // One question answered two ways in one message (by name and as the pending one): ask, keep neither.
    if (prior !== undefined && prior !== answers[question]) return fail('unclear');
  }
  if (Object.keys(answers).length > 0) return found({ type: 'ANSWER', answers: answers as Partial<DiffAnswerValues> });
  return skip ? found({ type: 'SKIP' }) : none;
}

/** Words of a weight or an age ("18 kg", "5 anni", "peso 18"), which the quantity readers account for. */
const QUANTITY_WORDS = new Set([
  'kg', 'kgs', 'kilo', 'kili', 'chili', 'chilo', 'chilogrammi', 'kilogrammi', 'kilograms', 'kilos', 'g', 'gr', 'grammi', 'grams', 'gram',
  'lb', 'lbs', 'libbre', 'libbra', 'pounds', 'pound', 'anni', 'anno', 'mesi', 'mese', 'years', 'year', 'months', 'month', 'old',
  'peso', 'pesa', 'weight', 'weighs', 'settimane', 'weeks', 'giorni', 'days', 'eta',
]);

function looseDoseWords(reading: DialogueReading): number {
  return reading.unexplained.filter((i) => {
    const token = reading.tokens[i]!;
    return !/^\d/.test(token) && !QUANTITY_WORDS.has(token);
  }).length;
}

/** Three loose words are allowed around a dose slot ("peso del bambino 18 kg circa"). */
const MAX_LOOSE_DOSE_WORDS = 3;

function dosingAnswer(assistant: Assistant, view: StateView, text: string, reading: DialogueReading, u: Understanding): Reading {
  const asking = isAskingState(view.state);
  const current = view.context.dose.drug;
  const therapies = u.therapies;
  if (therapies.length > 1 || therapies.some((id) => assistant.catalog.isTherapyClass(id))) return none;
  if (namesSomethingElse(u, reading, THERAPIES) || u.labs.length > 0 || u.step !== null) return none;
  if (looseDoseWords(reading) > MAX_LOOSE_DOSE_WORDS) return none;
  if (u.population === 'conflicting') return asking ? fail('unclear') : none;
  if (u.weights.length > 1) return asking ? fail('unclear') : none;
  const population = u.population ?? undefined;
  const w = u.weights[0];
  let weight: Weight | undefined = w ? { value: w.value, unit: w.unit, assumedUnit: w.assumedUnit } : undefined;
  // Asked "how much does the patient weigh (in kg)?", a bare number is that weight; the answer says kg was assumed.
  const bare = /^\s*(\d+(?:[.,]\d+)?)\s*$/.exec(text);
  if (!weight && bare && pendingSlot(view.state) === 'weight') weight = { value: parseNumber(bare[1]!), unit: 'kg', assumedUnit: true };
  const drug = therapies[0];
  if (!asking) {
    // After an answer only a bare weight or population refines it ("e 25 kg?"); "dose bambino 18 kg" is a new question.
    const refinable = current !== null && hasAnyDose(assistant.catalog.therapy(current) ?? null);
    if (!refinable || u.cues.has('dose') || (drug !== undefined && drug !== current)) return none;
  }
  if (drug !== undefined && current !== null && drug !== current) {
    return found({ type: 'DOSE', drug, population: population ?? null, weight: weight ?? null });
  }
  if (drug === undefined && population === undefined && weight === undefined) {
    const unknown = reading.matches.some((m) => m.meaning.kind === 'value' && m.meaning.value.kind === 'unknown');
    if (unknown && (pendingSlot(view.state) === 'population' || pendingSlot(view.state) === 'weight') && reading.unexplained.length === 0) return found({ type: 'SKIP' });
    return none;
  }
  return found({ type: 'SLOT', ...(drug !== undefined ? { drug } : {}), ...(population ? { population } : {}), ...(weight ? { weight } : {}) });
}

function answerEvent(assistant: Assistant, view: StateView, text: string, reading: DialogueReading, u: Understanding): Reading {
  switch (regionOf(view.state)) {
    case 'walkthrough':
      return walkthroughAnswer(view, reading, u);
    case 'differential':
      return differentialAnswer(view, reading, u);
    case 'dosing':
      return dosingAnswer(assistant, view, text, reading, u);
    case 'idle':
      return none;
    default:
      return none;
  }
}

/** Whether a message that fits no question is a question of its own. */
function isNewQuestion(u: Understanding): boolean {
  switch (u.intent) {
    case 'therapy':
    case 'tmp-gfr':
    case 'not-covered':
    case 'condition':
    case 'differential':
    case 'step':
    case 'exam':
    case 'topic':
    case 'referral':
      return true;
    case 'empty':
    case 'greeting':
    case 'thanks':
    case 'help':
    case 'unknown':
      return false;
    default: {
      const never: never = u.intent;
      return never;
    }
  }
}

/**
 * A message whose answer depends on more than the dose slots (a condition the PDTA does not address,
 * a question the therapy's content answers first, a brand name) is answered whole, as a lookup: a
 * dosing dialogue would ask for a weight and drop what was said.
 */
function answeredWhole(assistant: Assistant, u: Understanding): boolean {
  return u.unaddressed.length > 0 || assistant.needsWholeAnswer(u);
}

/** A message read as a conversation's opening question. */
function questionEvent(assistant: Assistant, u: Understanding, text: string): ConversationEvent {
  const population = u.population === 'conflicting' ? null : u.population;
  const w = u.weights.length === 1 ? u.weights[0] : undefined;
  const weight: Weight | null = w ? { value: w.value, unit: w.unit, assumedUnit: w.assumedUnit } : null;
  const [drug] = u.therapies;
  if (u.intent === 'therapy' && u.therapies.length === 1 && drug !== undefined && !assistant.catalog.isTherapyClass(drug) && !answeredWhole(assistant, u)) {
    return { type: 'DOSE', drug, population, weight };
  }
  // "dose bambino 18 kg": a dose asked for with no drug named starts the dialogue at the drug.
  if (u.cues.has('dose') && u.therapies.length === 0 && (population !== null || weight !== null) && (u.intent === 'unknown' || u.intent === 'topic')) {
    return { type: 'DOSE', drug: null, population, weight };
  }
  return { type: 'LOOKUP', text };
}

export function interpret(assistant: Assistant, view: StateView, input: TurnInput, forcedLang?: Lang): Interpretation {
  const remembered = forcedLang ?? view.context.ui.lang ?? 'it';
  const shown = view.context.ui.actions;
  if ('action' in input) return { event: actionEvent(view, input.action.trim()), lang: remembered };
  const text = input.text.trim();
  // An empty message in a dialogue (a stray Enter) asks the question again.
  if (text === '' && isAskingState(view.state)) return { event: { type: 'REPEAT' }, lang: remembered };
  // Channels deliver clicks as values; a value pasted as text means the same.
  if (text.startsWith('pdta:')) return { event: actionEvent(view, text), lang: remembered };

  const n = buttonNumber(text);
  if (n !== null) {
    const value = shown[n - 1];
    if (pendingSlot(view.state) === 'weight') {
      if (value !== undefined) return { event: notUnderstood('ambiguous-number', text), lang: remembered };
    } else if (value !== undefined) {
      return { event: actionEvent(view, value), lang: remembered };
    } else if (shown.length > 0 || isAskingState(view.state)) {
      return { event: notUnderstood('no-such-button', text), lang: remembered };
    }
  }

  const reading = readDialogue(text);
  const u = assistant.understand(text, forcedLang);
  const lang = forcedLang ?? reading.lang ?? decidedLanguage(u.text.tokens) ?? view.context.ui.lang ?? 'it';
  const labelled = valueForLabel(assistant.catalog, shown, text);
  if (labelled !== null) return { event: actionEvent(view, labelled), lang };

  const start = startOf(reading);
  if (start === 'walkthrough') return { event: { type: 'WALKTHROUGH' }, lang };
  if (start === 'differential') return { event: { type: 'DIFFERENTIAL' }, lang };

  if (lookupOf(reading) === 'schedule') return { event: { type: 'LOOKUP', text: 'pdta:schedule' }, lang };

  const command = commandOf(reading);
  if (command !== null) {
    const event = commandEvent(command, view);
    if (event) return { event, lang };
    if (isAskingState(view.state)) return { event: notUnderstood('not-an-option', text), lang };
  }

  const answer = answerEvent(assistant, view, text, reading, u);
  if (answer.kind === 'event') return { event: answer.event, lang };
  // An attempt at an answer that does not fit ("fosforo basso") is not a new question.
  if (answer.kind === 'failure' && isAskingState(view.state)) return { event: notUnderstood(answer.reason, text), lang };
  if (!isAskingState(view.state) || isNewQuestion(u)) return { event: questionEvent(assistant, u, text), lang };
  if (u.intent === 'help') return { event: { type: 'HELP' }, lang };
  // "grazie", "ok" in the middle of a dialogue: the question is simply asked again.
  if (u.intent === 'greeting' || u.intent === 'thanks' || u.cues.has('thanks') || u.cues.has('greeting')) return { event: { type: 'REPEAT' }, lang };
  return { event: notUnderstood(answer.kind === 'failure' ? answer.reason : 'unclear', text), lang };
}
