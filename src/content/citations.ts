/**
 * Citations that code needs without an item in hand, read from content/ so that nothing clinical
 * is retyped in code.
 */
import type { Content, Source } from './schema.js';

/**
 * Where the PDTA's follow-up table is (6. Controlli/monitoraggio): what every reminder and digest
 * cites. It is the source of the follow-up exams in followup.yaml, which content/ holds to one
 * shared source and at least one exam (src/content/load.ts).
 */
export function followupTableSource(content: Content): Source {
  const first = content.followup[0];
  if (!first) throw new Error('content/followup.yaml lists no follow-up exam');
  return first.source;
}
