/**
 * Which passages of the PDTA a recorded finding leads to, as content/guidance.yaml says (each link
 * is the PDTA's own; the file says where). Only ids come from there; every word shown comes from
 * those items in content/, with their citations.
 */
import type { FindingKey, FindingValues } from '../../machines/context.js';
import type { Catalog } from '../content/catalog.js';

export type Guidance =
  | { kind: 'topics'; ids: readonly string[] }
  | { kind: 'condition'; id: string }
  | { kind: 'phosphate-lowering'; introId: string; therapyIds: readonly string[] }
  | { kind: 'class-rows'; classId: string; therapyIds: readonly string[] };

export function guidanceFor<K extends FindingKey>(catalog: Catalog, finding: K, value: FindingValues[K]): Guidance | null {
  const entry = catalog.content.guidance.find((g) => g.finding === finding && g.values.includes(value));
  if (!entry) return null;
  const [first, ...rest] = entry.ids as [string, ...string[]];
  switch (entry.show) {
    case 'topics':
      return { kind: 'topics', ids: entry.ids };
    case 'condition':
      return { kind: 'condition', id: first };
    case 'phosphate-lowering':
      return { kind: 'phosphate-lowering', introId: first, therapyIds: rest };
    case 'class-rows':
      return { kind: 'class-rows', classId: first, therapyIds: catalog.classRows(first).map((t) => t.id) };
    default: {
      const never: never = entry.show;
      return never;
    }
  }
}

/** Every content id a guidance shows, for buttons and summaries. */
export function guidanceIds(g: Guidance): string[] {
  switch (g.kind) {
    case 'topics':
      return [...g.ids];
    case 'condition':
      return [g.id];
    case 'phosphate-lowering':
      return [g.introId, ...g.therapyIds];
    case 'class-rows':
      return [...g.therapyIds];
    default: {
      const never: never = g;
      return never;
    }
  }
}
