/**
 * Plain-text rendering of a reply, for the terminal (`pdta ask`, `pdta chat`) and for logs of
 * what was shown. Buttons are numbered so that typing the number works like a click.
 */
import type { Block, Reply } from './model.js';
import { visibleBlocks } from './visible.js';

const SOURCE = { it: 'Fonte', en: 'Source' } as const;
const CAUTION = { it: 'Attenzione', en: 'Caution' } as const;

function renderBlock(block: Block): string {
  const lines: string[] = [];
  if (block.title) lines.push(block.title);
  switch (block.type) {
    case 'text':
      lines.push(block.body);
      break;
    case 'facts':
      for (const f of block.facts) lines.push(`  ${f.label}: ${f.value}`);
      break;
    case 'list':
      for (const item of block.items) lines.push(`  • ${item}`);
      break;
    default: {
      const never: never = block;
      return never;
    }
  }
  return lines.join('\n');
}

export function renderPlainText(reply: Reply): string {
  return render(reply, false);
}

/** Also the blocks a reply keeps behind its "full text" button (for audits and evaluation). */
export function renderPlainTextWithDetails(reply: Reply): string {
  return render(reply, true);
}

function render(reply: Reply, details: boolean): string {
  const parts = visibleBlocks(reply, { details }).map(renderBlock);
  if (reply.warnings.length > 0) {
    parts.push(reply.warnings.map((w) => `⚠ ${w}`).join('\n'));
  }
  if (reply.citations.length > 0) {
    parts.push(
      reply.citations.map((c) => `${SOURCE[reply.lang]}: PDTA § ${c.section} › ${c.heading} (${c.contentVersion})`).join('\n'),
    );
  }
  if (reply.actions.length > 0) {
    parts.push(reply.actions.map((a, i) => `[${i + 1}] ${a.label}`).join('  '));
  }
  return parts.join('\n\n');
}

export { CAUTION };
