/**
 * A therapy's dose as the PDTA gives it, computed for a weight where the table gives a per-kg
 * rule, with start and stop criteria, cautions and the source. Every refusal (no weight, an
 * implausible weight, a dose without population) is a question or a labelled quotation, never a
 * number the PDTA does not support.
 */
import type { Localized, PopulationDose, Route, Therapy } from '../../content/schema.js';
import { normalize } from '../../nlu/normalize.js';
import type { Population } from '../../nlu/understand.js';
import type { Reply } from '../../reply/model.js';
import { computeDose, type DoseResult } from '../dosing.js';
import type { WeightUnit } from '../units.js';
import { loc, ReplyBuilder, type AnswerContext } from './context.js';
import { num, t } from './i18n.js';

export interface DoseRequest {
  therapy: Therapy;
  population: Population | 'conflicting' | null;
  weight: { value: number; unit: WeightUnit; assumedUnit: boolean } | null;
  /** Several weights were typed: ask which, never pick one. */
  weightsTyped: string[];
  /** A brand or synonym the therapy was recognised from, shown so a wrong match is caught. */
  recognisedAs: string | null;
  /** Whether `recognisedAs` is a brand name (the PDTA names molecules only). */
  brand?: boolean;
  /** Conditions the PDTA does not address, named in the question: warned first, dose labelled general. */
  unaddressed?: Array<{ name: Localized; typed: string }>;
  /** The question's words (normalised tokens), for the therapy's question-specific first lines. */
  asked?: readonly string[];
}

export function routeText(ctx: AnswerContext, route: Route): string {
  switch (route) {
    case 'iv':
      return t(ctx.lang, 'routeIv');
    case 'oral':
      return t(ctx.lang, 'routeOral');
    case 'unspecified':
      return t(ctx.lang, 'routeUnspecified');
    default: {
      const never: never = route;
      return never;
    }
  }
}

export function frequencyText(ctx: AnswerContext, everyMonths: number | null): string {
  if (everyMonths === null) return t(ctx.lang, 'notStated');
  if (everyMonths === 12) return t(ctx.lang, 'everyYear');
  return t(ctx.lang, 'everyMonths', { n: num(ctx.lang, everyMonths) });
}

export function ruleText(ctx: AnswerContext, dose: PopulationDose): string {
  return loc(ctx, dose.text);
}

export function criteria(ctx: AnswerContext, b: ReplyBuilder, therapy: Therapy): void {
  const none = t(ctx.lang, 'noneStated');
  b.facts([
    { label: t(ctx.lang, 'startCriteria'), value: therapy.startCriteria.map((c) => loc(ctx, c)).join('; ') || none },
    { label: t(ctx.lang, 'stopCriteria'), value: therapy.stopCriteria.map((c) => loc(ctx, c)).join('; ') || none },
  ]);
}

export function populationLabel(ctx: AnswerContext, p: Population): string {
  return t(ctx.lang, p === 'adult' ? 'adult' : 'paediatric');
}

/** The dose in one line, as the first thing a doctor on call reads. */
function doseLine(ctx: AnswerContext, therapy: Therapy, result: DoseResult, req: DoseRequest): string {
  const lang = ctx.lang;
  const name = req.brand && req.recognisedAs ? `${loc(ctx, therapy.name)} (${req.recognisedAs})` : loc(ctx, therapy.name);
  const general = req.unaddressed && req.unaddressed.length > 0 ? `${t(lang, 'generalDose')} — ` : '';
  const who = (p: Population) => `${name} · ${populationLabel(ctx, p)}`;
  switch (result.kind) {
    case 'computed':
      return `${general}${who(result.population)}: ${num(lang, result.doseMgDisplay)} mg, ${frequencyText(ctx, result.everyMonths)}, ${routeText(ctx, result.route)} (${num(lang, result.rule.mgPerKg)} mg/kg × ${num(lang, result.weightKgDisplay)} kg)`;
    case 'needs-weight':
      return `${general}${who(result.population)}: ${loc(ctx, result.text)} — ${t(lang, 'askWeightShort')}`;
    case 'invalid-weight':
      return `${who(result.population)}: ${t(lang, 'weightRefused', { value: num(lang, result.input.value), unit: result.input.unit, why: t(lang, `why.${result.reason}`) })}`;
    case 'fixed':
      return `${general}${who(result.population)}: ${loc(ctx, result.text)}`;
    case 'not-recommended':
      return `${who(result.population)}: ${t(lang, 'notRecommended').toLowerCase()} (${loc(ctx, result.text)})`;
    case 'population-unstated':
      return `${general}${name}: ${loc(ctx, result.text)} (${t(lang, 'populationUnstatedShort')})`;
    case 'no-dose':
      return `${name}: ${t(lang, 'noDose')}`;
    default: {
      const never: never = result;
      return never;
    }
  }
}

/** Warnings that change what to do with the number: they stand directly under it. */
function numberWarnings(ctx: AnswerContext, b: ReplyBuilder, result: DoseResult, req: DoseRequest): void {
  if (result.kind !== 'computed') return;
  const lang = ctx.lang;
  if (result.exceedsAdult) b.lead(t(lang, 'exceedsAdult', { dose: num(lang, result.doseMgDisplay), adult: num(lang, result.exceedsAdult.adultMaxMg) }), true);
  if (result.weightConverted) {
    b.lead(t(lang, 'weightConverted', { from: num(lang, result.weightConverted.from.value), unit: result.weightConverted.from.unit, kg: num(lang, result.weightKgDisplay) }), true);
  }
  if (req.weight?.assumedUnit) b.lead(t(lang, 'weightAssumedKg', { kg: num(lang, result.weightKgDisplay) }), true);
}

function describeResult(ctx: AnswerContext, b: ReplyBuilder, therapy: Therapy, result: DoseResult, req: DoseRequest): void {
  const lang = ctx.lang;
  b.lead(doseLine(ctx, therapy, result, req));
  numberWarnings(ctx, b, result, req);
  switch (result.kind) {
    case 'computed': {
      b.facts(
        [
          { label: t(lang, 'computedDose'), value: `${num(lang, result.doseMgDisplay)} mg` },
          { label: t(lang, 'rule'), value: loc(ctx, result.text) },
          { label: t(lang, 'weightUsed'), value: `${num(lang, result.weightKgDisplay)} kg` },
          { label: t(lang, 'frequency'), value: frequencyText(ctx, result.everyMonths) },
          { label: t(lang, 'route'), value: routeText(ctx, result.route) },
        ],
        `${loc(ctx, therapy.name)} · ${populationLabel(ctx, result.population)}`,
      );
      b.text(`${num(lang, result.rule.mgPerKg)} mg/kg × ${num(lang, result.weightKgDisplay)} kg = ${num(lang, result.doseMgDisplay)} mg`);
      if (!result.frequencyStated) b.warn(t(lang, 'frequencyNotStated'));
      if (result.adultNotComparableReason === 'adult-dose-not-in-mg') b.warn(t(lang, 'adultNotInMg'));
      return;
    }
    case 'needs-weight':
      b.facts(
        [
          { label: t(lang, 'rule'), value: loc(ctx, result.text) },
          { label: t(lang, 'frequency'), value: frequencyText(ctx, result.rule.everyMonths) },
          { label: t(lang, 'route'), value: routeText(ctx, result.rule.route) },
        ],
        `${loc(ctx, therapy.name)} · ${populationLabel(ctx, result.population)}`,
      );
      b.text(t(lang, 'askWeight', { rule: loc(ctx, result.text) }));
      return;
    case 'invalid-weight':
      b.text(
        t(lang, 'weightRefused', {
          value: num(lang, result.input.value),
          unit: result.input.unit,
          why: t(lang, `why.${result.reason}`),
        }),
        `${loc(ctx, therapy.name)} · ${populationLabel(ctx, result.population)}`,
      );
      return;
    case 'fixed':
      b.facts(
        [
          { label: t(lang, 'dose'), value: loc(ctx, result.text) },
          { label: t(lang, 'frequency'), value: frequencyText(ctx, result.dose.everyMonths) },
          { label: t(lang, 'route'), value: routeText(ctx, result.dose.route) },
        ],
        `${loc(ctx, therapy.name)} · ${populationLabel(ctx, result.population)}`,
      );
      return;
    case 'not-recommended':
      b.facts([{ label: t(lang, 'dose'), value: `${t(lang, 'notRecommended')} (${loc(ctx, result.text)})` }], `${loc(ctx, therapy.name)} · ${populationLabel(ctx, result.population)}`);
      return;
    case 'population-unstated':
      b.facts(
        [
          { label: t(lang, 'populationUnstated'), value: loc(ctx, result.text) },
          { label: t(lang, 'route'), value: routeText(ctx, result.dose.route) },
        ],
        loc(ctx, therapy.name),
      );
      return;
    case 'no-dose':
      b.text(`${loc(ctx, result.text)}. ${t(lang, 'noDose')}`, loc(ctx, therapy.name));
      return;
    default: {
      const never: never = result;
      return never;
    }
  }
}

/** The therapy's own first line for this question (content: `answers`), e.g. calcium salts as binders. */
export function therapyAnswerFor(therapy: Therapy, asked: readonly string[] | undefined): Localized | null {
  if (!asked || asked.length === 0) return null;
  const text = ` ${asked.join(' ')} `;
  for (const a of therapy.answers) {
    const words = [...a.when.it, ...a.when.en].map((w) => ` ${normalize(w).tokens.join(' ')} `);
    if (words.some((w) => w.trim() !== '' && text.includes(w))) return a.text;
  }
  return null;
}

export function therapyReply(ctx: AnswerContext, req: DoseRequest): Reply {
  const { therapy } = req;
  const lang = ctx.lang;
  const b = new ReplyBuilder(ctx, 'dose').about(therapy.id);
  // A condition the PDTA does not address leads, before any number.
  if (req.unaddressed && req.unaddressed.length > 0) {
    b.lead(
      t(lang, 'unaddressedLead', {
        conditions: req.unaddressed.map((u) => loc(ctx, u.name)).join('; '),
        typed: req.unaddressed.map((u) => u.typed).join(', '),
      }),
      true,
    );
  }
  const answer = therapyAnswerFor(therapy, req.asked);
  if (answer) b.lead(loc(ctx, answer), true);
  if (req.recognisedAs) {
    b.warn(req.brand ? t(lang, 'brandMolecule', { typed: req.recognisedAs, name: loc(ctx, therapy.name) }) : t(lang, 'brandRecognised', { typed: req.recognisedAs, name: loc(ctx, therapy.name) }));
  }
  const shown: Population[] = [];

  const samePopulationDose = therapy.adult.kind === therapy.paediatric.kind && loc(ctx, therapy.adult.text) === loc(ctx, therapy.paediatric.text);
  if (req.population === 'conflicting') {
    b.lead(`${loc(ctx, therapy.name)}: ${t(lang, 'populationConflict')}`);
    b.text(t(lang, 'populationConflict'), loc(ctx, therapy.name));
    b.action(t(lang, 'btn.adultDose'), `pdta:dose:${therapy.id}:adult`);
    b.action(t(lang, 'btn.paediatricDose'), `pdta:dose:${therapy.id}:paediatric`);
  } else if (req.weightsTyped.length > 1) {
    b.lead(`${loc(ctx, therapy.name)}: ${t(lang, 'multipleWeights', { list: req.weightsTyped.join(', ') })}`);
    b.text(t(lang, 'multipleWeights', { list: req.weightsTyped.join(', ') }), loc(ctx, therapy.name));
  } else if (req.population === null && !samePopulationDose && !(therapy.adult.kind === 'no-dose' && therapy.paediatric.kind === 'no-dose') && !(therapy.adult.kind === 'population-unstated' && therapy.paediatric.kind === 'population-unstated')) {
    // No population given: show both rows of the table; a per-kg row needs the weight to compute.
    const weight = req.weight ? { value: req.weight.value, unit: req.weight.unit } : undefined;
    b.text(t(lang, 'bothPopulations'));
    shown.push('adult', 'paediatric');
    describeResult(ctx, b, therapy, computeDose(therapy, 'adult', weight), req);
    describeResult(ctx, b, therapy, computeDose(therapy, 'paediatric', weight), req);
    if (therapy.paediatric.kind === 'per-kg' && !req.weight) {
      b.action(t(lang, 'btn.paediatricDose'), `pdta:dose:${therapy.id}:paediatric`);
    }
  } else {
    const population: Population = req.population ?? 'adult';
    shown.push(population);
    const weight = req.weight ? { value: req.weight.value, unit: req.weight.unit } : undefined;
    describeResult(ctx, b, therapy, computeDose(therapy, population, weight), req);
    const other: Population = population === 'adult' ? 'paediatric' : 'adult';
    if (!samePopulationDose) b.action(t(lang, other === 'adult' ? 'btn.adultDose' : 'btn.paediatricDose'), `pdta:dose:${therapy.id}:${other}`);
  }

  // The note quotes what the text says around the table; on a dose answer it would push the dose
  // off a phone's screen, so it is shown only where the PDTA gives no dose at all.
  if (therapy.note && therapy.adult.kind === 'no-dose' && therapy.paediatric.kind === 'no-dose') b.detail({ type: 'text', body: loc(ctx, therapy.note) });
  criteria(ctx, b, therapy);
  b.detail({ type: 'facts', facts: [{ label: t(lang, 'pdtaWording'), value: therapy.sourceWording }] });
  b.cautions(therapy.cautions, shown.length > 0 ? shown : undefined);
  b.cite(therapy.source);
  b.action(t(lang, 'btn.followup'), 'pdta:show:topic.followup');
  b.action(t(lang, 'btn.therapies'), 'pdta:show:topic.therapy-table');
  return b.build();
}
