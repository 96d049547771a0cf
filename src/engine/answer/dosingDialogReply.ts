/**
 * The dosing dialogue: which drug, adult or paediatric, the weight where the table gives a rule per
 * kg, then the dose as therapyReply gives it (rule, weight used, result, start and stop criteria,
 * cautions, source). A row the PDTA does not dose ("not recommended", population not stated, no
 * dose) ends the dialogue with the PDTA's wording: nothing is computed from it.
 */
import type { Population } from '../../../machines/context.js';
import { stateMeaning } from '../../../machines/conversation.js';
import type { PopulationDose, Therapy } from '../../content/schema.js';
import type { Reply } from '../../reply/model.js';
import { dialogueTherapy, hasAnyDose } from '../conversationGuards.js';
import { labelFor } from './actionLabels.js';
import { loc, ReplyBuilder, type AnswerContext } from './context.js';
import { num, t } from './i18n.js';
import { notUnderstoodText } from './notUnderstood.js';
import { criteria, frequencyText, populationLabel, routeText, therapyReply } from './therapyReply.js';
import { combine, pendingSlot, type StateView, type TurnView } from './turnView.js';

function button(ctx: AnswerContext, b: ReplyBuilder, value: string): void {
  b.action(labelFor(ctx.catalog, value, ctx.lang), value);
}

function rowText(ctx: AnswerContext, row: PopulationDose): string {
  switch (row.kind) {
    case 'fixed':
    case 'per-kg':
      return loc(ctx, row.text);
    case 'population-unstated':
      return `${loc(ctx, row.text)} – ${t(ctx.lang, 'populationUnstated')}`;
    case 'not-recommended':
      return `${t(ctx.lang, 'notRecommended')} (${loc(ctx, row.text)})`;
    case 'no-dose':
      return t(ctx.lang, 'noDose');
    default: {
      const never: never = row;
      return never;
    }
  }
}

/** Both rows of the table and the question; the answer comes when the population is known. */
function askPopulationReply(ctx: AnswerContext, therapy: Therapy): Reply {
  const lang = ctx.lang;
  const b = new ReplyBuilder(ctx, 'clarify');
  b.facts(
    [
      { label: t(lang, 'adult'), value: rowText(ctx, therapy.adult) },
      { label: t(lang, 'paediatric'), value: rowText(ctx, therapy.paediatric) },
    ],
    loc(ctx, therapy.name),
  );
  criteria(ctx, b, therapy);
  b.text(t(lang, 'askPopulation'));
  b.cautions(therapy.cautions).cite(therapy.source).about(therapy.id);
  button(ctx, b, `pdta:dose:${therapy.id}:adult`);
  button(ctx, b, `pdta:dose:${therapy.id}:paediatric`);
  button(ctx, b, 'pdta:skip');
  button(ctx, b, 'pdta:exit');
  return b.build();
}

function askDrugReply(ctx: AnswerContext): Reply {
  const b = new ReplyBuilder(ctx, 'clarify');
  const dosed = ctx.catalog.content.therapies.filter((th) => th.inTable && hasAnyDose(th));
  b.text(t(ctx.lang, 'dd.askDrug'), t(ctx.lang, 'dose'));
  b.list(dosed.map((th) => loc(ctx, th.name)));
  const table = ctx.catalog.topic('topic.therapy-table');
  if (table) b.cite(table.source).about(table.id);
  for (const th of dosed) button(ctx, b, `pdta:dose:${th.id}`);
  return b.build();
}

/** A per-kg row asked without a weight: the rule as written, and no number. */
function weightDeclinedReply(ctx: AnswerContext, therapy: Therapy, population: Population, row: Extract<PopulationDose, { kind: 'per-kg' }>): Reply {
  const lang = ctx.lang;
  const b = new ReplyBuilder(ctx, 'dose');
  b.facts(
    [
      { label: t(lang, 'rule'), value: loc(ctx, row.text) },
      { label: t(lang, 'frequency'), value: frequencyText(ctx, row.rule.everyMonths) },
      { label: t(lang, 'route'), value: routeText(ctx, row.rule.route) },
    ],
    `${loc(ctx, therapy.name)} · ${populationLabel(ctx, population)}`,
  );
  b.text(t(lang, 'dd.weightNotGiven'));
  criteria(ctx, b, therapy);
  b.facts([{ label: t(lang, 'pdtaWording'), value: therapy.sourceWording }]);
  b.cautions(therapy.cautions).cite(therapy.source).about(therapy.id);
  button(ctx, b, 'pdta:show:topic.followup');
  button(ctx, b, 'pdta:show:topic.therapy-table');
  return b.build();
}

/** The dose for the slots as they stand (askWeight asks through it; done answers with it). */
function doseReply(ctx: AnswerContext, therapy: Therapy, view: StateView): Reply {
  const { population, weight } = view.context.dose;
  if (stateMeaning(view.state).tags.has('answered') && population !== null && weight === null) {
    const row = population === 'adult' ? therapy.adult : therapy.paediatric;
    if (row.kind === 'per-kg') return weightDeclinedReply(ctx, therapy, population, row);
  }
  return therapyReply(ctx, {
    therapy,
    population,
    weight: weight ? { value: weight.value, unit: weight.unit, assumedUnit: weight.assumedUnit } : null,
    weightsTyped: [],
    recognisedAs: null,
  });
}

function notedSlots(ctx: AnswerContext, view: TurnView): string | null {
  const { population, weight } = view.after.context.dose;
  const noted: string[] = [];
  if (population) noted.push(populationLabel(ctx, population));
  if (weight) noted.push(`${num(ctx.lang, weight.value)} ${weight.unit}`);
  return noted.length > 0 ? t(ctx.lang, 'dd.noted', { list: noted.join(', ') }) : null;
}

export function dosingDialogReply(ctx: AnswerContext, view: TurnView): Reply {
  const { event, after } = view;
  const lang = ctx.lang;
  const lead = new ReplyBuilder(ctx, 'clarify');
  switch (event?.type) {
    case 'HELP':
      lead.text(t(lang, 'dd.help'));
      break;
    case 'NOT_UNDERSTOOD':
      lead.text(notUnderstoodText(ctx, event));
      break;
    default:
      break;
  }
  const therapy = dialogueTherapy(ctx.catalog, after.context.dose.drug);
  const parts: Reply[] = [lead.build()];
  const slot = pendingSlot(after.state);
  if (slot === 'drug') {
    const noted = notedSlots(ctx, view);
    if (noted) parts.push(new ReplyBuilder(ctx, 'clarify').text(noted).build());
    parts.push(askDrugReply(ctx));
    return combine('clarify', parts);
  }
  if (!therapy) throw new Error(`${after.state} without a therapy`);
  if (slot === 'population') {
    parts.push(askPopulationReply(ctx, therapy));
    return combine('clarify', parts);
  }
  if (slot === 'weight') {
    const reply = combine('clarify', [...parts, doseReply(ctx, therapy, after)]);
    // The way out of the question comes before the links, so it survives the eight-button limit.
    const controls = ['pdta:skip', 'pdta:exit'].map((value) => ({ label: labelFor(ctx.catalog, value, lang), value }));
    return { ...reply, actions: [...controls, ...reply.actions.filter((a) => !controls.some((c) => c.value === a.value))].slice(0, 8) };
  }
  if (!stateMeaning(after.state).tags.has('answered')) throw new Error(`not a dosing state: ${after.state}`);
  parts.push(doseReply(ctx, therapy, after));
  return combine('dose', parts);
}
