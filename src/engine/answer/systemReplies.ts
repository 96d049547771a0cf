/** Replies about the assistant itself: menu, greeting, not covered, not understood. */
import { itemName } from '../../content/catalog.js';
import type { Reply } from '../../reply/model.js';
import type { Understanding } from '../../nlu/understand.js';
import { loc, ReplyBuilder, type AnswerContext } from './context.js';
import { t } from './i18n.js';

export function menuActions(ctx: AnswerContext, b: ReplyBuilder): void {
  const lang = ctx.lang;
  b.action(t(lang, 'btn.walkthrough'), 'pdta:walkthrough');
  b.action(t(lang, 'btn.therapies'), 'pdta:show:topic.therapy-table');
  b.action(t(lang, 'btn.differential'), 'pdta:show:topic.table-i');
  b.action(t(lang, 'btn.guidedDifferential'), 'pdta:differential');
  b.action(t(lang, 'btn.step1'), 'pdta:step:1');
  b.action(t(lang, 'btn.followup'), 'pdta:show:topic.followup');
  b.action(t(lang, 'btn.tmp'), 'pdta:tmp');
}

export function menuReply(ctx: AnswerContext, lead?: string): Reply {
  const b = new ReplyBuilder(ctx, 'menu');
  if (lead) b.text(lead);
  b.text(t(ctx.lang, 'menuBody'), t(ctx.lang, 'menuTitle'));
  menuActions(ctx, b);
  return b.build();
}

export function notCoveredReply(ctx: AnswerContext, u: Understanding): Reply {
  const lang = ctx.lang;
  const b = new ReplyBuilder(ctx, 'not-covered');
  const names = u.outOfScope.length > 0 ? [...new Set(u.outOfScope.map((o) => o.name))] : [u.unknownDrug ?? ''];
  const kinds = new Set(u.outOfScope.map((o) => o.kind));
  b.text(names.map((name) => t(lang, 'notCoveredBody', { name })).join('\n'), t(lang, 'notCoveredTitle'));
  if (kinds.size === 0 || kinds.has('drug')) {
    const therapies = ctx.catalog.content.therapies.map((th) => loc(ctx, th.name));
    b.text(t(lang, 'notCoveredWhat', { list: therapies.join(', ') }));
  }
  if (kinds.has('test')) b.text(t(lang, 'notCoveredTests'));
  if (kinds.has('condition')) b.text(t(lang, 'notCoveredConditions'));
  const table = ctx.catalog.topic('topic.therapy-table');
  if (table) b.cite(table.source);
  b.action(t(lang, 'btn.therapies'), 'pdta:show:topic.therapy-table');
  b.action(t(lang, 'btn.labs'), 'pdta:show:topic.lab-panel-a');
  b.action(t(lang, 'btn.differential'), 'pdta:show:topic.table-i');
  return b.build();
}

/**
 * Nothing in the PDTA matched the question with confidence: say so, and offer the nearest pages as
 * buttons (never quoted, never cited, since none of them was found to answer it).
 */
export function notFoundReply(ctx: AnswerContext, nearest: readonly string[]): Reply {
  if (nearest.length === 0) return fallbackReply(ctx);
  const b = new ReplyBuilder(ctx, 'fallback');
  b.text(t(ctx.lang, 'notFound'));
  for (const id of nearest) {
    const entry = ctx.catalog.get(id);
    if (entry) b.action(loc(ctx, itemName(entry)), `pdta:show:${id}`);
  }
  b.action(t(ctx.lang, 'btn.menu'), 'pdta:menu');
  return b.build();
}

export function fallbackReply(ctx: AnswerContext): Reply {
  const b = new ReplyBuilder(ctx, 'fallback');
  b.text(t(ctx.lang, 'fallbackBody'), t(ctx.lang, 'fallbackTitle'));
  menuActions(ctx, b);
  return b.build();
}
