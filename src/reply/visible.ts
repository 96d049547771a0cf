/**
 * What every renderer shows of a reply, in order: the lead lines first (the answer, and the
 * warnings that change what to do with it, marked ⚠), then the blocks that are not kept behind the
 * reply's "full text" button. One helper, so that no channel shows a different first line.
 */
import type { Block, LeadLine, Reply } from './model.js';

export function leadText(lines: readonly LeadLine[]): string {
  return lines.map((l) => (l.critical ? `⚠ ${l.text}` : l.text)).join('\n');
}

export function visibleBlocks(reply: Reply, options: { details?: boolean } = {}): Block[] {
  const lead: Block[] = reply.lead && reply.lead.length > 0 ? [{ type: 'text', body: leadText(reply.lead) }] : [];
  return [...lead, ...reply.blocks.filter((b) => options.details || !b.detail)];
}
