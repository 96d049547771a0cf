/**
 * The content as one lookup: every item by id with its kind, a display name and its source.
 * Built once per process from the validated content.
 */
import type { AlgorithmStep, Condition, Content, Exam, FollowUpExam, Localized, Source, Specialist, Therapy, Topic } from './schema.js';

export type Item =
  | { kind: 'topic'; item: Topic }
  | { kind: 'exam'; item: Exam }
  | { kind: 'therapy'; item: Therapy }
  | { kind: 'condition'; item: Condition }
  | { kind: 'followup'; item: FollowUpExam }
  | { kind: 'specialist'; item: Specialist }
  | { kind: 'step'; item: AlgorithmStep };

export type ItemKind = Item['kind'];

export function itemName(entry: Item): Localized {
  switch (entry.kind) {
    case 'topic':
      return entry.item.title;
    case 'step':
      return entry.item.title;
    case 'specialist':
      return entry.item.visit;
    case 'exam':
    case 'therapy':
    case 'condition':
    case 'followup':
      return entry.item.name;
    default: {
      const never: never = entry;
      return never;
    }
  }
}

export function itemSource(entry: Item): Source {
  return entry.item.source;
}

export class Catalog {
  readonly byId = new Map<string, Item>();

  constructor(readonly content: Content) {
    for (const item of content.topics) this.byId.set(item.id, { kind: 'topic', item });
    for (const item of content.exams) this.byId.set(item.id, { kind: 'exam', item });
    for (const item of content.therapies) this.byId.set(item.id, { kind: 'therapy', item });
    for (const item of content.conditions) this.byId.set(item.id, { kind: 'condition', item });
    for (const item of content.followup) this.byId.set(item.id, { kind: 'followup', item });
    for (const item of content.specialists) this.byId.set(item.id, { kind: 'specialist', item });
    for (const item of content.algorithm) this.byId.set(item.id, { kind: 'step', item });
  }

  get(id: string): Item | undefined {
    return this.byId.get(id);
  }

  topic(id: string): Topic | undefined {
    const entry = this.byId.get(id);
    return entry?.kind === 'topic' ? entry.item : undefined;
  }

  therapy(id: string): Therapy | undefined {
    const entry = this.byId.get(id);
    return entry?.kind === 'therapy' ? entry.item : undefined;
  }

  exam(id: string): Exam | undefined {
    const entry = this.byId.get(id);
    return entry?.kind === 'exam' ? entry.item : undefined;
  }

  condition(id: string): Condition | undefined {
    const entry = this.byId.get(id);
    return entry?.kind === 'condition' ? entry.item : undefined;
  }

  step(n: 1 | 2 | 3): AlgorithmStep {
    const step = this.content.algorithm.find((s) => s.number === n);
    if (!step) throw new Error(`algorithm step ${n} missing from content`);
    return step;
  }

  /** Whether a therapy entry names a class whose rows are listed in the table (`memberOf`). */
  isTherapyClass(id: string): boolean {
    return this.content.therapies.some((t) => t.memberOf === id);
  }

  /** The table rows of a therapy class, in the table's order. */
  classRows(id: string): Therapy[] {
    return this.content.therapies.filter((t) => t.memberOf === id);
  }

  caution(id: string) {
    return this.content.cautions.find((c) => c.id === id);
  }
}
