/**
 * Loads content/ and validates it: each file against its zod schema, then the references between
 * files (unique ids, caution ids, related ids, step exams). A content error names the file and the
 * path inside it, so that whoever edits the YAML knows what to fix.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { Content, ContentFiles } from './schema.js';

export class ContentError extends Error {
  override readonly name = 'ContentError';
  constructor(readonly problems: string[]) {
    super(`content/ is invalid:\n- ${problems.join('\n- ')}`);
  }
}

/** content/ at the package root, whether running from src/ (tsx, vitest) or dist/src/ (built). */
export function defaultContentDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i += 1) {
    const candidate = join(dir, 'content');
    try {
      readFileSync(join(candidate, 'meta.yaml'));
      return candidate;
    } catch {
      dir = resolve(dir, '..');
    }
  }
  throw new ContentError(['content/meta.yaml not found above ' + fileURLToPath(import.meta.url)]);
}

function formatIssues(file: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => `${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

export function loadContent(dir: string = defaultContentDir()): Content {
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  for (const [file, { key, schema }] of Object.entries(ContentFiles)) {
    let data: unknown;
    try {
      data = parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message.split('\n')[0]}`);
      continue;
    }
    const result = schema.safeParse(data);
    if (!result.success) problems.push(...formatIssues(file, result.error));
    else if (Array.isArray(result.data)) raw[key] = [...((raw[key] as unknown[]) ?? []), ...result.data];
    else raw[key] = result.data;
  }
  if (problems.length > 0) throw new ContentError(problems);
  const content = Content.parse(raw);
  problems.push(...crossCheck(content));
  if (problems.length > 0) throw new ContentError(problems);
  return content;
}

function checkGuidance(content: Content, ids: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const kindOf = (id: string) => ids.get(id);
  for (const [i, g] of content.guidance.entries()) {
    const where = `guidance.yaml: ${i} (${g.finding})`;
    for (const id of g.ids) if (!ids.has(id)) problems.push(`${where}: id "${id}" does not exist`);
    const kinds = g.ids.map(kindOf);
    switch (g.show) {
      case 'topics':
        if (kinds.some((k) => k !== 'topics')) problems.push(`${where}: "topics" shows topics only`);
        break;
      case 'condition':
        if (kinds.length !== 1 || kinds[0] !== 'conditions') problems.push(`${where}: "condition" shows exactly one condition`);
        break;
      case 'phosphate-lowering':
        if (kinds[0] !== 'topics' || kinds.length < 2 || kinds.slice(1).some((k) => k !== 'therapies')) {
          problems.push(`${where}: "phosphate-lowering" shows one topic, then therapies`);
        }
        break;
      case 'class-rows':
        if (kinds.length !== 1 || !content.therapies.some((t) => t.memberOf === g.ids[0])) problems.push(`${where}: "class-rows" shows one therapy class with rows`);
        break;
      default: {
        const never: never = g.show;
        return never;
      }
    }
  }
  const seen = new Set<string>();
  for (const g of content.guidance) {
    for (const v of g.values) {
      const key = `${g.finding}=${v}`;
      if (seen.has(key)) problems.push(`guidance.yaml: ${key} has two entries`);
      seen.add(key);
    }
  }
  return problems;
}

function crossCheck(content: Content): string[] {
  const problems: string[] = [];
  const ids = new Map<string, string>();
  const collections = {
    topics: content.topics,
    exams: content.exams,
    therapies: content.therapies,
    conditions: content.conditions,
    followup: content.followup,
    specialists: content.specialists,
    algorithm: content.algorithm,
    cautions: content.cautions,
    unaddressed: content.unaddressed,
  };
  for (const [name, items] of Object.entries(collections)) {
    for (const item of items) {
      const seen = ids.get(item.id);
      if (seen) problems.push(`${name}.yaml: id "${item.id}" is also used in ${seen}.yaml`);
      ids.set(item.id, name);
    }
  }
  const cautionIds = new Set(content.cautions.map((c) => c.id));
  for (const [name, items] of Object.entries(collections)) {
    if (name === 'cautions' || name === 'unaddressed') continue;
    for (const item of items as Array<{ id: string; cautions: string[] }>) {
      for (const c of item.cautions) {
        if (!cautionIds.has(c)) problems.push(`${name}.yaml: ${item.id}: unknown caution "${c}"`);
      }
    }
  }
  for (const topic of content.topics) {
    for (const r of topic.related) {
      if (!ids.has(r)) problems.push(`topics.yaml: ${topic.id}: related id "${r}" does not exist`);
    }
  }
  const examIds = new Set(content.exams.map((e) => e.id));
  for (const step of content.algorithm) {
    for (const e of step.exams) {
      if (!examIds.has(e)) problems.push(`algorithm.yaml: ${step.id}: exam "${e}" does not exist`);
    }
  }
  const therapies = new Map(content.therapies.map((t) => [t.id, t]));
  for (const t of content.therapies) {
    if (t.memberOf === undefined) continue;
    const cls = therapies.get(t.memberOf);
    if (!cls) problems.push(`therapies.yaml: ${t.id}: memberOf "${t.memberOf}" is not a therapy`);
    else if (cls.memberOf !== undefined) problems.push(`therapies.yaml: ${t.id}: memberOf "${t.memberOf}" is itself a row of a class`);
    else if (cls.adult.kind !== 'no-dose' || cls.paediatric.kind !== 'no-dose') problems.push(`therapies.yaml: ${t.id}: memberOf "${t.memberOf}" gives a dose, so it is a row, not a class`);
  }
  problems.push(...checkGuidance(content, ids));
  // Reminders cite the follow-up table as one place (src/content/citations.ts): its rows must say the same.
  const followupSources = new Set(content.followup.map((f) => JSON.stringify(f.source)));
  if (followupSources.size !== 1) problems.push('followup.yaml: the follow-up exams must be at least one and share one source (the follow-up table)');
  const numbers = content.algorithm.map((s) => s.number).sort();
  if (numbers.join(',') !== '1,2,3') problems.push('algorithm.yaml: the algorithm must have steps 1, 2 and 3, once each');
  return problems;
}
