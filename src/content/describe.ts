/** What `pdta content check` prints: the version and how many items each collection holds. */
import type { Content } from './schema.js';

export function describeContent(content: Content): string {
  const m = content.meta;
  const perSection = new Map<string, number>();
  const all = [...content.topics, ...content.exams, ...content.therapies, ...content.conditions, ...content.followup, ...content.specialists, ...content.algorithm];
  for (const item of all) perSection.set(item.source.section, (perSection.get(item.source.section) ?? 0) + 1);
  const lines = [
    `content/ is valid: ${m.title.it}`,
    `version: ${m.contentVersion} (${m.decree}; transcribed ${m.transcribed} from ${m.sourceFile})`,
    `topics: ${content.topics.length}`,
    `exams: ${content.exams.length}`,
    `therapies: ${content.therapies.length} (${content.therapies.filter((t) => t.inTable).length} rows of the therapy table)`,
    `conditions (Table I): ${content.conditions.length}`,
    `follow-up exams: ${content.followup.length}`,
    `specialists: ${content.specialists.length}`,
    `algorithm steps: ${content.algorithm.length}`,
    `cautions (see content/REVIEW.md): ${content.cautions.length}`,
    `conditions the PDTA does not address (warned on dose answers): ${content.unaddressed.length}`,
    `items per PDTA section: ${[...perSection.entries()].sort((a, b) => Number(a[0]) - Number(b[0])).map(([s, n]) => `§${s} ${n}`).join(', ')}`,
  ];
  return lines.join('\n');
}
