/**
 * One turn of a conversation: (message or button, persisted snapshot) -> (replies, new snapshot,
 * effects). Pure apart from what is injected: the machine's content-aware guards, and the dosing
 * audit, which is collected into `effects` for the caller to write (src/store/audit.ts).
 *
 * A stored snapshot that cannot be restored (another shape, a state that no longer exists) is
 * dropped and the conversation starts afresh with a one-line notice: resuming a walkthrough from a
 * snapshot we cannot trust could skip a question the team must answer.
 */
import { createActor, type Snapshot } from 'xstate';
import { ConversationContext } from '../../machines/context.js';
import { conversationMachine, restingState } from '../../machines/conversation.js';
import type { DoseSlots } from '../../machines/context.js';
import type { ConversationEvent } from '../../machines/events.js';
import type { Catalog } from '../content/catalog.js';
import type { Lang, Reply } from '../reply/model.js';
import { remindNoIdentifiers, type Assistant } from './assistant.js';
import { conversationReply } from './answer/conversationReply.js';
import type { AnswerContext } from './answer/context.js';
import { t } from './answer/i18n.js';
import { frequencyText, routeText } from './answer/therapyReply.js';
import { withLead, type StateView } from './answer/turnView.js';
import { contentGuards, dialogueTherapy } from './conversationGuards.js';
import { computeDose } from './dosing.js';
import { brandDoseLanguage, carryOver } from './carryOver.js';
import { interpret, type TurnInput } from './interpret.js';
import { redactIdentifiers } from '../nlu/identifiers.js';

export type { TurnInput } from './interpret.js';

/** What `actor.getPersistedSnapshot()` gives: JSON, stored as is by the snapshot store. */
export type ConversationSnapshot = Snapshot<unknown>;

export interface DoseAnsweredEffect {
  type: 'dose-answered';
  /** Therapy id, e.g. "therapy.neridronate". */
  drug: string;
  population: 'adult' | 'paediatric';
  /** The weight a per-kg dose was computed from; null when nothing was computed. */
  weightKg: number | null;
  /** What was shown, in English so that the audit reads the same whatever the chat's language. */
  result: string;
  /** The table's row for that population, as the PDTA writes it (English transcription). */
  rule: string;
  contentVersion: string;
}

export type TurnEffect = DoseAnsweredEffect;

export interface TurnResult {
  replies: Reply[];
  snapshot: ConversationSnapshot;
  effects: TurnEffect[];
}

/** The audit line for a dose answer; null when no population was chosen (nothing was dosed). */
export function doseEffect(catalog: Catalog, slots: DoseSlots): DoseAnsweredEffect | null {
  const therapy = dialogueTherapy(catalog, slots.drug);
  if (!therapy || slots.population === null) return null;
  const en: AnswerContext = { catalog, lang: 'en' };
  const weight = slots.weight ? { value: slots.weight.value, unit: slots.weight.unit } : undefined;
  const result = computeDose(therapy, slots.population, weight);
  const base = { type: 'dose-answered' as const, drug: therapy.id, population: slots.population, contentVersion: catalog.content.meta.contentVersion };
  switch (result.kind) {
    case 'computed':
      return {
        ...base,
        weightKg: result.weightKg,
        result: `${result.doseMgDisplay} mg ${frequencyText(en, result.everyMonths)}, ${routeText(en, result.route)}`,
        rule: result.text.en,
      };
    case 'needs-weight':
      return { ...base, weightKg: null, result: 'not computed: no weight given', rule: result.text.en };
    case 'invalid-weight':
      return { ...base, weightKg: null, result: `not computed: weight refused (${result.reason})`, rule: result.text.en };
    case 'fixed':
      return { ...base, weightKg: null, result: result.text.en, rule: result.text.en };
    case 'not-recommended':
      return { ...base, weightKg: null, result: 'not recommended by the PDTA', rule: result.text.en };
    case 'population-unstated':
      return { ...base, weightKg: null, result: `${result.text.en} (population not stated by the PDTA)`, rule: result.text.en };
    case 'no-dose':
      return { ...base, weightKg: null, result: 'no dose given by the PDTA', rule: result.text.en };
    default: {
      const never: never = result;
      return never;
    }
  }
}

function provideFor(catalog: Catalog, sink: { effects: TurnEffect[] }) {
  return conversationMachine.provide({
    guards: contentGuards(catalog),
    actions: {
      doseAnswered: ({ context }) => {
        const effect = doseEffect(catalog, context.dose);
        if (effect) sink.effects.push(effect);
      },
    },
  });
}

export interface ProductionMachine {
  machine: ReturnType<typeof provideFor>;
  /** Where the dosing audit of the turn in progress is collected. */
  sink: { effects: TurnEffect[] };
}

type ProvidedMachine = ProductionMachine['machine'];

const provided = new WeakMap<Catalog, ProductionMachine>();

/**
 * The machine production runs: the content's guards and the audit effect wired in. This is the one
 * place they are wired; the path tests (test/machines/conversation.paths.test.ts) drive this same
 * machine, so a guard missing here fails them.
 *
 * provide() copies the machine's whole definition (about 2 ms): it is done once per content, and
 * each turn lends the machine its own effects list (`sink`). Turns are synchronous, so two never
 * share it.
 */
export function productionMachine(catalog: Catalog): ProductionMachine {
  let entry = provided.get(catalog);
  if (!entry) {
    const sink = { effects: [] as TurnEffect[] };
    entry = { machine: provideFor(catalog, sink), sink };
    provided.set(catalog, entry);
  }
  return entry;
}

function restore(machine: ProvidedMachine, persisted: ConversationSnapshot | null) {
  if (persisted === null) return { actor: createActor(machine), restored: true };
  try {
    const candidate = persisted as { status?: unknown; context?: unknown; value?: unknown };
    if (candidate.status !== 'active') throw new Error(`snapshot status ${String(candidate.status)}`);
    ConversationContext.parse(candidate.context);
    restingState(candidate.value);
    return { actor: createActor(machine, { snapshot: persisted }), restored: true };
  } catch {
    return { actor: createActor(machine), restored: false };
  }
}

function view(snapshot: { value: unknown; context: ConversationContext }): StateView {
  return { state: restingState(snapshot.value), context: snapshot.context };
}

export function runTurn(assistant: Assistant, persisted: ConversationSnapshot | null, typedInput: TurnInput, options: { lang?: Lang } = {}): TurnResult {
  // Identifiers are cut out before the turn reads the message: not echoed, not in the snapshot.
  const redaction = 'text' in typedInput ? redactIdentifiers(typedInput.text) : null;
  const input: TurnInput = redaction ? { text: redaction.text } : typedInput;
  const effects: TurnEffect[] = [];
  const { machine, sink } = productionMachine(assistant.catalog);
  sink.effects = effects;
  const { actor, restored } = restore(machine, persisted);
  actor.start();
  try {
    const before = view(actor.getSnapshot());
    const interpreted = interpret(assistant, before, input, options.lang);
    const read = carryOver(assistant, before, input, interpreted.event);
    const lang = !options.lang && 'text' in input ? (brandDoseLanguage(assistant.understand(input.text.trim())) ?? interpreted.lang) : interpreted.lang;
    // A button from an earlier dialogue, or a command that means nothing here, names an event this state has no use for.
    const typed = 'text' in input ? input.text : '';
    const event: ConversationEvent = actor.getSnapshot().can(read)
      ? read
      : { type: 'NOT_UNDERSTOOD', reason: 'action' in input || typed.trim().startsWith('pdta:') ? 'stale-button' : 'not-an-option', text: typed };
    actor.send(event);
    const after = view(actor.getSnapshot());
    let reply = conversationReply(assistant, lang, { before, event, after });
    if (!restored) reply = withLead(reply, t(lang, 'conv.restoreFailed'));
    if (redaction && redaction.found.length > 0) reply = remindNoIdentifiers(reply);
    const snapshot = actor.getPersistedSnapshot() as ConversationSnapshot & { context: ConversationContext };
    const next = { ...snapshot, context: { ...snapshot.context, ui: { lang, actions: reply.actions.map((a) => a.value).filter((v) => v.length <= 120) } } };
    return { replies: [reply], snapshot: next, effects };
  } finally {
    actor.stop();
    sink.effects = [];
  }
}
