/**
 * TmP/GFR from the four paired fasting values typed in a message. Missing values, missing units
 * and implausible values come back as one question listing everything to fix.
 */
import type { LabMention } from '../../nlu/quantities.js';
import type { Reply } from '../../reply/model.js';
import { computeTmpGfr, type TmpGfrField, type TmpGfrInput, type TmpGfrProblem } from '../tmpGfr.js';
import { convertPhosphate, normaliseCreatinineUnit, normalisePhosphateUnit, type PhosphateUnit } from '../units.js';
import { ReplyBuilder, type AnswerContext } from './context.js';
import { num, t } from './i18n.js';

const FIELDS: ReadonlyArray<{ field: TmpGfrField; analyte: LabMention['analyte']; specimen: LabMention['specimen'] }> = [
  { field: 'serumPhosphate', analyte: 'phosphate', specimen: 'serum' },
  { field: 'urinePhosphate', analyte: 'phosphate', specimen: 'urine' },
  { field: 'serumCreatinine', analyte: 'creatinine', specimen: 'serum' },
  { field: 'urineCreatinine', analyte: 'creatinine', specimen: 'urine' },
];

function fixed(lang: 'it' | 'en', value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return lang === 'it' ? text.replace('.', ',') : text;
}

function round(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

function problemText(ctx: AnswerContext, p: TmpGfrProblem): string {
  const field = p.field ? t(ctx.lang, `field.${p.field}`) : '';
  switch (p.reason) {
    case 'implausibly-low':
    case 'implausibly-high':
      return t(ctx.lang, `tmp.${p.reason}`, { field, limit: `${num(ctx.lang, p.limit.value)} ${p.limit.unit}` });
    default:
      return t(ctx.lang, `tmp.${p.reason}`, { field });
  }
}

export function tmpGfrReply(ctx: AnswerContext, labs: readonly LabMention[]): Reply {
  const lang = ctx.lang;
  const b = new ReplyBuilder(ctx, 'calculation').about('exam.tmp-gfr');
  const workup = ctx.catalog.topic('topic.phosphate-workup');
  const finish = () => {
    b.warn(t(lang, 'tmpAgeRanges'));
    b.cautions(['caution.tmp-gfr-formula-external']);
    if (workup) b.cite(workup.source);
    b.action(t(lang, 'btn.labs'), 'pdta:show:topic.phosphate-workup');
    return b.build();
  };

  const picked = new Map<TmpGfrField, LabMention>();
  for (const f of FIELDS) {
    const mention = labs.find((l) => l.analyte === f.analyte && l.specimen === f.specimen);
    if (mention) picked.set(f.field, mention);
  }
  const missing = FIELDS.filter((f) => !picked.has(f.field)).map((f) => t(lang, `field.${f.field}`));
  if (missing.length > 0) {
    const only = picked.get('serumPhosphate');
    const unit = only?.unit ? normalisePhosphateUnit(only.unit) : null;
    if (only && unit && picked.size === 1) {
      const other: PhosphateUnit = unit === 'mmol/L' ? 'mg/dL' : 'mmol/L';
      b.text(
        t(lang, 'phosphateOnly', {
          value: num(lang, only.value),
          unit,
          other: `${num(lang, round(convertPhosphate(only.value, unit, other), 2))} ${other}`,
        }),
        t(lang, 'tmpTitle'),
      );
    }
    b.text(t(lang, 'tmpMissing', { list: missing.join(', ') }), picked.size === 1 && unit ? undefined : t(lang, 'tmpTitle'));
    return finish();
  }
  const noUnit = FIELDS.filter((f) => picked.get(f.field)!.unit === null).map((f) => t(lang, `field.${f.field}`));
  if (noUnit.length > 0) {
    b.text(t(lang, 'tmpNoUnit', { list: noUnit.join(', ') }), t(lang, 'tmpTitle'));
    return finish();
  }
  const phosphateUnit = (f: TmpGfrField) => normalisePhosphateUnit(picked.get(f)!.unit!);
  const creatinineUnit = (f: TmpGfrField) => normaliseCreatinineUnit(picked.get(f)!.unit!);
  const input = {
    serumPhosphate: { value: picked.get('serumPhosphate')!.value, unit: phosphateUnit('serumPhosphate') },
    urinePhosphate: { value: picked.get('urinePhosphate')!.value, unit: phosphateUnit('urinePhosphate') },
    serumCreatinine: { value: picked.get('serumCreatinine')!.value, unit: creatinineUnit('serumCreatinine') },
    urineCreatinine: { value: picked.get('urineCreatinine')!.value, unit: creatinineUnit('urineCreatinine') },
  };
  // A unit that cannot belong to the analyte (µmol/L for phosphate) reaches computeTmpGfr as null
  // and comes back as 'unknown-unit': the calculator owns that refusal.
  const result = computeTmpGfr(input as unknown as TmpGfrInput);
  if (!result.ok) {
    b.text(t(lang, 'tmpProblem', { list: result.problems.map((p) => problemText(ctx, p)).join('; ') }), t(lang, 'tmpTitle'));
    return finish();
  }
  const serumUnit = result.tmpGfr.inSerumUnit.unit;
  b.facts(
    [
      // Fixed decimals: "0,90" reads as a measured value; "0,9" looks like a different precision.
      { label: 'TmP/GFR', value: `${fixed(lang, result.display.tmpGfrMmolL, 2)} mmol/L` + (serumUnit !== 'mmol/L' ? ` (${fixed(lang, result.display.tmpGfrInSerumUnit, 2)} ${serumUnit})` : '') },
      { label: 'TRP', value: `${fixed(lang, result.display.trpPercent, 1)} %` },
      { label: t(lang, 'tmpFormula'), value: t(lang, result.branch === 'linear' ? 'tmpBranchLinear' : 'tmpBranchCurve') },
    ],
    t(lang, 'tmpTitle'),
  );
  b.facts(
    FIELDS.map((f) => {
      const m = picked.get(f.field)!;
      return { label: t(lang, `field.${f.field}`), value: `${num(lang, m.value)} ${input[f.field].unit}` };
    }),
    t(lang, 'tmpInputs'),
  );
  return finish();
}
