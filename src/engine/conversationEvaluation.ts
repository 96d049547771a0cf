/**
 * The evaluation of conversations (test/eval/conversations.yaml): messages typed or buttons clicked
 * turn after turn through the conversation engine, each turn with what the clinician must see and
 * what must have been recorded. Every failure is sorted into one of three kinds, reported apart:
 * - unsafe: a finding or an answer recorded contrary to what was said (or a value that must not be);
 * - not found: the reply did not understand or did not answer (a "not understood", the menu, a
 *   fallback, a finding left unrecorded);
 * - wrong page: an answer, but not the one expected.
 * Used by `npm run eval` and test/eval/conversations.test.ts.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { DiffAnswers, Findings, type ConversationContext } from '../../machines/context.js';
import { restingState } from '../../machines/conversation.js';
import type { Reply } from '../reply/model.js';
import { renderPlainText } from '../reply/plainText.js';
import type { Assistant } from './assistant.js';
import { runTurn, type ConversationSnapshot, type TurnInput } from './turn.js';

const Expect = z
  .object({
    kind: z.enum(['answer', 'dose', 'calculation', 'differential', 'not-covered', 'clarify', 'menu', 'walkthrough', 'fallback']).optional(),
    lang: z.enum(['it', 'en']).optional(),
    state: z.string().optional(),
    items: z.array(z.string()).default([]),
    text: z.array(z.string()).default([]),
    notText: z.array(z.string()).default([]),
    /** Text the reply's lead lines and first block must contain: what is said before anything else. */
    lead: z.array(z.string()).default([]),
    buttons: z.array(z.string()).default([]),
    findings: z.record(z.string(), z.string().nullable()).default({}),
    notFindings: z.record(z.string(), z.string()).default({}),
    diff: z.record(z.string(), z.string().nullable()).default({}),
    notDiff: z.record(z.string(), z.string()).default({}),
  })
  .strict();
export type TurnExpectation = z.infer<typeof Expect>;

const ConversationTurn = z.union([
  z.object({ say: z.string(), expect: Expect.optional() }).strict(),
  z.object({ click: z.string(), expect: Expect.optional() }).strict(),
]);

export const ConversationCase = z
  .object({
    id: z.string(),
    /** The issue's point it measures: negation, values, context, one-message. */
    point: z.enum(['negation', 'values', 'context', 'one-message']),
    lang: z.enum(['it', 'en']),
    turns: z.array(ConversationTurn).min(1),
  })
  .strict();
export type ConversationCase = z.infer<typeof ConversationCase>;

export const SingleQuestion = z.object({ q: z.string(), lang: z.enum(['it', 'en']), expect: Expect }).strict();
export type SingleQuestion = z.infer<typeof SingleQuestion>;

export const ConversationEvalFile = z.object({ conversations: z.array(ConversationCase), questions: z.array(SingleQuestion) }).strict();

export function loadConversationEval(file: string): z.infer<typeof ConversationEvalFile> {
  return ConversationEvalFile.parse(parse(readFileSync(file, 'utf8')));
}

export type Verdict = 'right' | 'not-found' | 'wrong-page' | 'unsafe';
const SEVERITY: Record<Verdict, number> = { right: 0, 'not-found': 1, 'wrong-page': 2, unsafe: 3 };

export interface TurnOutcome {
  verdict: Verdict;
  problems: string[];
}

const NOT_UNDERSTOOD = ['non ho capito', 'did not understand', 'non è tra le risposte possibili', 'is not one of the answers'];

function notFoundReply(reply: Reply, text: string): boolean {
  return reply.kind === 'fallback' || reply.kind === 'menu' || NOT_UNDERSTOOD.some((s) => text.includes(s));
}

/** What the reply says before anything else: its lead lines (every renderer shows them first) and its first block. */
function firstBlockText(reply: Reply): string {
  const lead = (reply.lead ?? []).map((l) => l.text).join('\n');
  const b = reply.blocks[0];
  if (!b) return lead.toLowerCase();
  const body = b.type === 'text' ? b.body : b.type === 'facts' ? b.facts.map((f) => `${f.label}: ${f.value}`).join('\n') : b.items.join('\n');
  return `${lead}\n${b.title ?? ''}\n${body}`.toLowerCase();
}

export function judgeTurn(e: TurnExpectation, reply: Reply, state: string, context: ConversationContext): TurnOutcome {
  const problems: string[] = [];
  let verdict: Verdict = 'right';
  const worse = (v: Verdict, problem: string) => {
    problems.push(problem);
    if (SEVERITY[v] > SEVERITY[verdict]) verdict = v;
  };
  const text = renderPlainText(reply).toLowerCase();
  const missed: Verdict = notFoundReply(reply, text) ? 'not-found' : 'wrong-page';
  const recorded = (kind: 'findings' | 'diff', key: string): string | null | undefined =>
    kind === 'findings' ? (context.findings as Record<string, string | null>)[key] : (context.diff as Record<string, string | null>)[key];
  for (const kind of ['findings', 'diff'] as const) {
    for (const [key, want] of Object.entries(e[kind])) {
      const got = recorded(kind, key);
      if (got === want) continue;
      // Nothing recorded where something was said is a miss; something else recorded is contrary to what was said.
      if (got === null || got === undefined) worse('not-found', `${kind}.${key} not recorded, expected ${want}`);
      else if (want === null || got === 'unknown') worse(want === null ? 'unsafe' : 'not-found', `${kind}.${key} = ${got}, expected ${want ?? 'nothing recorded'}`);
      else worse('unsafe', `${kind}.${key} = ${got}, expected ${want}`);
    }
  }
  for (const [key, never] of Object.entries(e.notFindings)) if (recorded('findings', key) === never) worse('unsafe', `findings.${key} recorded as ${never}`);
  for (const [key, never] of Object.entries(e.notDiff)) if (recorded('diff', key) === never) worse('unsafe', `diff.${key} recorded as ${never}`);
  if (e.kind && reply.kind !== e.kind) worse(missed, `kind ${reply.kind}, expected ${e.kind}`);
  if (e.lang && reply.lang !== e.lang) worse('wrong-page', `language ${reply.lang}, expected ${e.lang}`);
  if (e.state && !state.startsWith(e.state)) worse(missed, `state ${state}, expected ${e.state}`);
  for (const id of e.items) if (!reply.itemIds.includes(id)) worse(missed, `missing item ${id} (got ${reply.itemIds.join(', ') || 'none'})`);
  for (const s of e.text) if (!text.includes(s.toLowerCase())) worse(missed, `missing text "${s}"`);
  for (const s of e.notText) if (text.includes(s.toLowerCase())) worse('wrong-page', `shows forbidden text "${s}"`);
  const lead = firstBlockText(reply);
  for (const s of e.lead) if (!lead.includes(s.toLowerCase())) worse(missed, `first block lacks "${s}"`);
  const labels = reply.actions.map((a) => a.label.toLowerCase());
  for (const s of e.buttons) if (!labels.includes(s.toLowerCase())) worse(missed, `no button "${s}" (got ${reply.actions.map((a) => a.label).join(', ') || 'none'})`);
  if (['answer', 'dose', 'calculation', 'differential', 'walkthrough'].includes(reply.kind) && reply.citations.length === 0) worse('wrong-page', 'no citation');
  return { verdict, problems };
}

export interface ConversationOutcome {
  id: string;
  point: string;
  lang: string;
  verdict: Verdict;
  problems: string[];
}

/** One conversation, turn by turn; its verdict is its worst turn's. */
export function runConversation(assistant: Assistant, c: ConversationCase): ConversationOutcome {
  let snapshot: ConversationSnapshot | null = null;
  let lastReply: Reply | null = null;
  let verdict: Verdict = 'right';
  const problems: string[] = [];
  c.turns.forEach((turn, i) => {
    let input: TurnInput;
    if ('click' in turn) {
      const action = lastReply?.actions.find((a) => a.label.toLowerCase() === turn.click.toLowerCase());
      if (!action) {
        problems.push(`turn ${i + 1}: no button "${turn.click}" to click`);
        if (SEVERITY['not-found'] > SEVERITY[verdict]) verdict = 'not-found';
        return;
      }
      input = { action: action.value };
    } else {
      input = { text: turn.say };
    }
    const result = runTurn(assistant, snapshot, input);
    snapshot = result.snapshot;
    lastReply = result.replies[0]!;
    if (!turn.expect) return;
    const persisted = snapshot as ConversationSnapshot & { value: unknown; context: ConversationContext };
    const outcome = judgeTurn(turn.expect, lastReply, restingState(persisted.value), persisted.context);
    for (const p of outcome.problems) problems.push(`turn ${i + 1} (${'say' in turn ? turn.say : `[${turn.click}]`}): ${p}`);
    if (SEVERITY[outcome.verdict] > SEVERITY[verdict]) verdict = outcome.verdict;
  });
  return { id: c.id, point: c.point, lang: c.lang, verdict, problems };
}

/** A single question, as the first message of a fresh conversation (what a chat user sees). */
export function runSingleQuestion(assistant: Assistant, q: SingleQuestion): ConversationOutcome {
  const result = runTurn(assistant, null, { text: q.q });
  const persisted = result.snapshot as ConversationSnapshot & { value: unknown; context: ConversationContext };
  const outcome = judgeTurn({ ...q.expect, lang: q.expect.lang ?? q.lang }, result.replies[0]!, restingState(persisted.value), persisted.context);
  return { id: q.q, point: 'one-message', lang: q.lang, verdict: outcome.verdict, problems: outcome.problems };
}

export function summariseConversations(outcomes: readonly ConversationOutcome[]): { counts: Record<Verdict, number>; lines: string[] } {
  const counts: Record<Verdict, number> = { right: 0, 'not-found': 0, 'wrong-page': 0, unsafe: 0 };
  const groups = new Map<string, Record<Verdict, number>>();
  for (const o of outcomes) {
    counts[o.verdict] += 1;
    for (const key of [`point ${o.point}`, `lang ${o.lang}`]) {
      const g = groups.get(key) ?? { right: 0, 'not-found': 0, 'wrong-page': 0, unsafe: 0 };
      g[o.verdict] += 1;
      groups.set(key, g);
    }
  }
  const fmt = (g: Record<Verdict, number>) => `right ${g.right}, not found ${g['not-found']}, wrong page ${g['wrong-page']}, unsafe ${g.unsafe}`;
  const lines = [...groups.entries()].sort().map(([key, g]) => `${key.padEnd(20)} ${fmt(g)}`);
  for (const o of outcomes.filter((x) => x.verdict !== 'right')) lines.push(`${o.verdict.toUpperCase()} [${o.lang}] ${o.id}\n     ${o.problems.join('\n     ')}`);
  lines.push(`total: ${outcomes.length}; ${fmt(counts)}`);
  return { counts, lines };
}

// Keep the schemas' names in use so a rename of a context field breaks this file, not the YAML silently.
void Findings;
void DiffAnswers;
