/**
 * What a message means given what the conversation was doing, beyond the single question read by
 * src/engine/interpret.ts: values for the TmP/GFR calculator gathered over several messages, a dose
 * put aside by a side question and completed after it ("30 kg", "torniamo al neridronato: 30 kg"),
 * and a follow-up about the last therapy ("e quando lo sospendo?", "e in un bambino di 25 kg?").
 * It takes the event interpret chose and returns it unchanged unless the conversation says otherwise.
 */
import { TMP_FIELDS, type TmpField, type TmpValues, type Weight } from '../../machines/context.js';
import type { ConversationEvent } from '../../machines/events.js';
import { detectLanguage } from '../nlu/language.js';
import type { LabMention } from '../nlu/quantities.js';
import { parseNumber } from '../nlu/quantities.js';
import type { Understanding } from '../nlu/understand.js';
import type { Lang } from '../reply/model.js';
import type { Assistant } from './assistant.js';
import { dialogueTherapy, hasAnyDose } from './conversationGuards.js';
import { regionOf, type StateView } from './answer/turnView.js';
import { stateMeaning } from '../../machines/conversation.js';
import { oneMessageEvent } from './oneMessage.js';
import type { TurnInput } from './interpret.js';

/** The lookup that answers a follow-up about the last therapy's criteria (src/engine/answer/conversationReply.ts). */
export const CRITERIA_PREFIX = 'pdta:criteria:';

const FIELD_OF: Record<string, TmpField> = {
  'phosphate/serum': 'serumPhosphate',
  'phosphate/urine': 'urinePhosphate',
  'creatinine/serum': 'serumCreatinine',
  'creatinine/urine': 'urineCreatinine',
};

function tmpValuesOf(labs: readonly LabMention[]): Partial<TmpValues> {
  const values: Partial<TmpValues> = {};
  for (const l of labs) values[FIELD_OF[`${l.analyte}/${l.specimen}`]!] = { value: l.value, unit: l.unit };
  return values;
}

/** "1,8 mmol/L" alone: the unit for the one value typed without it. */
const BARE_VALUE = /^\s*(\d+(?:[.,]\d+)?)\s*(mmol\s*\/\s*l|umol\s*\/\s*l|mg\s*\/\s*dl)\s*$/;

function unitForPending(text: string, values: TmpValues): Partial<TmpValues> {
  const m = BARE_VALUE.exec(text.normalize('NFKD').replace(/[µμ]/g, 'u').toLowerCase());
  const pending = TMP_FIELDS.filter((f) => values[f] !== null && values[f].unit === null);
  if (!m || pending.length !== 1) return {};
  return { [pending[0]!]: { value: parseNumber(m[1]!), unit: m[2]!.replace(/\s+/g, '') } };
}

const CALC_WORDS = new Set(['calcolo', 'calcola', 'calcoli', 'calcolare', 'calcoliamo', 'calcolatore', 'calculate', 'calculation', 'calculator', 'compute', 'computing']);

/** Content named in the message other than what the calculator reads (a drug, a condition, a step). */
function namesOtherContent(u: Understanding): boolean {
  return u.therapies.length > 0 || u.conditions.length > 0 || u.step !== null || u.outOfScope.length > 0;
}

function tmpEvent(view: StateView, text: string, u: Understanding, read: ConversationEvent): ConversationEvent | null {
  const region = regionOf(view.state);
  const values = { ...tmpValuesOf(u.labs), ...unitForPending(text, view.context.tmp) };
  const some = Object.keys(values).length > 0;
  if (region === 'tmp') return some && !namesOtherContent(u) ? { type: 'TMP_VALUES', values } : null;
  if (read.type !== 'LOOKUP') return null;
  if (region === 'idle' && view.context.suspended === 'tmp' && some && !namesOtherContent(u)) return { type: 'TMP', values, resume: true };
  const asksToCompute = u.cues.has('tmp') && (some || u.text.tokens.some((t) => CALC_WORDS.has(t)));
  return asksToCompute || u.intent === 'tmp-gfr' ? { type: 'TMP', values, resume: false } : null;
}

function weightOf(u: Understanding): Weight | null {
  const w = u.weights.length === 1 ? u.weights[0] : undefined;
  return w ? { value: w.value, unit: w.unit, assumedUnit: w.assumedUnit } : null;
}

/** Words that make a message a follow-up to the last answer rather than a question of its own. */
const FOLLOW_UP_OPENERS = new Set(['e', 'and', 'invece', 'instead', 'what', 'how', 'nel', 'nella', 'in', 'per', 'for', 'ed']);
const STOP_WORDS = new Set(['sospendo', 'sospendere', 'sospenderlo', 'sospenderla', 'sospende', 'interrompo', 'interrompere', 'interromperlo', 'smetto', 'smettere', 'termino', 'terminare', 'stop', 'stopping', 'discontinue', 'discontinuing', 'withdraw']);
const START_WORDS = new Set(['inizio', 'iniziare', 'iniziarlo', 'comincio', 'cominciare', 'avvio', 'start', 'starting', 'begin', 'initiate']);

function doseEvent(assistant: Assistant, view: StateView, u: Understanding, read: ConversationEvent): ConversationEvent | null {
  const { dose, suspended } = view.context;
  const region = regionOf(view.state);
  const therapy = dialogueTherapy(assistant.catalog, dose.drug);
  if (!therapy || !(region === 'idle' || (region === 'dosing' && stateMeaning(view.state).tags.has('answered')))) return null;
  const otherDrug = u.therapies.some((id) => id !== therapy.id);
  if (otherDrug || u.conditions.length > 0 || u.exams.length > 0 || u.step !== null || u.labs.length > 0 || u.outOfScope.length > 0) return null;
  // "e in un bambino quali controlli?" asks about something else than the dose.
  if (u.cues.has('followup') || u.cues.has('referral') || u.cues.has('differential')) return null;
  const population = u.population === 'conflicting' ? null : u.population;
  const weight = weightOf(u);
  const tokens = u.text.tokens;
  const followUp = FOLLOW_UP_OPENERS.has(tokens[0] ?? '') && tokens.length <= 10;
  // A follow-up about when to stop or start the therapy just answered.
  if (u.therapies.length === 0 && followUp && weight === null && population === null) {
    const which = tokens.some((t) => STOP_WORDS.has(t)) ? 'stop' : tokens.some((t) => START_WORDS.has(t)) ? 'start' : null;
    if (which) return { type: 'LOOKUP', text: `${CRITERIA_PREFIX}${which}:${therapy.id}` };
  }
  if (region !== 'idle' || !hasAnyDose(therapy) || (weight === null && population === null)) return null;
  // After a side question, the dose put aside is completed; "e in un bambino di 25 kg?" refines the last one.
  if (suspended === 'dosing' || followUp || u.therapies.includes(therapy.id)) {
    if (read.type !== 'LOOKUP' && read.type !== 'DOSE' && read.type !== 'NOT_UNDERSTOOD') return null;
    const keep = suspended === 'dosing' || u.therapies.includes(therapy.id);
    return {
      type: 'DOSE',
      drug: therapy.id,
      population: population ?? (keep || weight !== null ? dose.population : null),
      weight: weight ?? (keep && population === null ? dose.weight : null),
    };
  }
  return null;
}

/**
 * "Fosamax dose": a drug's brand name followed by "dose", and nothing else to tell the language by.
 * Italian puts the drug after ("dose di Fosamax"); the English order decides.
 */
export function brandDoseLanguage(u: Understanding): Lang | null {
  const tokens = u.text.tokens;
  const tie = detectLanguage(tokens) === 'it' && detectLanguage([...tokens, 'the']) === 'en';
  if (!tie || tokens.length > 4 || !['dose', 'dosing', 'dosage'].includes(tokens[tokens.length - 1] ?? '')) return null;
  const brand = u.named.find((m) => m.kind === 'therapy' && /^[A-Z]/.test(m.phrase) && m.end === tokens.length - 1);
  return brand ? 'en' : null;
}

export function carryOver(assistant: Assistant, view: StateView, input: TurnInput, read: ConversationEvent): ConversationEvent {
  if ('action' in input) {
    return input.action.trim() === 'pdta:tmp' ? { type: 'TMP', values: {}, resume: false } : read;
  }
  const text = input.text.trim();
  if (text === '' || text.startsWith('pdta:')) return read;
  const u = assistant.understand(text);
  return tmpEvent(view, text, u, read) ?? doseEvent(assistant, view, u, read) ?? oneMessageEvent(assistant, text, read) ?? read;
}
