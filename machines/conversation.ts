/**
 * The conversation: free lookups, and four dialogues that span several messages (the pathway
 * walkthrough, the dosing dialogue, the guided differential, the TmP/GFR calculator). Pure: no I/O,
 * no clock, no randomness. What depends on content/ (does this drug need a weight? how many Table I
 * conditions are left?) is a guard, and the dosing audit is an action: both are given real
 * implementations by the engine with `provide()` (src/engine/conversationGuards.ts,
 * src/engine/turn.ts); the defaults here ask every question and record nothing, so the machine is
 * safe on its own.
 *
 * Any message that is a new question leaves a running dialogue (LOOKUP, DOSE, WALKTHROUGH,
 * DIFFERENTIAL and TMP are handled at the root, from every state): a clinician who changes subject
 * must get an answer to the new question, not a repeat of the old one. A side question (LOOKUP)
 * while the dosing dialogue or the calculator is asking puts it aside with its slots (`suspended`),
 * so that the missing weight or value typed after the digression completes it; the walkthrough
 * keeps its findings and step. Each recorded answer remembers what it replaced (`undo`), so that
 * "indietro" right after it takes it back.
 */
import { assign, setup } from 'xstate';
import {
  EMPTY_DIFF,
  EMPTY_DOSE,
  EMPTY_FINDINGS,
  EMPTY_TMP,
  TMP_FIELDS,
  initialContext,
  type ConversationContext,
  type DiffQuestion,
  type FindingKey,
} from './context.js';
import type { ConversationEvent } from './events.js';

export const CONVERSATION_MACHINE_ID = 'conversation';
/** Bumped whenever states or context change shape: a stored snapshot is restored only into the version that wrote it. */
export const CONVERSATION_MACHINE_VERSION = 2;

/**
 * What the machine says about its states (XState `tags`), read by the turn and the replies:
 * - `asking`: the state waits for the answer to a question of its own (a finding, a slot, a Table I
 *   question, the next step); an empty message there repeats the question;
 * - `answered`: the dialogue's result is shown (the dose, the conditions left, TmP/GFR);
 * - `offers-next`: "sì" / "yes" there means "go on to the next step".
 */
export type StateTag = 'asking' | 'answered' | 'offers-next';

/** The question a state asks, when it asks one (XState `meta.asks`). */
export type Asks =
  | { kind: 'finding'; finding: FindingKey }
  | { kind: 'diff-question'; question: DiffQuestion }
  | { kind: 'dose-slot'; slot: 'drug' | 'population' | 'weight' }
  | { kind: 'tmp-values' };

export interface StateMeta {
  asks?: Asks;
  /** The walkthrough step a state belongs to (0: the introduction). */
  step?: 0 | 1 | 2 | 3;
}

export const conversationMachine = setup({
  types: {
    context: {} as ConversationContext,
    events: {} as ConversationEvent,
    tags: {} as StateTag,
    meta: {} as StateMeta,
  },
  actions: {
    startDose: assign(({ event }) =>
      event.type === 'DOSE' ? { dose: { drug: event.drug, population: event.population, weight: event.weight } } : {},
    ),
    fillSlots: assign(({ context, event }) => {
      if (event.type !== 'SLOT') return {};
      // A new drug starts its own question: a population or weight given for another drug is not
      // carried over (those given before any drug was named are: "dose bambino 18 kg", "neridronato").
      const sameDrug = event.drug === undefined || context.dose.drug === null || event.drug === context.dose.drug;
      const base = sameDrug ? context.dose : EMPTY_DOSE;
      return {
        dose: {
          drug: event.drug ?? base.drug,
          population: event.population ?? base.population,
          weight: event.weight ?? base.weight,
        },
      };
    }),
    clearWeight: assign(({ context }) => ({ dose: { ...context.dose, weight: null } })),
    clearDose: assign({ dose: () => ({ ...EMPTY_DOSE }) }),
    /** The dosing audit: implemented by the engine, which knows the content and where to write. */
    doseAnswered: () => {},
    /**
     * Nothing changes: the reply for the current state answers the event (help, repeat, summary, a
     * reply not understood). Named so that the transition is one the state accepts (`snapshot.can`).
     */
    acknowledge: () => {},
    record: assign(({ context, event }) => {
      if (event.type !== 'RECORD') return {};
      const previous = Object.fromEntries(Object.keys(event.findings).map((k) => [k, context.findings[k as FindingKey]]));
      return { findings: { ...context.findings, ...event.findings }, undo: { findings: previous, diff: {} } };
    }),
    skipFinding: assign(({ context }, params: { finding: FindingKey }) => ({
      findings: { ...context.findings, [params.finding]: 'unknown' },
      undo: { findings: { [params.finding]: context.findings[params.finding] }, diff: {} },
    })),
    clearFindings: assign({ findings: () => ({ ...EMPTY_FINDINGS }), undo: () => null }),
    /** "indietro" right after an answer: the answer is taken back, as if never given. */
    undoLast: assign(({ context }) =>
      context.undo === null
        ? {}
        : { findings: { ...context.findings, ...context.undo.findings }, diff: { ...context.diff, ...context.undo.diff }, undo: null },
    ),
    clearUndo: assign({ undo: () => null }),
    startTmp: assign(({ context, event }) =>
      event.type === 'TMP' ? { tmp: { ...(event.resume ? context.tmp : EMPTY_TMP), ...event.values }, suspended: null } : {},
    ),
    addTmp: assign(({ context, event }) => (event.type === 'TMP_VALUES' ? { tmp: { ...context.tmp, ...event.values } } : {})),
    clearTmp: assign({ tmp: () => ({ ...EMPTY_TMP }) }),
    /** A side question while a dialogue asks: it is put aside, its slots kept, to be completed after. */
    suspend: assign((_, params: { dialogue: 'dosing' | 'tmp' }) => ({ suspended: params.dialogue })),
    clearSuspended: assign({ suspended: () => null }),
    setWalkStep: assign((_, params: { step: 0 | 1 | 2 | 3 }) => ({ walkStep: params.step })),
    answer: assign(({ context, event }) => {
      if (event.type !== 'ANSWER') return {};
      const previous = Object.fromEntries(Object.keys(event.answers).map((k) => [k, context.diff[k as DiffQuestion]]));
      return { diff: { ...context.diff, ...event.answers }, undo: { findings: {}, diff: previous } };
    }),
    skipQuestion: assign(({ context }, params: { question: DiffQuestion }) => ({
      diff: { ...context.diff, [params.question]: 'unknown' },
      undo: { findings: {}, diff: { [params.question]: context.diff[params.question] } },
    })),
    clearDiff: assign({ diff: () => ({ ...EMPTY_DIFF }), undo: () => null }),
  },
  guards: {
    canUndoFindings: ({ context }) => context.undo !== null && Object.keys(context.undo.findings).length > 0,
    canUndoDiff: ({ context }) => context.undo !== null && Object.keys(context.undo.diff).length > 0,
    findingKnown: ({ context }, params: { finding: FindingKey }) => context.findings[params.finding] !== null,
    walkStepIs: ({ context }, params: { step: 1 | 2 | 3 }) => context.walkStep === params.step,
    gotoIs: ({ event }, params: { step: 1 | 2 | 3 }) => event.type === 'GOTO' && event.step === params.step,
    noDrug: ({ context }) => context.dose.drug === null,
    /** Content-aware in the engine: a drug whose table rows give no dose at all needs no population. */
    populationMissing: ({ context }) => context.dose.population === null,
    /** Content-aware in the engine: only a per-kg row needs a weight, and only a plausible one will do. */
    weightMissing: ({ context }) => context.dose.weight === null,
    diffAnswered: ({ context }, params: { question: DiffQuestion }) => context.diff[params.question] !== null,
    /** All four values, each with a unit: the calculator can run (it checks units and ranges itself). */
    tmpComplete: ({ context }) => TMP_FIELDS.every((f) => context.tmp[f] !== null && context.tmp[f].unit !== null),
    /** Content-aware in the engine: at most one Table I condition is left. */
    diffSettled: () => false,
    /** Content-aware in the engine: no answer to this question could exclude any condition still left. */
    diffUninformative: (_, _params: { question: DiffQuestion }) => false,
  },
}).createMachine({
  id: CONVERSATION_MACHINE_ID,
  context: initialContext,
  initial: 'idle',
  on: {
    // Leaving a dialogue, or starting one, ends what "back" could take back.
    LOOKUP: { target: '.idle', actions: 'clearUndo' },
    MENU: { target: '.idle', actions: ['clearUndo', 'clearSuspended', 'clearDose', 'clearTmp'] },
    EXIT: { target: '.idle', actions: ['clearUndo', 'clearSuspended', 'clearDose', 'clearTmp'] },
    HELP: { actions: 'acknowledge' },
    REPEAT: { actions: 'acknowledge' },
    NOT_UNDERSTOOD: { actions: 'acknowledge' },
    DOSE: { target: '.dosing', actions: ['clearUndo', 'clearSuspended', 'startDose'] },
    WALKTHROUGH: { target: '.walkthrough', actions: ['clearUndo', 'clearSuspended'] },
    DIFFERENTIAL: { target: '.differential', actions: ['clearUndo', 'clearSuspended'] },
    TMP: { target: '.tmp', actions: ['clearUndo', 'startTmp'] },
  },
  states: {
    idle: {},

    walkthrough: {
      initial: 'resume',
      on: {
        GOTO: [
          { guard: { type: 'gotoIs', params: { step: 1 } }, target: '.step1', actions: 'clearUndo' },
          { guard: { type: 'gotoIs', params: { step: 2 } }, target: '.step2', actions: 'clearUndo' },
          { guard: { type: 'gotoIs', params: { step: 3 } }, target: '.step3', actions: 'clearUndo' },
        ],
        SUMMARY: { actions: 'acknowledge' },
        RESTART: { target: '.step1', actions: 'clearFindings' },
      },
      states: {
        // Findings and the step outlive a detour to another question, so the team can come back.
        resume: {
          always: [
            { guard: { type: 'walkStepIs', params: { step: 1 } }, target: 'step1' },
            { guard: { type: 'walkStepIs', params: { step: 2 } }, target: 'step2' },
            { guard: { type: 'walkStepIs', params: { step: 3 } }, target: 'step3' },
            // A team that asks for the walkthrough wants Step 1 at once; the introduction is one "back" away.
            { target: 'step1' },
          ],
        },
        intro: {
          tags: ['asking', 'offers-next'],
          meta: { step: 0 },
          entry: { type: 'setWalkStep', params: { step: 0 } },
          on: {
            // Already at the start: the reply says so.
            BACK: { actions: 'acknowledge' },
            NEXT: { target: 'step1', actions: 'clearUndo' },
            RECORD: { target: 'step1', actions: 'record' },
          },
        },
        step1: {
          tags: 'asking',
          meta: { step: 1 },
          entry: { type: 'setWalkStep', params: { step: 1 } },
          initial: 'phosphate',
          on: {
            NEXT: { target: 'step2', actions: 'clearUndo' },
            BACK: [
              { guard: 'canUndoFindings', target: '.phosphate', actions: 'undoLast' },
              { target: 'intro', actions: 'clearUndo' },
            ],
            // Re-entering the first question lets the eventless guards land on the first one still open.
            RECORD: { target: '.phosphate', actions: 'record' },
          },
          states: {
            phosphate: {
              meta: { asks: { kind: 'finding', finding: 'phosphate' } },
              always: { guard: { type: 'findingKnown', params: { finding: 'phosphate' } }, target: 'ckd' },
              on: { SKIP: { target: 'ckd', actions: { type: 'skipFinding', params: { finding: 'phosphate' } } } },
            },
            ckd: {
              meta: { asks: { kind: 'finding', finding: 'ckd' } },
              always: { guard: { type: 'findingKnown', params: { finding: 'ckd' } }, target: 'masses' },
              on: { SKIP: { target: 'masses', actions: { type: 'skipFinding', params: { finding: 'ckd' } } } },
            },
            masses: {
              meta: { asks: { kind: 'finding', finding: 'masses' } },
              always: { guard: { type: 'findingKnown', params: { finding: 'masses' } }, target: 'complete' },
              on: { SKIP: { target: 'complete', actions: { type: 'skipFinding', params: { finding: 'masses' } } } },
            },
            complete: { tags: 'offers-next' },
          },
        },
        step2: {
          tags: 'asking',
          meta: { step: 2 },
          entry: { type: 'setWalkStep', params: { step: 2 } },
          initial: 'genetics',
          on: {
            NEXT: { target: 'step3', actions: 'clearUndo' },
            BACK: [
              { guard: 'canUndoFindings', target: '.genetics', actions: 'undoLast' },
              { target: 'step1', actions: 'clearUndo' },
            ],
            RECORD: { target: '.genetics', actions: 'record' },
          },
          states: {
            genetics: {
              meta: { asks: { kind: 'finding', finding: 'genetics' } },
              always: { guard: { type: 'findingKnown', params: { finding: 'genetics' } }, target: 'complete' },
              on: { SKIP: { target: 'complete', actions: { type: 'skipFinding', params: { finding: 'genetics' } } } },
            },
            complete: { tags: 'offers-next' },
          },
        },
        step3: {
          tags: 'asking',
          meta: { step: 3 },
          entry: { type: 'setWalkStep', params: { step: 3 } },
          on: {
            // The last step: the reply says so.
            NEXT: { actions: 'acknowledge' },
            BACK: [{ guard: 'canUndoFindings', actions: 'undoLast' }, { target: 'step2', actions: 'clearUndo' }],
            RECORD: { actions: 'record' },
          },
        },
      },
    },

    dosing: {
      initial: 'route',
      // Slots outlive a side question (the dose is completed after it) and name the last subject
      // for a follow-up ("e quando lo sospendo?"); the next dose question starts from its own message.
      on: {
        RESTART: { target: '.route', actions: 'clearDose' },
      },
      states: {
        route: {
          always: [
            { guard: 'noDrug', target: 'askDrug' },
            { guard: 'populationMissing', target: 'askPopulation' },
            { guard: 'weightMissing', target: 'askWeight' },
            { target: 'done' },
          ],
        },
        askDrug: {
          tags: 'asking',
          meta: { asks: { kind: 'dose-slot', slot: 'drug' } },
          on: { SLOT: { target: 'route', actions: 'fillSlots' }, LOOKUP: { target: '#conversation.idle', actions: { type: 'suspend', params: { dialogue: 'dosing' } } } },
        },
        askPopulation: {
          tags: 'asking',
          meta: { asks: { kind: 'dose-slot', slot: 'population' } },
          on: {
            LOOKUP: { target: '#conversation.idle', actions: { type: 'suspend', params: { dialogue: 'dosing' } } },
            SLOT: { target: 'route', actions: 'fillSlots' },
            SKIP: 'done',
          },
        },
        askWeight: {
          tags: 'asking',
          meta: { asks: { kind: 'dose-slot', slot: 'weight' } },
          on: {
            LOOKUP: { target: '#conversation.idle', actions: { type: 'suspend', params: { dialogue: 'dosing' } } },
            SLOT: { target: 'route', actions: 'fillSlots' },
            // Without a weight the rule is shown as written and nothing is computed.
            SKIP: { target: 'done', actions: 'clearWeight' },
          },
        },
        done: {
          tags: 'answered',
          entry: 'doseAnswered',
          // "and for 25 kg?" after an answer refines the same drug.
          on: { SLOT: { target: 'route', actions: 'fillSlots' } },
        },
      },
    },

    differential: {
      initial: 'ckd',
      exit: 'clearDiff',
      on: {
        // Answers may come in any order and several at once; the first open question is asked next.
        ANSWER: { target: '.ckd', actions: 'answer' },
        // "indietro" takes the last answer back; with none to take back, the reply says so.
        BACK: [{ guard: 'canUndoDiff', target: '.ckd', actions: 'undoLast' }, { actions: 'acknowledge' }],
        RESTART: { target: '.ckd', actions: 'clearDiff' },
      },
      states: {
        ckd: {
          tags: 'asking',
          meta: { asks: { kind: 'diff-question', question: 'ckd' } },
          always: [
            // Every answer comes back through here, so this is the one place the list can settle.
            { guard: 'diffSettled', target: 'result' },
            { guard: { type: 'diffAnswered', params: { question: 'ckd' } }, target: 'connective' },
            { guard: { type: 'diffUninformative', params: { question: 'ckd' } }, target: 'connective' },
          ],
          on: { SKIP: { target: 'connective', actions: { type: 'skipQuestion', params: { question: 'ckd' } } } },
        },
        connective: {
          tags: 'asking',
          meta: { asks: { kind: 'diff-question', question: 'connective' } },
          always: [
            { guard: { type: 'diffAnswered', params: { question: 'connective' } }, target: 'location' },
            { guard: { type: 'diffUninformative', params: { question: 'connective' } }, target: 'location' },
          ],
          on: { SKIP: { target: 'location', actions: { type: 'skipQuestion', params: { question: 'connective' } } } },
        },
        location: {
          tags: 'asking',
          meta: { asks: { kind: 'diff-question', question: 'location' } },
          always: [
            { guard: { type: 'diffAnswered', params: { question: 'location' } }, target: 'erosion' },
            { guard: { type: 'diffUninformative', params: { question: 'location' } }, target: 'erosion' },
          ],
          on: { SKIP: { target: 'erosion', actions: { type: 'skipQuestion', params: { question: 'location' } } } },
        },
        erosion: {
          tags: 'asking',
          meta: { asks: { kind: 'diff-question', question: 'erosion' } },
          always: [
            { guard: { type: 'diffAnswered', params: { question: 'erosion' } }, target: 'urate' },
            { guard: { type: 'diffUninformative', params: { question: 'erosion' } }, target: 'urate' },
          ],
          on: { SKIP: { target: 'urate', actions: { type: 'skipQuestion', params: { question: 'erosion' } } } },
        },
        urate: {
          tags: 'asking',
          meta: { asks: { kind: 'diff-question', question: 'urate' } },
          always: [
            { guard: { type: 'diffAnswered', params: { question: 'urate' } }, target: 'result' },
            { guard: { type: 'diffUninformative', params: { question: 'urate' } }, target: 'result' },
          ],
          on: { SKIP: { target: 'result', actions: { type: 'skipQuestion', params: { question: 'urate' } } } },
        },
        result: { tags: 'answered' },
      },
    },

    tmp: {
      initial: 'route',
      on: {
        RESTART: { target: '.route', actions: 'clearTmp' },
      },
      states: {
        route: {
          always: [{ guard: 'tmpComplete', target: 'done' }, { target: 'collecting' }],
        },
        collecting: {
          tags: 'asking',
          meta: { asks: { kind: 'tmp-values' } },
          on: {
            TMP_VALUES: { target: 'route', actions: 'addTmp' },
            LOOKUP: { target: '#conversation.idle', actions: [{ type: 'suspend', params: { dialogue: 'tmp' } }, 'clearUndo'] },
          },
        },
        // A value typed after the result corrects it, and the result is computed again.
        done: {
          tags: 'answered',
          on: { TMP_VALUES: { target: 'route', actions: 'addTmp' } },
        },
      },
    },
  },
});

export type ConversationMachine = typeof conversationMachine;

/** The dialogues, the machine's top-level states. */
export type Region = 'idle' | 'walkthrough' | 'dosing' | 'differential' | 'tmp';
const REGIONS: readonly Region[] = ['idle', 'walkthrough', 'dosing', 'differential', 'tmp'];

/** The dotted path of a state the conversation rests in between two messages, e.g. "walkthrough.step1.ckd". */
export type RestingState = string;

/** What the machine says about one resting state: its tags and meta, with those of the states around it. */
export interface StateMeaning {
  region: Region;
  tags: ReadonlySet<StateTag>;
  asks: Asks | null;
  step: 0 | 1 | 2 | 3 | null;
}

type AnyNode = (typeof conversationMachine)['root'];

function* leaves(node: AnyNode): Generator<AnyNode> {
  const children = Object.values(node.states) as AnyNode[];
  if (children.length === 0) yield node;
  for (const child of children) yield* leaves(child);
}

/**
 * A leaf state with an eventless transition that always fires (`dosing.route`, `walkthrough.resume`)
 * is passed through within a macrostep; every other leaf is one a conversation can rest in.
 */
function isTransient(node: AnyNode): boolean {
  return (node.always ?? []).some((t) => t.guard === undefined);
}

function meaningOf(node: AnyNode): StateMeaning {
  const tags = new Set<StateTag>();
  const meta: StateMeta = {};
  const lineage: AnyNode[] = [];
  for (let n: AnyNode | undefined = node; n !== undefined && n !== conversationMachine.root; n = n.parent as AnyNode | undefined) lineage.unshift(n);
  for (const n of lineage) {
    for (const tag of n.tags) tags.add(tag as StateTag);
    Object.assign(meta, n.meta as StateMeta | undefined);
  }
  const region = node.path[0] as Region;
  if (!REGIONS.includes(region)) throw new Error(`a top-level state that is not a region: ${region}`);
  return { region, tags, asks: meta.asks ?? null, step: meta.step ?? null };
}

const MEANINGS: ReadonlyMap<RestingState, StateMeaning> = new Map(
  [...leaves(conversationMachine.root)].filter((n) => !isTransient(n)).map((n) => [n.path.join('.'), meaningOf(n)]),
);

/** Every state a conversation can rest in between two messages, read off the machine. */
export const RESTING_STATES: readonly RestingState[] = [...MEANINGS.keys()];

/** The dotted path of the state a snapshot rests in, e.g. "walkthrough.step1.ckd". */
export function restingState(value: unknown): RestingState {
  const parts: string[] = [];
  let v: unknown = value;
  while (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v as Record<string, unknown>);
    const first = entries[0];
    if (!first || entries.length !== 1) break;
    parts.push(first[0]);
    v = first[1];
  }
  if (typeof v === 'string') parts.push(v);
  const path = parts.join('.');
  if (!MEANINGS.has(path)) throw new Error(`not a resting state of the conversation: ${path}`);
  return path;
}

/** What the machine says about a resting state (throws for a path that is not one). */
export function stateMeaning(state: RestingState): StateMeaning {
  const meaning = MEANINGS.get(state);
  if (!meaning) throw new Error(`not a resting state of the conversation: ${state}`);
  return meaning;
}
