/**
 * The guided differential: Table I's distinguishing questions one at a time, what each answer
 * excluded and why (the feature Table I states for the condition), and at the end the conditions
 * left, each with the PDTA's own distinguishing text. Every reply cites Table I.
 */
import { DIFF_QUESTIONS, type DiffAnswers, type DiffQuestion } from '../../../machines/context.js';
import { stateMeaning } from '../../../machines/conversation.js';
import type { Condition, MassLocation, Tri } from '../../content/schema.js';
import type { Reply } from '../../reply/model.js';
import { excluded, remaining, type Verdict } from '../differential.js';
import { labelFor } from './actionLabels.js';
import { loc, ReplyBuilder, type AnswerContext } from './context.js';
import { t } from './i18n.js';
import { notUnderstoodText } from './notUnderstood.js';
import { combine, pendingQuestion, regionOf, type TurnView } from './turnView.js';

function button(ctx: AnswerContext, b: ReplyBuilder, value: string): void {
  b.action(labelFor(ctx.catalog, value, ctx.lang), value);
}

function answerText(ctx: AnswerContext, question: DiffQuestion, answers: DiffAnswers): string {
  const answer = answers[question];
  if (answer === null) return t(ctx.lang, 'val.notRecorded');
  switch (answer) {
    case 'yes':
    case 'no':
    case 'unknown':
      return t(ctx.lang, `val.${answer}`);
    case 'periarticular':
    case 'tendon':
    case 'muscle':
    case 'synovium':
    case 'skin-subcutaneous':
    case 'not-periarticular':
    case 'not-tendon':
    case 'not-muscle':
    case 'not-synovium':
    case 'not-skin-subcutaneous':
      return t(ctx.lang, `loc.${answer}`);
    default: {
      const never: never = answer;
      return never;
    }
  }
}

const LOCATION_WORDS: Record<MassLocation, { it: string; en: string }> = {
  periarticular: { it: 'periarticolare', en: 'periarticular' },
  tendon: { it: 'tendine', en: 'tendon' },
  muscle: { it: 'muscolo', en: 'muscle' },
  synovium: { it: 'sinovia', en: 'synovium' },
  'muscle-fascia-subcutaneous': { it: 'muscoli, fasce e sottocute', en: 'muscles, fascia and subcutis' },
  'skin-subcutaneous': { it: 'cute e sottocute', en: 'skin and subcutis' },
  'soft-tissue': { it: 'tessuti molli', en: 'soft tissue' },
  unstated: { it: 'non indicata', en: 'not stated' },
};

function triText(ctx: AnswerContext, tri: Tri): string {
  switch (tri) {
    case 'yes':
    case 'no':
      return t(ctx.lang, `val.${tri}`);
    case 'variable':
      return t(ctx.lang, 'val.variable');
    case 'unstated':
      return LOCATION_WORDS.unstated[ctx.lang];
    default: {
      const never: never = tri;
      return never;
    }
  }
}

/** The feature Table I states for a condition, as the reason an answer excluded it. */
function statedFeature(ctx: AnswerContext, condition: Condition, question: DiffQuestion): string {
  const f = condition.features;
  switch (question) {
    case 'ckd':
      return triText(ctx, f.chronicKidneyDisease);
    case 'connective':
      return triText(ctx, f.connectiveTissueDisease);
    case 'erosion':
      return triText(ctx, f.boneErosion);
    case 'urate':
      return triText(ctx, f.urate);
    case 'location':
      return f.location.map((l) => LOCATION_WORDS[l][ctx.lang]).join(', ');
    default: {
      const never: never = question;
      return never;
    }
  }
}

function citeTableI(ctx: AnswerContext, b: ReplyBuilder): void {
  const table = ctx.catalog.topic('topic.table-i');
  if (table) b.cite(table.source).about(table.id);
}

function questionReply(ctx: AnswerContext, question: DiffQuestion, canUndo: boolean): Reply {
  const lang = ctx.lang;
  const b = new ReplyBuilder(ctx, 'differential');
  let text = t(lang, `df.q.${question}`);
  if (question === 'connective') {
    // The table's own row heading names the diseases it means.
    const row = ctx.catalog.content.conditions.find((c) => c.features.connectiveTissueDisease === 'yes');
    if (row) text += ` (${t(lang, 'conditionGroup')}: ${loc(ctx, row.group)})`;
  }
  b.text(text);
  if (question === 'location') {
    for (const l of ['periarticular', 'tendon', 'muscle', 'synovium', 'skin-subcutaneous'] as const) button(ctx, b, `pdta:answer:location:${l}`);
  } else {
    button(ctx, b, `pdta:answer:${question}:yes`);
    button(ctx, b, `pdta:answer:${question}:no`);
  }
  button(ctx, b, 'pdta:skip');
  if (canUndo) button(ctx, b, 'pdta:back');
  button(ctx, b, 'pdta:exit');
  return b.build();
}

function answersFacts(ctx: AnswerContext, answers: DiffAnswers, only?: readonly DiffQuestion[]) {
  return DIFF_QUESTIONS.filter((q) => (only ? only.includes(q) : answers[q] !== null)).map((q) => ({
    label: t(ctx.lang, `df.label.${q}`),
    value: answerText(ctx, q, answers),
  }));
}

function resultReply(ctx: AnswerContext, answers: DiffAnswers, left: Verdict[], canUndo: boolean): Reply {
  const lang = ctx.lang;
  const b = new ReplyBuilder(ctx, 'differential');
  b.facts(answersFacts(ctx, answers), t(lang, 'df.answers'));
  if (left.length === 0) {
    b.text(t(lang, 'df.none'));
  } else {
    b.text(t(lang, 'df.resultTitle', { n: left.length }));
    for (const v of left) {
      const c = v.condition;
      const why = v.matches.length > 0 ? `${t(lang, 'df.matches')}: ${v.matches.map((q) => t(lang, `df.label.${q}`)).join(', ')}` : t(lang, 'df.notStated');
      b.text(`${loc(ctx, c.distinguishing ?? c.description)}\n(${why})`, `${loc(ctx, c.name)} – ${loc(ctx, c.group)}`);
      b.cautions(c.cautions).cite(c.source).about(c.id);
    }
  }
  citeTableI(ctx, b);
  for (const v of left.slice(0, 5)) button(ctx, b, `pdta:show:${v.condition.id}`);
  if (canUndo) button(ctx, b, 'pdta:back');
  button(ctx, b, 'pdta:restart');
  button(ctx, b, 'pdta:menu');
  return b.build();
}

export function differentialDialogReply(ctx: AnswerContext, view: TurnView): Reply {
  const { before, event, after } = view;
  const lang = ctx.lang;
  const conditions = ctx.catalog.content.conditions;
  const answers = after.context.diff;
  const state = after.state;
  const wasHere = regionOf(before.state) === 'differential';
  const lead = new ReplyBuilder(ctx, 'differential');
  citeTableI(ctx, lead);

  switch (event?.type) {
    case 'DIFFERENTIAL':
    case 'RESTART':
    case undefined:
      lead.text(t(lang, 'df.intro'), t(lang, 'df.title'));
      break;
    case 'BACK': {
      const undone = DIFF_QUESTIONS.filter((q) => before.context.diff[q] !== null && answers[q] !== before.context.diff[q]);
      if (undone.length > 0) lead.facts(answersFacts(ctx, before.context.diff, undone), t(lang, 'df.undone'));
      else lead.text(t(lang, 'conv.nothingToUndo'));
      break;
    }
    case 'ANSWER':
    case 'SKIP': {
      const changed = DIFF_QUESTIONS.filter((q) => answers[q] !== null && answers[q] !== (wasHere ? before.context.diff[q] : null));
      lead.facts(answersFacts(ctx, answers, changed), t(lang, 'df.recorded'));
      if (changed.length > 0) lead.text(t(lang, 'conv.undoHint'));
      const before_ = wasHere ? new Set(excluded(conditions, before.context.diff).map((v) => v.condition.id)) : new Set<string>();
      const newly = excluded(conditions, answers).filter((v) => !before_.has(v.condition.id));
      if (newly.length > 0) {
        lead.list(
          newly.map((v) =>
            t(lang, 'df.excludedItem', {
              name: loc(ctx, v.condition.name),
              feature: t(lang, `df.label.${v.excludedBy!}`),
              stated: statedFeature(ctx, v.condition, v.excludedBy!),
            }),
          ),
          t(lang, 'df.excluded'),
        );
        for (const v of newly) lead.cite(v.condition.source).about(v.condition.id);
      } else if (changed.length > 0) {
        lead.text(t(lang, 'df.noneExcluded'));
      }
      break;
    }
    case 'HELP':
      lead.text(t(lang, 'df.help'));
      break;
    case 'NOT_UNDERSTOOD':
      lead.text(notUnderstoodText(ctx, event));
      break;
    case 'REPEAT':
    case 'LOOKUP':
    case 'MENU':
    case 'EXIT':
    case 'DOSE':
    case 'SLOT':
    case 'WALKTHROUGH':
    case 'NEXT':
    case 'GOTO':
    case 'SUMMARY':
    case 'RECORD':
    case 'TMP':
    case 'TMP_VALUES':
      break;
    default: {
      const never: never = event;
      return never;
    }
  }

  const left = remaining(conditions, answers);
  if (stateMeaning(state).tags.has('answered')) return combine('differential', [lead.build(), resultReply(ctx, answers, left, after.context.undo !== null)]);
  const question = pendingQuestion(state);
  if (question === null) throw new Error(`not a differential question state: ${state}`);
  const status = new ReplyBuilder(ctx, 'differential');
  status.list(
    left.map((v) => loc(ctx, v.condition.name)),
    t(lang, 'df.remaining', { n: left.length }),
  );
  const ask = questionReply(ctx, question, after.context.undo !== null);
  const reply = combine('differential', [lead.build(), status.build(), ask]);
  return { ...reply, actions: ask.actions };
}
