/**
 * Which passages of the PDTA a recorded finding leads to. Only ids live here; every word shown
 * comes from those items in content/, with their citations. Each link is the PDTA's own:
 * - high fasting phosphate: confirm with paired fasting phosphate and creatinine for TmP/GFR, and
 *   exclude the other causes of raised phosphate (3. DATI LABORATORISTICI);
 * - chronic kidney disease: the uremic form is the first row of Table I (10. Algoritmo);
 * - a mutation of FGF23, GALNT3 or KLOTHO: the hyperphosphataemic form, treated by lowering blood
 *   phosphate with diet, binders, acetazolamide, probenecid or niacinamide (4. premessa);
 * - SAMD9: the form without alterations of phosphate metabolism (3. premessa);
 * - extraskeletal calcific masses: the start criterion of the bisphosphonate rows of the therapy
 *   table (neridronate, zoledronate, alendronate).
 * A finding the PDTA draws nothing from (normal phosphate, no CKD, a negative test) leads nowhere.
 */
import type { FindingKey, FindingValues } from '../../machines/context.js';

export type Guidance =
  | { kind: 'topics'; ids: readonly string[] }
  | { kind: 'condition'; id: string }
  | { kind: 'phosphate-lowering'; introId: string; therapyIds: readonly string[] }
  | { kind: 'bisphosphonates'; therapyIds: readonly string[] };

const PHOSPHATE_LOWERING = ['therapy.low-phosphate-diet', 'therapy.phosphate-binders', 'therapy.acetazolamide', 'therapy.probenecid', 'therapy.niacinamide'] as const;
const BISPHOSPHONATE_ROWS = ['therapy.neridronate', 'therapy.zoledronate', 'therapy.alendronate'] as const;

export function guidanceFor<K extends FindingKey>(finding: K, value: FindingValues[K]): Guidance | null {
  switch (finding) {
    case 'phosphate':
      return value === 'high' ? { kind: 'topics', ids: ['topic.phosphate-workup', 'topic.high-phosphate-causes'] } : null;
    case 'ckd':
      return value === 'yes' ? { kind: 'condition', id: 'condition.uremic-tc' } : null;
    case 'genetics':
      if (value === 'fgf23' || value === 'galnt3' || value === 'klotho') {
        return { kind: 'phosphate-lowering', introId: 'topic.therapy-intro', therapyIds: PHOSPHATE_LOWERING };
      }
      return value === 'samd9' ? { kind: 'topics', ids: ['topic.genetics'] } : null;
    case 'masses':
      return value === 'yes' ? { kind: 'bisphosphonates', therapyIds: BISPHOSPHONATE_ROWS } : null;
    default:
      return null;
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
    case 'bisphosphonates':
      return [...g.therapyIds];
    default: {
      const never: never = g;
      return never;
    }
  }
}
