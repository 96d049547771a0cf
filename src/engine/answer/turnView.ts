/**
 * What a dialogue reply is built from: the state before and after the turn's one event, and the
 * event. The reply depends on all three (recording "phosphate high" shows the PDTA passage for it;
 * re-entering the same step does not), and on nothing else, so the path tests can build the reply
 * for any state the machine reaches.
 */
import type { ConversationContext, DiffQuestion, FindingKey } from '../../../machines/context.js';
import { stateMeaning, type Region, type RestingState } from '../../../machines/conversation.js';
import type { ConversationEvent } from '../../../machines/events.js';
import type { Reply } from '../../reply/model.js';

export interface StateView {
  state: RestingState;
  context: ConversationContext;
}

export interface TurnView {
  before: StateView;
  /** Null for a conversation's first reply before any event (the path tests' initial state). */
  event: ConversationEvent | null;
  after: StateView;
}

export type { Region } from '../../../machines/conversation.js';

/** The dialogue a state belongs to, as the machine says. */
export function regionOf(state: RestingState): Region {
  return stateMeaning(state).region;
}

/** States in which the conversation waits for the answer to a question of its own (the machine's `asking` tag). */
export function isAskingState(state: RestingState): boolean {
  return stateMeaning(state).tags.has('asking');
}

/** The finding a walkthrough state asks the team to record, as the machine's `meta.asks` says. */
export function pendingFinding(state: RestingState): FindingKey | null {
  const asks = stateMeaning(state).asks;
  return asks?.kind === 'finding' ? asks.finding : null;
}

/** The Table I question a differential state asks, as the machine's `meta.asks` says. */
export function pendingQuestion(state: RestingState): DiffQuestion | null {
  const asks = stateMeaning(state).asks;
  return asks?.kind === 'diff-question' ? asks.question : null;
}

/** The dose slot the dosing dialogue asks for, as the machine's `meta.asks` says. */
export function pendingSlot(state: RestingState): 'drug' | 'population' | 'weight' | null {
  const asks = stateMeaning(state).asks;
  return asks?.kind === 'dose-slot' ? asks.slot : null;
}

/** The walkthrough step a state belongs to (0: the introduction, and any state outside the walkthrough). */
export function walkStepOf(state: RestingState): 0 | 1 | 2 | 3 {
  return stateMeaning(state).step ?? 0;
}

/** A copy of `reply` with one text block first (e.g. "dialogue closed" before an answer to a new question). */
export function withLead(reply: Reply, lead: string): Reply {
  return { ...reply, blocks: [{ type: 'text', body: lead }, ...reply.blocks] };
}

/** Several replies as one message: the first one's kind, everything else in order, at most eight buttons. */
export function combine(kind: Reply['kind'], parts: readonly Reply[]): Reply {
  const first = parts[0];
  if (!first) throw new Error('combine needs at least one reply');
  const out: Reply = { lang: first.lang, kind, blocks: [], warnings: [], citations: [], actions: [], itemIds: [] };
  const lead: NonNullable<Reply['lead']> = [];
  for (const r of parts) {
    for (const l of r.lead ?? []) if (!lead.some((x) => x.text === l.text)) lead.push(l);
    out.blocks.push(...r.blocks);
    for (const w of r.warnings) if (!out.warnings.includes(w)) out.warnings.push(w);
    for (const c of r.citations) if (!out.citations.some((x) => x.section === c.section && x.heading === c.heading)) out.citations.push(c);
    for (const a of r.actions) if (!out.actions.some((x) => x.value === a.value) && out.actions.length < 8) out.actions.push(a);
    for (const id of r.itemIds) if (!out.itemIds.includes(id)) out.itemIds.push(id);
  }
  if (lead.length > 0) out.lead = lead;
  return out;
}

/** The reply without its buttons, to be combined with the dialogue's own. */
export function withoutActions(reply: Reply): Reply {
  return { ...reply, actions: [] };
}
