/**
 * The evaluation of `pdta ask` against test/eval/questions.yaml: each question as a clinician types
 * it, with what the reply must be (kind, content items, words it must and must not show). Used by
 * `npm run eval` and by test/eval/eval.test.ts.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Reply } from '../reply/model.js';
import { renderPlainText } from '../reply/plainText.js';
import type { Assistant } from './assistant.js';

export const EvalCase = z.object({
  q: z.string(),
  lang: z.enum(['it', 'en']),
  /** PDTA section the question is about, for the per-section summary. */
  section: z.string(),
  expect: z.object({
    kind: z.enum(['answer', 'dose', 'calculation', 'differential', 'not-covered', 'clarify', 'menu', 'walkthrough', 'fallback']),
    items: z.array(z.string()).default([]),
    text: z.array(z.string()).default([]),
    notText: z.array(z.string()).default([]),
  }),
});
export type EvalCase = z.infer<typeof EvalCase>;

export function loadEvalCases(file: string): EvalCase[] {
  return z.array(EvalCase).parse(parse(readFileSync(file, 'utf8')));
}

export interface EvalOutcome {
  case: EvalCase;
  reply: Reply;
  problems: string[];
}

export function judge(c: EvalCase, reply: Reply): string[] {
  const problems: string[] = [];
  const text = renderPlainText(reply).toLowerCase();
  if (reply.lang !== c.lang) problems.push(`language ${reply.lang}, expected ${c.lang}`);
  if (reply.kind !== c.expect.kind) problems.push(`kind ${reply.kind}, expected ${c.expect.kind}`);
  for (const id of c.expect.items) if (!reply.itemIds.includes(id)) problems.push(`missing item ${id} (got ${reply.itemIds.join(', ') || 'none'})`);
  for (const s of c.expect.text) if (!text.includes(s.toLowerCase())) problems.push(`missing text "${s}"`);
  for (const s of c.expect.notText) if (text.includes(s.toLowerCase())) problems.push(`shows forbidden text "${s}"`);
  if (['answer', 'dose', 'calculation', 'differential', 'walkthrough'].includes(reply.kind) && reply.citations.length === 0) {
    problems.push('no citation');
  }
  return problems;
}

export function runEvaluation(assistant: Assistant, cases: readonly EvalCase[]): EvalOutcome[] {
  return cases.map((c) => {
    const reply = assistant.ask(c.q);
    return { case: c, reply, problems: judge(c, reply) };
  });
}

export function summarise(outcomes: readonly EvalOutcome[]): { passed: number; total: number; score: number; lines: string[] } {
  const passed = outcomes.filter((o) => o.problems.length === 0).length;
  const total = outcomes.length;
  const lines: string[] = [];
  const groups = new Map<string, { pass: number; total: number }>();
  for (const o of outcomes) {
    for (const key of [`lang ${o.case.lang}`, `section ${o.case.section}`, `kind ${o.case.expect.kind}`]) {
      const g = groups.get(key) ?? { pass: 0, total: 0 };
      g.total += 1;
      if (o.problems.length === 0) g.pass += 1;
      groups.set(key, g);
    }
  }
  for (const [key, g] of [...groups.entries()].sort()) lines.push(`${key.padEnd(24)} ${g.pass}/${g.total}`);
  for (const o of outcomes.filter((x) => x.problems.length > 0)) lines.push(`FAIL [${o.case.lang}] ${o.case.q}\n     ${o.problems.join('; ')}`);
  return { passed, total, score: total === 0 ? 0 : passed / total, lines };
}
