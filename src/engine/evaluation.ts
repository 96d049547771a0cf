/**
 * The evaluation of `pdta ask` against the sets in test/eval/: each question as a clinician types
 * it, with what the reply must be (kind, content items, words it must and must not show, its first
 * line). Each reply is judged right, not found, wrong page, unsafe or incomplete. Used by
 * `npm run eval` and by test/eval/eval.test.ts.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Reply } from '../reply/model.js';
import { renderPlainText, renderPlainTextWithDetails } from '../reply/plainText.js';
import type { Assistant } from './assistant.js';

const Kind = z.enum(['answer', 'dose', 'calculation', 'differential', 'not-covered', 'clarify', 'menu', 'walkthrough', 'fallback']);

export const EvalCase = z.object({
  q: z.string(),
  lang: z.enum(['it', 'en']),
  /** PDTA section the question is about, for the per-section summary. */
  section: z.string(),
  /** What the question tests (bedside.yaml: condition, two-meaning, first-line, topic, not-found). */
  category: z.string().optional(),
  expect: z.object({
    /** The reply's kind, or any of several. */
    kind: z.union([Kind, z.array(Kind).min(1)]),
    /** Content items the reply must all be built from. */
    items: z.array(z.string()).default([]),
    /** Content items of which at least one must be in the reply (several pages answer the question). */
    anyItem: z.array(z.string()).default([]),
    text: z.array(z.string()).default([]),
    notText: z.array(z.string()).default([]),
    /** Words the first line of the plain-text reply must show. */
    lead: z.array(z.string()).default([]),
    /** A condition the PDTA does not address: a dose shown without `lead` on the first line is unsafe. */
    unaddressed: z.boolean().default(false),
  }),
});
export type EvalCase = z.infer<typeof EvalCase>;

export function loadEvalCases(file: string): EvalCase[] {
  return z.array(EvalCase).parse(parse(readFileSync(file, 'utf8')));
}

/**
 * right: every expectation met. unsafe: a dose shown for a condition the PDTA does not address
 * without the warning first, or a dose for something expected not covered. wrong page: a cited page
 * other than the expected ones (or a page where nothing should be found), the worst answer after an
 * unsafe one because a citation makes it look authoritative. not found: "not understood" where an
 * answer was expected. incomplete: the right page with a word, the first line or the kind missing.
 */
export type Outcome = 'right' | 'not found' | 'wrong page' | 'unsafe' | 'incomplete';
export const OUTCOMES: readonly Outcome[] = ['right', 'not found', 'wrong page', 'unsafe', 'incomplete'];

export interface EvalOutcome {
  case: EvalCase;
  reply: Reply;
  problems: string[];
  outcome: Outcome;
}

const PAGE_KINDS = new Set(['answer', 'dose', 'calculation', 'differential', 'walkthrough']);
/** A dose as a reply shows it: a number with a unit of dose. */
const DOSE_SHOWN = /\d(?:[.,]\d+)?\s*(?:mg|mcg|µg|iu|ui|cp)\b/i;

function firstLine(reply: Reply): string {
  return renderPlainText(reply).split('\n').find((l) => l.trim() !== '') ?? '';
}

export function judge(c: EvalCase, reply: Reply): string[] {
  return assess(c, reply).problems;
}

export function assess(c: EvalCase, reply: Reply): { problems: string[]; outcome: Outcome } {
  const problems: string[] = [];
  const full = renderPlainTextWithDetails(reply);
  const text = full.toLowerCase();
  const lead = firstLine(reply).toLowerCase();
  const kinds = Array.isArray(c.expect.kind) ? c.expect.kind : [c.expect.kind];
  if (reply.lang !== c.lang) problems.push(`language ${reply.lang}, expected ${c.lang}`);
  if (!kinds.includes(reply.kind)) problems.push(`kind ${reply.kind}, expected ${kinds.join(' or ')}`);
  for (const id of c.expect.items) if (!reply.itemIds.includes(id)) problems.push(`missing item ${id} (got ${reply.itemIds.join(', ') || 'none'})`);
  if (c.expect.anyItem.length > 0 && !c.expect.anyItem.some((id) => reply.itemIds.includes(id))) {
    problems.push(`none of ${c.expect.anyItem.join(', ')} (got ${reply.itemIds.join(', ') || 'none'})`);
  }
  for (const s of c.expect.text) if (!text.includes(s.toLowerCase())) problems.push(`missing text "${s}"`);
  for (const s of c.expect.notText) if (text.includes(s.toLowerCase())) problems.push(`shows forbidden text "${s}"`);
  for (const s of c.expect.lead) if (!lead.includes(s.toLowerCase())) problems.push(`first line lacks "${s}" (${firstLine(reply)})`);
  if (PAGE_KINDS.has(reply.kind) && reply.citations.length === 0) problems.push('no citation');
  if (problems.length === 0) return { problems, outcome: 'right' };

  const showsDose = reply.kind === 'dose' && DOSE_SHOWN.test(full);
  const leadMissing = c.expect.lead.some((s) => !lead.includes(s.toLowerCase()));
  if ((c.expect.unaddressed && showsDose && leadMissing) || (kinds.includes('not-covered') && showsDose)) return { problems, outcome: 'unsafe' };
  const expected = [...c.expect.items, ...c.expect.anyItem];
  const citedPage = PAGE_KINDS.has(reply.kind) && reply.citations.length > 0;
  const expectsPage = kinds.some((k) => PAGE_KINDS.has(k));
  if (citedPage && (!expectsPage || (expected.length > 0 && !expected.some((id) => reply.itemIds.includes(id))))) return { problems, outcome: 'wrong page' };
  if (reply.kind === 'fallback' && !kinds.includes('fallback')) return { problems, outcome: 'not found' };
  return { problems, outcome: 'incomplete' };
}

export function runEvaluation(assistant: Assistant, cases: readonly EvalCase[]): EvalOutcome[] {
  return cases.map((c) => {
    const reply = assistant.ask(c.q);
    return { case: c, reply, ...assess(c, reply) };
  });
}

/** How many replies had each outcome. */
export function countOutcomes(outcomes: readonly EvalOutcome[]): Record<Outcome, number> {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const o of outcomes) counts[o.outcome] += 1;
  return counts;
}

export function summarise(outcomes: readonly EvalOutcome[]): { passed: number; total: number; score: number; lines: string[] } {
  const passed = outcomes.filter((o) => o.problems.length === 0).length;
  const total = outcomes.length;
  const lines: string[] = [];
  const groups = new Map<string, { pass: number; total: number }>();
  for (const o of outcomes) {
    const kind = Array.isArray(o.case.expect.kind) ? o.case.expect.kind.join('|') : o.case.expect.kind;
    const keys = [`lang ${o.case.lang}`, `section ${o.case.section}`, `kind ${kind}`, ...(o.case.category ? [`category ${o.case.category}`] : [])];
    for (const key of keys) {
      const g = groups.get(key) ?? { pass: 0, total: 0 };
      g.total += 1;
      if (o.problems.length === 0) g.pass += 1;
      groups.set(key, g);
    }
  }
  for (const [key, g] of [...groups.entries()].sort()) lines.push(`${key.padEnd(24)} ${g.pass}/${g.total}`);
  const counts = countOutcomes(outcomes);
  lines.push(OUTCOMES.map((k) => `${k} ${counts[k]}`).join(' · '));
  for (const o of outcomes.filter((x) => x.problems.length > 0)) lines.push(`FAIL ${o.outcome.toUpperCase()} [${o.case.lang}] ${o.case.q}\n     ${o.problems.join('; ')}`);
  return { passed, total, score: total === 0 ? 0 : passed / total, lines };
}
