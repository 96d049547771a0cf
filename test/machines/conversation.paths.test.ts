/**
 * Path tests of the conversation machine with @xstate/graph: every state the machine can rest in
 * is reached, every transition it declares is taken, and the reply for the end of every shortest
 * path is built from content/ without throwing. The machine is the one production runs
 * (`productionMachine`, src/engine/turn.ts): its guards and actions are wired in one place, so a
 * guard missing or wrong there fails these tests, and the last test proves they would notice.
 */
import { adjacencyMapToArray, getAdjacencyMap, getShortestPaths, getStateNodes, type AdjacencyMap } from '@xstate/graph';
import { createActor, type AnyTransitionDefinition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { DIFF_QUESTIONS, FINDING_KEYS, TMP_FIELDS, type ConversationContext } from '../../machines/context.js';
import { conversationMachine, RESTING_STATES, restingState, stateMeaning } from '../../machines/conversation.js';
import type { ConversationEvent } from '../../machines/events.js';
import { Catalog } from '../../src/content/catalog.js';
import { conversationReply } from '../../src/engine/answer/conversationReply.js';
import { regionOf } from '../../src/engine/answer/turnView.js';
import { contentGuards, dialogueTherapy, hasAnyDose, rowFor, weightAccepted } from '../../src/engine/conversationGuards.js';
import { remaining, uninformative } from '../../src/engine/differential.js';
import { loadAssistant } from '../../src/engine/loadAssistant.js';
import { productionMachine } from '../../src/engine/turn.js';
import { renderPlainText } from '../../src/reply/plainText.js';

const assistant = loadAssistant();
const machine = productionMachine(assistant.catalog).machine;
type Machine = typeof machine;
type MachineSnapshot = ReturnType<Machine['transition']>;
const CONTENT_GUARDS = Object.keys(contentGuards(assistant.catalog)) as Array<keyof ReturnType<typeof contentGuards>>;

const kg = (value: number) => ({ value, unit: 'kg' as const, assumedUnit: false });

/** One or a few samples of every event, chosen to take every guarded branch. */
const EVENTS: ConversationEvent[] = [
  { type: 'LOOKUP', text: 'cosa prevede lo step 2?' },
  { type: 'MENU' },
  { type: 'HELP' },
  { type: 'EXIT' },
  { type: 'REPEAT' },
  { type: 'NOT_UNDERSTOOD', reason: 'unclear', text: 'asdfgh' },
  { type: 'DOSE', drug: 'therapy.neridronate', population: null, weight: null },
  { type: 'DOSE', drug: 'therapy.neridronate', population: 'paediatric', weight: kg(18) },
  { type: 'DOSE', drug: 'therapy.zoledronate', population: 'paediatric', weight: kg(1800) },
  { type: 'DOSE', drug: null, population: 'paediatric', weight: null },
  { type: 'DOSE', drug: 'therapy.low-phosphate-diet', population: null, weight: null },
  { type: 'DOSE', drug: 'therapy.alendronate', population: null, weight: null },
  // A therapy class, not a row of the table: the dialogue must ask which drug.
  { type: 'DOSE', drug: 'therapy.bisphosphonates', population: 'adult', weight: null },
  { type: 'SLOT', population: 'paediatric' },
  { type: 'SLOT', population: 'adult' },
  { type: 'SLOT', weight: kg(18) },
  { type: 'SLOT', weight: kg(1800) },
  { type: 'SLOT', drug: 'therapy.neridronate' },
  { type: 'WALKTHROUGH' },
  { type: 'NEXT' },
  { type: 'BACK' },
  { type: 'GOTO', step: 1 },
  { type: 'GOTO', step: 2 },
  { type: 'GOTO', step: 3 },
  { type: 'SUMMARY' },
  { type: 'RESTART' },
  { type: 'RECORD', findings: { phosphate: 'high' } },
  { type: 'RECORD', findings: { ckd: 'no' } },
  { type: 'RECORD', findings: { masses: 'yes' } },
  { type: 'RECORD', findings: { genetics: 'fgf23' } },
  { type: 'RECORD', findings: { phosphate: 'normal', ckd: 'yes', genetics: 'samd9', masses: 'no' } },
  { type: 'SKIP' },
  { type: 'DIFFERENTIAL' },
  { type: 'ANSWER', answers: { ckd: 'no' } },
  { type: 'ANSWER', answers: { connective: 'no' } },
  { type: 'ANSWER', answers: { location: 'tendon' } },
  { type: 'ANSWER', answers: { location: 'muscle' } },
  { type: 'ANSWER', answers: { erosion: 'yes' } },
  { type: 'ANSWER', answers: { urate: 'no' } },
  { type: 'ANSWER', answers: { location: 'not-tendon' } },
  { type: 'TMP', values: {}, resume: false },
  { type: 'TMP', values: { serumPhosphate: { value: 2, unit: 'mmol/l' } }, resume: true },
  { type: 'TMP_VALUES', values: { urinePhosphate: { value: 40, unit: 'mmol/l' }, serumCreatinine: { value: 80, unit: 'umol/l' }, urineCreatinine: { value: 10, unit: 'mmol/l' } } },
  { type: 'TMP_VALUES', values: { serumPhosphate: { value: 1.8, unit: null } } },
];

/**
 * A vertex is the state plus the part of the context that state's guards and reply read: the
 * findings (recorded or not) in the walkthrough, the slots in the dosing dialogue, the answers in
 * the differential, the step to resume at when idle. Everything else would only multiply vertices.
 */
function serializeState(snapshot: MachineSnapshot): string {
  const context = snapshot.context as ConversationContext;
  const state = restingState(snapshot.value);
  switch (regionOf(state)) {
    case 'idle':
      return JSON.stringify([state, context.walkStep, context.suspended]);
    case 'walkthrough':
      return JSON.stringify([state, FINDING_KEYS.map((k) => context.findings[k] !== null), context.undo !== null]);
    case 'dosing':
      return JSON.stringify([state, context.dose]);
    case 'differential':
      return JSON.stringify([state, context.diff, context.undo !== null]);
    case 'tmp':
      return JSON.stringify([state, TMP_FIELDS.map((f) => context.tmp[f]?.unit ?? context.tmp[f]?.value ?? null)]);
    default:
      throw new Error(state);
  }
}

const options = { events: EVENTS, serializeState };

function transitionKeys(m: Machine): Map<AnyTransitionDefinition, string> {
  const keys = new Map<AnyTransitionDefinition, string>();
  for (const node of [m.root, ...getStateNodes(m.root)]) {
    for (const [eventType, defs] of node.transitions) defs.forEach((d, i) => keys.set(d, `${node.id} ${eventType}#${i}`));
    (node.always ?? []).forEach((d, i) => keys.set(d, `${node.id} always#${i}`));
  }
  return keys;
}

/**
 * Whether a snapshot is what its state says it is (the machine's `meta.asks` and tags), judged
 * from content/: a state asks only for what is missing, and a result is shown only when nothing is.
 * These are the guards' jobs, so a guard lost or miswired in production breaks one of them.
 */
function meaningViolation(catalog: Catalog, snapshot: MachineSnapshot): string | null {
  const context = snapshot.context as ConversationContext;
  const state = restingState(snapshot.value);
  const meaning = stateMeaning(state);
  const conditions = catalog.content.conditions;
  const therapy = dialogueTherapy(catalog, context.dose.drug);
  const row = therapy && context.dose.population ? rowFor(therapy, context.dose.population) : null;
  const tmpComplete = TMP_FIELDS.every((f) => context.tmp[f]?.unit != null);
  const where = `${state} with ${JSON.stringify(context)}`;
  if (meaning.region !== 'idle' && !meaning.tags.has('asking') && !meaning.tags.has('answered')) return `${where}: neither asking nor answered`;
  const asks = meaning.asks;
  switch (asks?.kind) {
    case 'finding':
      return context.findings[asks.finding] === null ? null : `${where}: asks a finding already recorded`;
    case 'diff-question':
      if (context.diff[asks.question] !== null) return `${where}: asks a question already answered`;
      if (remaining(conditions, context.diff).length <= 1) return `${where}: asks although Table I is settled`;
      return uninformative(conditions, context.diff, asks.question) ? `${where}: asks a question no answer to which excludes anything` : null;
    case 'dose-slot':
      if (asks.slot === 'drug') return therapy === undefined ? null : `${where}: asks for a drug it has`;
      if (therapy === undefined) return `${where}: asks a slot without a drug`;
      if (asks.slot === 'population') return hasAnyDose(therapy) && context.dose.population === null ? null : `${where}: asks for a population it does not need`;
      return row?.kind === 'per-kg' && !weightAccepted(context.dose) ? null : `${where}: asks for a weight it does not need`;
    case 'tmp-values':
      return tmpComplete ? `${where}: asks for values it has` : null;
    case undefined:
      break;
    default: {
      const never: never = asks;
      return never;
    }
  }
  if (!meaning.tags.has('answered')) return null;
  switch (meaning.region) {
    case 'dosing':
      if (therapy === undefined) return `${where}: a dose answered without a drug`;
      return context.dose.weight !== null && row?.kind === 'per-kg' && !weightAccepted(context.dose) ? `${where}: a dose answered from a weight refused` : null;
    case 'differential':
      return remaining(conditions, context.diff).length <= 1 || DIFF_QUESTIONS.every((q) => context.diff[q] !== null || uninformative(conditions, context.diff, q))
        ? null
        : `${where}: the result shown while a question could still exclude a condition`;
    case 'tmp':
      return tmpComplete ? null : `${where}: a result without all four values`;
    default:
      return null;
  }
}

type Adjacency = AdjacencyMap<MachineSnapshot, ConversationEvent>;

function traverse(m: Machine): Adjacency {
  return getAdjacencyMap(m, options) as Adjacency;
}

/** Every vertex of the traversal that is not what its state says. */
function violations(catalog: Catalog, adjacency: Adjacency): string[] {
  const found = new Set<string>();
  for (const vertex of Object.values(adjacency)) {
    const violation = meaningViolation(catalog, vertex.state);
    if (violation) found.add(violation);
  }
  return [...found];
}

/** The transitions the traversal's edges take, seen through XState's inspection API. */
function takenTransitions(m: Machine, adjacency: Adjacency): Set<string> {
  const keys = transitionKeys(m);
  const taken = new Set<string>();
  for (const edge of adjacencyMapToArray(adjacency)) {
    const actor = createActor(m, {
      snapshot: m.getPersistedSnapshot(edge.state),
      inspect: (e) => {
        if (e.type !== '@xstate.microstep') return;
        for (const d of e._transitions) {
          const key = keys.get(d);
          if (key) taken.add(key);
        }
      },
    });
    actor.start();
    actor.send(edge.event);
    actor.stop();
  }
  return taken;
}

/**
 * In the real Table I two conditions (chondrosarcoma, myositis ossificans) state no feature at all,
 * so no answer narrows the list to one, and the first two questions always exclude something:
 * those branches are taken with smaller tables.
 */
const NARROW_TABLES = [
  ['condition.uremic-tc', 'condition.calcific-tendinitis', 'condition.gout'],
  ['condition.chondrosarcoma', 'condition.myositis-ossificans'],
];

const CATALOGS = [
  assistant.catalog,
  ...NARROW_TABLES.map((ids) => new Catalog({ ...assistant.catalog.content, conditions: assistant.catalog.content.conditions.filter((c) => ids.includes(c.id)) })),
];

/**
 * What the traversals of a machine (built for the real content and for the narrower tables) find
 * wrong: states that are not what they say, and transitions it declares that none takes. With
 * `firstFound`, it stops at the first catalog that shows something wrong.
 */
function pathFailures(machineFor: (catalog: Catalog) => Machine, { firstFound = false } = {}): string[] {
  const traversed = CATALOGS.map((catalog) => ({ catalog, machine: machineFor(catalog), adjacency: null as Adjacency | null }));
  const failures: string[] = [];
  for (const t of traversed) {
    t.adjacency = traverse(t.machine);
    failures.push(...violations(t.catalog, t.adjacency));
    if (firstFound && failures.length > 0) return failures;
  }
  const taken = new Set<string>();
  for (const t of traversed) for (const key of takenTransitions(t.machine, t.adjacency!)) taken.add(key);
  const declared = [...transitionKeys(traversed[0]!.machine).values()];
  return [...failures, ...declared.filter((k) => !taken.has(k)).map((k) => `never taken: ${k}`)];
}

describe('conversation machine paths', () => {
  const paths = getShortestPaths(machine, options);

  it('reaches every resting state, and only those', () => {
    const reached = new Set(paths.map((p) => restingState(p.state.value)));
    expect([...reached].sort()).toEqual([...RESTING_STATES].sort());
  });

  it('renders a reply, with its citations and buttons, at the end of every shortest path', () => {
    expect(paths.length).toBeGreaterThan(100);
    console.info(`${paths.length} shortest paths, one per vertex`);
    for (const path of paths) {
      const last = path.steps[path.steps.length - 1]!;
      const previous = path.steps.length > 1 ? path.steps[path.steps.length - 2]!.state : path.steps[0]!.state;
      const event = (last.event.type as string) === 'xstate.init' ? null : (last.event as ConversationEvent);
      const view = (s: MachineSnapshot) => ({ state: restingState(s.value), context: s.context as ConversationContext });
      for (const lang of ['it', 'en'] as const) {
        const reply = conversationReply(assistant, lang, { before: view(previous), event, after: view(path.state) });
        const where = `${restingState(path.state.value)} after ${JSON.stringify(event)}`;
        expect(reply.blocks.length, where).toBeGreaterThan(0);
        expect(reply.actions.length, where).toBeGreaterThan(0);
        expect(reply.actions.length, where).toBeLessThanOrEqual(8);
        if (restingState(path.state.value) !== 'idle' || event?.type === 'LOOKUP') expect(reply.citations.length, `${where}\n${renderPlainText(reply)}`).toBeGreaterThan(0);
        expect(renderPlainText(reply), where).not.toMatch(/undefined|NaN|\[object Object\]/);
      }
    }
  });

  it('takes every transition the machine declares, and rests only in states that are what they say', () => {
    expect(transitionKeys(machine).size).toBeGreaterThan(60);
    expect(pathFailures((catalog) => productionMachine(catalog).machine)).toEqual([]);
  });

  // The production wiring with one content guard left out (the machine's own default in its place):
  // what the tests above would be driving if turn.ts forgot it. Each must be noticed.
  it.each(CONTENT_GUARDS)('fails when the production machine loses its %s guard', (guard) => {
    const fallback = conversationMachine.implementations.guards[guard];
    const failures = pathFailures((catalog) => productionMachine(catalog).machine.provide({ guards: { [guard]: fallback } }), { firstFound: true });
    expect(failures.length, guard).toBeGreaterThan(0);
  });
});
