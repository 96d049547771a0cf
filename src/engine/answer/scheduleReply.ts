/**
 * "What is due when": the follow-up table's intervals (6. Controlli/monitoraggio), the rhythm of
 * the bisphosphonates whose follow-up step 3 of the algorithm names, and which specialist sees the
 * patient for what. Each part quotes content/ and cites it.
 */
import type { Reply } from '../../reply/model.js';
import { labelFor } from './actionLabels.js';
import { loc, ReplyBuilder, type AnswerContext } from './context.js';
import { t } from './i18n.js';

export function scheduleReply(ctx: AnswerContext): Reply {
  const lang = ctx.lang;
  const { followup, specialists, therapies } = ctx.catalog.content;
  const b = new ReplyBuilder(ctx, 'answer');
  const topic = ctx.catalog.topic('topic.followup');
  b.facts(
    followup.map((f) => ({ label: loc(ctx, f.name), value: loc(ctx, f.intervalText) })),
    `${t(lang, 'sched.title')}${topic ? ` – ${loc(ctx, topic.title)}` : ''}`,
  );
  for (const f of followup) b.cautions(f.cautions).cite(f.source).about(f.id);
  const bisphosphonates = therapies.filter((th) => th.inTable && th.class?.en.toLowerCase().startsWith('bisphosphonate'));
  b.facts(
    bisphosphonates.map((th) => ({
      label: loc(ctx, th.name),
      value: `${t(lang, 'adult')}: ${loc(ctx, th.adult.text)}; ${t(lang, 'paediatric')}: ${loc(ctx, th.paediatric.text)}`,
    })),
    t(lang, 'sched.therapies'),
  );
  for (const th of bisphosphonates) b.cautions(th.cautions).cite(th.source).about(th.id);
  b.facts(
    specialists.map((s) => ({ label: loc(ctx, s.visit), value: loc(ctx, s.indication) })),
    t(lang, 'sched.specialists'),
  );
  for (const s of specialists) b.cite(s.source).about(s.id);
  for (const value of ['pdta:show:topic.followup', 'pdta:show:topic.specialists', 'pdta:show:topic.therapy-table']) {
    b.action(labelFor(ctx.catalog, value, lang), value);
  }
  return b.build();
}
