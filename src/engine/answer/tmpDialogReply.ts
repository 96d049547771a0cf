/**
 * The TmP/GFR calculator as a dialogue: the four paired fasting values may come one per message,
 * in any order and unit. Until all four are there (each with its unit) the reply shows what it has
 * so far and asks only for what is missing; then the result is tmpGfrReply's, the same as when the
 * four values come in one message.
 */
import { TMP_FIELDS, type TmpField, type TmpValues } from '../../../machines/context.js';
import type { LabMention } from '../../nlu/quantities.js';
import type { Reply } from '../../reply/model.js';
import { labelFor } from './actionLabels.js';
import { ReplyBuilder, type AnswerContext } from './context.js';
import { num, t } from './i18n.js';
import { notUnderstoodText } from './notUnderstood.js';
import { tmpGfrReply } from './tmpGfrReply.js';
import { combine, regionOf, type TurnView } from './turnView.js';
import { stateMeaning } from '../../../machines/conversation.js';

const SPECIMEN: Record<TmpField, Pick<LabMention, 'analyte' | 'specimen'>> = {
  serumPhosphate: { analyte: 'phosphate', specimen: 'serum' },
  urinePhosphate: { analyte: 'phosphate', specimen: 'urine' },
  serumCreatinine: { analyte: 'creatinine', specimen: 'serum' },
  urineCreatinine: { analyte: 'creatinine', specimen: 'urine' },
};

/** The stored values as the calculator reads a message's (the unit as typed). */
export function tmpLabs(values: TmpValues): LabMention[] {
  return TMP_FIELDS.flatMap((f) => {
    const v = values[f];
    return v ? [{ ...SPECIMEN[f], specimenTyped: true, value: v.value, unit: v.unit, text: '' }] : [];
  });
}

function unitText(unit: string | null): string {
  if (unit === null) return '';
  return ` ${unit.replace('mmol/l', 'mmol/L').replace('umol/l', 'µmol/L').replace('mg/dl', 'mg/dL')}`;
}

function collectingReply(ctx: AnswerContext, values: TmpValues): Reply {
  const lang = ctx.lang;
  const b = new ReplyBuilder(ctx, 'clarify').about('exam.tmp-gfr');
  const given = TMP_FIELDS.filter((f) => values[f] !== null);
  if (given.length > 0) {
    b.facts(
      given.map((f) => ({ label: t(lang, `field.${f}`), value: `${num(lang, values[f]!.value)}${unitText(values[f]!.unit)}` })),
      t(lang, 'tmp.soFar'),
    );
  }
  const noUnit = given.filter((f) => values[f]!.unit === null);
  if (noUnit.length > 0) b.text(t(lang, 'tmpNoUnit', { list: noUnit.map((f) => t(lang, `field.${f}`)).join(', ') }));
  const missing = TMP_FIELDS.filter((f) => values[f] === null);
  if (missing.length > 0) b.text(t(lang, 'tmp.askMissing', { list: missing.map((f) => t(lang, `field.${f}`)).join(', ') }), given.length === 0 ? t(lang, 'tmpTitle') : undefined);
  const workup = ctx.catalog.topic('topic.phosphate-workup');
  if (workup) b.cite(workup.source);
  b.action(labelFor(ctx.catalog, 'pdta:exit', lang), 'pdta:exit');
  b.action(t(lang, 'btn.labs'), 'pdta:show:topic.phosphate-workup');
  return b.build();
}

export function tmpDialogReply(ctx: AnswerContext, view: TurnView): Reply {
  const { event, after } = view;
  const lead = new ReplyBuilder(ctx, 'clarify');
  if (event?.type === 'NOT_UNDERSTOOD') lead.text(notUnderstoodText(ctx, event));
  if (event?.type === 'HELP') lead.text(t(ctx.lang, 'tmp.help'));
  if (event?.type === 'TMP' && event.resume && regionOf(view.before.state) === 'idle') lead.text(t(ctx.lang, 'tmp.resumed'));
  const body = stateMeaning(after.state).tags.has('answered') ? tmpGfrReply(ctx, tmpLabs(after.context.tmp)) : collectingReply(ctx, after.context.tmp);
  return combine(body.kind, [lead.build(), body]);
}
