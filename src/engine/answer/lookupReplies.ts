/**
 * Replies that quote a passage of the PDTA: a topic, an exam, a Table I condition, a step of the
 * algorithm, the list of differentials. Each shows the content's words, its cautions and source,
 * and offers related items as buttons.
 */
import type { Item } from '../../content/catalog.js';
import { itemName } from '../../content/catalog.js';
import type { AlgorithmStep, Condition, Exam, Topic } from '../../content/schema.js';
import type { Reply } from '../../reply/model.js';
import { loc, ReplyBuilder, type AnswerContext } from './context.js';
import { t } from './i18n.js';

function relatedButtons(ctx: AnswerContext, b: ReplyBuilder, ids: readonly string[]): void {
  for (const id of ids) {
    const entry = ctx.catalog.get(id);
    if (entry) b.action(loc(ctx, itemName(entry)), `pdta:show:${id}`);
  }
}

export function topicReply(ctx: AnswerContext, topic: Topic): Reply {
  const b = new ReplyBuilder(ctx, 'answer').about(topic.id);
  if (topic.lead) b.lead(loc(ctx, topic.lead));
  b.text(loc(ctx, topic.body), loc(ctx, topic.title));
  b.list(topic.items.map((i) => loc(ctx, i)));
  b.cautions(topic.cautions);
  b.cite(topic.source);
  relatedButtons(ctx, b, topic.related);
  return b.build();
}

export function examReply(ctx: AnswerContext, exam: Exam): Reply {
  const lang = ctx.lang;
  const b = new ReplyBuilder(ctx, 'answer').about(exam.id);
  b.facts(
    [
      { label: t(lang, 'examGroup'), value: t(lang, `group.${exam.group}`) },
      { label: t(lang, 'examSteps'), value: exam.steps.length > 0 ? t(lang, 'stepList', { list: exam.steps.join(', ') }) : t(lang, 'notInAlgorithm') },
      ...(exam.note ? [{ label: t(lang, 'examNote'), value: loc(ctx, exam.note) }] : []),
    ],
    loc(ctx, exam.name),
  );
  b.cautions(exam.cautions);
  b.cite(exam.source);
  const groupTopic: Record<Exam['group'], string> = {
    'panel-a': 'topic.lab-panel-a',
    'panel-b': 'topic.lab-panel-b',
    'phosphate-workup': 'topic.phosphate-workup',
    imaging: 'topic.imaging',
    genetics: 'topic.genetics',
    histopathology: 'topic.histopathology',
    'non-essential': 'topic.non-essential-exams',
  };
  relatedButtons(ctx, b, [groupTopic[exam.group], ...exam.steps.map((s) => `step.${s}`)]);
  if (exam.group === 'phosphate-workup') b.action(t(lang, 'btn.tmp'), 'pdta:tmp');
  return b.build();
}

export function conditionReply(ctx: AnswerContext, condition: Condition): Reply {
  const lang = ctx.lang;
  const b = new ReplyBuilder(ctx, 'differential').about(condition.id);
  b.facts([{ label: t(lang, 'conditionGroup'), value: loc(ctx, condition.group) }], loc(ctx, condition.name));
  b.text(loc(ctx, condition.description), t(lang, 'description'));
  if (condition.distinguishing) b.text(loc(ctx, condition.distinguishing), t(lang, 'distinguishing'));
  b.cautions(condition.cautions);
  b.cite(condition.source);
  b.action(t(lang, 'btn.differential'), 'pdta:show:topic.table-i');
  return b.build();
}

export function differentialReply(ctx: AnswerContext): Reply {
  const b = new ReplyBuilder(ctx, 'differential').about('topic.table-i');
  const conditions = ctx.catalog.content.conditions.filter((c) => c.id !== 'condition.tumoral-calcinosis');
  b.list(
    conditions.map((c) => `${loc(ctx, c.name)} (${loc(ctx, c.group)})`),
    t(ctx.lang, 'tableIntro'),
  );
  const table = ctx.catalog.topic('topic.table-i');
  if (table) b.cite(table.source);
  for (const c of conditions.slice(0, 3)) b.cite(c.source);
  for (const c of conditions.slice(0, 6)) b.action(loc(ctx, c.name), `pdta:show:${c.id}`);
  return b.build();
}

export function stepReply(ctx: AnswerContext, step: AlgorithmStep): Reply {
  const lang = ctx.lang;
  const b = new ReplyBuilder(ctx, 'walkthrough').about(step.id);
  b.text(loc(ctx, step.summary), loc(ctx, step.title));
  b.list(step.who.map((w) => loc(ctx, w)), t(lang, 'who'));
  b.list(step.what.map((w) => loc(ctx, w)), t(lang, 'what'));
  b.list(step.notes.map((n) => loc(ctx, n)), t(lang, 'notes'));
  b.cautions(step.cautions);
  b.cite(step.source);
  for (const n of [1, 2, 3] as const) if (n !== step.number) b.action(t(lang, `btn.step${n}`), `pdta:step:${n}`);
  return b.build();
}

export function itemReply(ctx: AnswerContext, entry: Item): Reply | null {
  switch (entry.kind) {
    case 'topic':
      return topicReply(ctx, entry.item);
    case 'exam':
      return examReply(ctx, entry.item);
    case 'condition':
      return conditionReply(ctx, entry.item);
    case 'step':
      return stepReply(ctx, entry.item);
    case 'followup': {
      const b = new ReplyBuilder(ctx, 'answer').about(entry.item.id);
      b.lead(`${loc(ctx, entry.item.name)}: ${loc(ctx, entry.item.intervalText)}`);
      b.cautions(entry.item.cautions);
      b.cite(entry.item.source);
      b.action(t(ctx.lang, 'btn.followup'), 'pdta:show:topic.followup');
      return b.build();
    }
    case 'specialist': {
      const b = new ReplyBuilder(ctx, 'answer').about(entry.item.id);
      b.lead(`${loc(ctx, entry.item.visit)}: ${loc(ctx, entry.item.indication)}`);
      b.cautions(entry.item.cautions);
      b.cite(entry.item.source);
      b.action(t(ctx.lang, 'btn.specialists'), 'pdta:show:topic.specialists');
      return b.build();
    }
    case 'therapy':
      return null;
    default: {
      const never: never = entry;
      return never;
    }
  }
}
