/**
 * Path tests of the conversation machine with @xstate/graph: every state the machine can rest in
 * is reached, every transition it declares is taken, and the reply for the end of every shortest
 * path is built from content/ without throwing. The machine runs with the real content's guards,
 * as it does in production.
 */
import { adjacencyMapToArray, getAdjacencyMap, getShortestPaths, getStateNodes } from '@xstate/graph';
import { createActor, type AnyTransitionDefinition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { FINDING_KEYS, TMP_FIELDS, type ConversationContext } from '../../machines/context.js';
import { RESTING_STATES, restingState } from '../../machines/conversation.js';
import type { ConversationEvent } from '../../machines/events.js';
import { Catalog } from '../../src/content/catalog.js';
import { conversationReply } from '../../src/engine/answer/conversationReply.js';
import { regionOf } from '../../src/engine/answer/turnView.js';
import { loadAssistant } from '../../src/engine/loadAssistant.js';
import { conversationFor } from '../../src/engine/turn.js';
import { renderPlainText } from '../../src/reply/plainText.js';

const assistant = loadAssistant();
const machine = conversationFor(assistant.catalog);
type Machine = typeof machine;
type MachineSnapshot = ReturnType<Machine['transition']>;

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

/** The transitions each edge of the traversal takes, seen through XState's inspection API. */
function takenTransitions(m: Machine): Set<string> {
  const keys = transitionKeys(m);
  const taken = new Set<string>();
  const edges = adjacencyMapToArray(getAdjacencyMap(m, options));
  for (const edge of edges) {
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

  it('takes every transition the machine declares', () => {
    const taken = takenTransitions(machine);
    // In the real Table I two conditions (chondrosarcoma, myositis ossificans) state no feature at
    // all, so no answer narrows the list to one, and the first two questions always exclude
    // something: those branches are taken with smaller tables.
    const tables = [
      ['condition.uremic-tc', 'condition.calcific-tendinitis', 'condition.gout'],
      ['condition.chondrosarcoma', 'condition.myositis-ossificans'],
    ];
    for (const ids of tables) {
      const narrow = new Catalog({ ...assistant.catalog.content, conditions: assistant.catalog.content.conditions.filter((c) => ids.includes(c.id)) });
      for (const key of takenTransitions(conversationFor(narrow))) taken.add(key);
    }
    const declared = [...transitionKeys(machine).values()];
    expect(declared.length).toBeGreaterThan(60);
    expect(declared.filter((k) => !taken.has(k))).toEqual([]);
  });
});
