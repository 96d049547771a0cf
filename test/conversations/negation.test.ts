/**
 * Every finding question of the walkthrough and of the guided differential, answered affirmed and
 * negated, typed (Italian and English) and clicked: what is recorded is what was said, a negation
 * that does not say what is ("non è alto": normal or low?) is asked back with the choices as
 * buttons, every recorded answer is echoed, and "indietro" takes it back.
 */
import { describe, expect, it } from 'vitest';
import type { DiffAnswers, Findings } from '../../machines/context.js';
import { converse, labels, last, type Turn } from './converse.js';

type Walk = { to: string[]; say: string; key: keyof Findings; recorded: Findings[keyof Findings] };
type Diff = { to: string[]; say: string; key: keyof DiffAnswers; recorded: DiffAnswers[keyof DiffAnswers] };

const WALK = ['percorso guidato'];
const STEP2 = ['percorso guidato', 'step 2'];
const DIFF = ['diagnosi differenziale guidata'];
const DIFF_EN = ['guided differential'];
/** The differential at "where is the mass?": kidney disease and connective-tissue disease not known. */
const AT_LOCATION = [...DIFF, 'non so', 'non so'];
const AT_LOCATION_EN = [...DIFF_EN, 'don’t know', 'don’t know'];

const walkTyped: Walk[] = [
  { to: WALK, say: 'fosforo alto', key: 'phosphate', recorded: 'high' },
  { to: WALK, say: 'phosphate normal', key: 'phosphate', recorded: 'normal' },
  { to: WALK, say: 'fosforo non alto ma nella norma', key: 'phosphate', recorded: 'normal' },
  { to: WALK, say: 'phosphate is not normal, it is high', key: 'phosphate', recorded: 'high' },
  { to: WALK, say: 'insufficienza renale cronica sì', key: 'ckd', recorded: 'yes' },
  { to: WALK, say: 'non ha insufficienza renale', key: 'ckd', recorded: 'no' },
  { to: WALK, say: 'IRC assente', key: 'ckd', recorded: 'no' },
  { to: WALK, say: 'the patient doesn’t have kidney disease', key: 'ckd', recorded: 'no' },
  { to: WALK, say: 'no CKD', key: 'ckd', recorded: 'no' },
  { to: WALK, say: 'masse calcifiche presenti', key: 'masses', recorded: 'yes' },
  { to: WALK, say: 'nessuna massa calcifica', key: 'masses', recorded: 'no' },
  { to: WALK, say: 'senza masse extrascheletriche', key: 'masses', recorded: 'no' },
  { to: WALK, say: 'calcified masses are not present', key: 'masses', recorded: 'no' },
  { to: WALK, say: 'calcific masses present', key: 'masses', recorded: 'yes' },
  { to: STEP2, say: 'FGF23', key: 'genetics', recorded: 'fgf23' },
  { to: STEP2, say: 'analisi genetica negativa', key: 'genetics', recorded: 'negative' },
  { to: STEP2, say: 'non è FGF23 ma GALNT3', key: 'genetics', recorded: 'galnt3' },
  { to: STEP2, say: 'not KLOTHO but SAMD9', key: 'genetics', recorded: 'samd9' },
  { to: STEP2, say: 'genetic test negative', key: 'genetics', recorded: 'negative' },
];

/** Negations that do not say what is: nothing recorded, the question asked back with its buttons. */
const walkAskedBack: Array<{ to: string[]; say: string; key: keyof Findings; buttons: string[] }> = [
  { to: WALK, say: 'il fosforo non è alto', key: 'phosphate', buttons: ['Alto', 'Normale'] },
  { to: WALK, say: 'fosforo non normale', key: 'phosphate', buttons: ['Alto', 'Normale'] },
  { to: ['guided pathway'], say: 'phosphate isn’t raised', key: 'phosphate', buttons: ['High', 'Normal'] },
  { to: WALK, say: 'senza iperfosforemia', key: 'phosphate', buttons: ['Alto', 'Normale'] },
  { to: STEP2, say: 'non KLOTHO', key: 'genetics', buttons: ['FGF23', 'GALNT3', 'KLOTHO', 'SAMD9', 'Negativo'] },
  { to: STEP2, say: 'FGF23 negativo', key: 'genetics', buttons: ['FGF23', 'GALNT3', 'KLOTHO', 'SAMD9', 'Negativo'] },
  { to: STEP2, say: 'FGF23 non mutato', key: 'genetics', buttons: ['FGF23', 'GALNT3', 'KLOTHO', 'SAMD9', 'Negativo'] },
  { to: ['guided pathway', 'step 2'], say: 'KLOTHO wild type', key: 'genetics', buttons: ['FGF23', 'GALNT3', 'KLOTHO', 'SAMD9', 'Negative'] },
];

const diffTyped: Diff[] = [
  { to: DIFF, say: 'sì, insufficienza renale cronica', key: 'ckd', recorded: 'yes' },
  { to: DIFF, say: 'nessuna insufficienza renale', key: 'ckd', recorded: 'no' },
  { to: DIFF_EN, say: 'no kidney disease', key: 'ckd', recorded: 'no' },
  { to: DIFF, say: 'malattia del connettivo: sì', key: 'connective', recorded: 'yes' },
  { to: DIFF, say: 'non ha una malattia del connettivo', key: 'connective', recorded: 'no' },
  { to: DIFF_EN, say: 'without connective tissue disease', key: 'connective', recorded: 'no' },
  { to: AT_LOCATION, say: 'dentro un tendine', key: 'location', recorded: 'tendon' },
  { to: AT_LOCATION, say: 'la calcificazione non è all’interno di un tendine', key: 'location', recorded: 'not-tendon' },
  { to: AT_LOCATION, say: 'non è intramuscolare', key: 'location', recorded: 'not-muscle' },
  { to: AT_LOCATION, say: 'non è in un tendine ma periarticolare', key: 'location', recorded: 'periarticular' },
  { to: AT_LOCATION_EN, say: 'it isn’t inside a tendon', key: 'location', recorded: 'not-tendon' },
  { to: AT_LOCATION_EN, say: 'not intramuscular, it’s periarticular', key: 'location', recorded: 'periarticular' },
  { to: AT_LOCATION_EN, say: 'intramuscular', key: 'location', recorded: 'muscle' },
  { to: DIFF, say: 'erosione ossea presente', key: 'erosion', recorded: 'yes' },
  { to: DIFF, say: 'erosioni ossee assenti', key: 'erosion', recorded: 'no' },
  { to: DIFF_EN, say: 'no bone erosion', key: 'erosion', recorded: 'no' },
  { to: DIFF, say: 'assenza di erosioni ossee', key: 'erosion', recorded: 'no' },
  { to: AT_LOCATION_EN, say: 'the mass is not periarticular', key: 'location', recorded: 'not-periarticular' },
  { to: DIFF, say: 'cristalli di urato presenti', key: 'urate', recorded: 'yes' },
  { to: DIFF, say: 'cristalli di urato negativi', key: 'urate', recorded: 'no' },
  { to: DIFF_EN, say: 'urate crystals absent', key: 'urate', recorded: 'no' },
];

function recorded(turn: Turn, key: keyof Findings): unknown {
  return turn.context.findings[key];
}

describe('negation in the walkthrough, typed', () => {
  it.each(walkTyped)('"$say" records $key = $recorded, echoed in the reply', ({ to, say, key, recorded: value }) => {
    const turn = last(converse([...to, say]));
    expect(recorded(turn, key)).toBe(value);
    expect(turn.text).toMatch(/Registrato|Recorded/);
  });

  it.each(walkAskedBack)('"$say" records nothing and asks back with the choices', ({ to, say, key, buttons }) => {
    const turn = last(converse([...to, say]));
    expect(recorded(turn, key)).toBeNull();
    expect(turn.text).toMatch(/non registro nulla|nothing is recorded/);
    expect(labels(turn)).toEqual(expect.arrayContaining(buttons));
  });
});

describe('negation in the walkthrough, clicked', () => {
  const clicks: Array<{ to: string[]; value: string; key: keyof Findings; recorded: string }> = [
    { to: WALK, value: 'pdta:record:phosphate:high', key: 'phosphate', recorded: 'high' },
    { to: WALK, value: 'pdta:record:phosphate:normal', key: 'phosphate', recorded: 'normal' },
    { to: [...WALK, 'fosforo alto'], value: 'pdta:record:ckd:yes', key: 'ckd', recorded: 'yes' },
    { to: [...WALK, 'fosforo alto'], value: 'pdta:record:ckd:no', key: 'ckd', recorded: 'no' },
    { to: [...WALK, 'fosforo alto', 'IRC no'], value: 'pdta:record:masses:yes', key: 'masses', recorded: 'yes' },
    { to: [...WALK, 'fosforo alto', 'IRC no'], value: 'pdta:record:masses:no', key: 'masses', recorded: 'no' },
    { to: STEP2, value: 'pdta:record:genetics:klotho', key: 'genetics', recorded: 'klotho' },
    { to: STEP2, value: 'pdta:record:genetics:negative', key: 'genetics', recorded: 'negative' },
  ];
  it.each(clicks)('$value records $key = $recorded; "Indietro" takes it back', ({ to, value, key, recorded: v }) => {
    const before = last(converse(to));
    expect(before.reply.actions.map((a) => a.value)).toContain(value);
    const [, clicked, undone] = converse([...to, { action: value }, { action: 'pdta:back' }]).slice(-3);
    expect(recorded(clicked!, key)).toBe(v);
    expect(undone!.context.findings[key]).toBeNull();
    expect(undone!.text).toContain('Annullato');
  });
});

describe('negation in the guided differential, typed', () => {
  it.each(diffTyped)('"$say" records $key = $recorded, echoed in the reply', ({ to, say, key, recorded: value }) => {
    const turn = last(converse([...to, say]));
    expect(turn.context.diff[key]).toBe(value);
    expect(turn.text).toMatch(/Risposta registrata|Answer recorded/);
  });

  it('"not in a tendon" is echoed as such and excludes only what Table I places in a tendon alone', () => {
    const turn = last(converse([...AT_LOCATION, 'la calcificazione non è all’interno di un tendine']));
    expect(turn.text).toContain('Sede della massa: non in un tendine');
    expect(turn.text).toContain('Tendinite calcifica (Tabella I – Sede della massa: tendine)');
    // Synovial chondromatosis: "usually within a sheath or a tendon" — not excluded by "not in a tendon".
    expect(turn.text).toMatch(/Condizioni ancora possibili[\s\S]*Condromatosi sinoviale/);
  });

  it('"non ha dermatomiosite" (another connective-tissue disease?) and "non è negativo" are asked back', () => {
    const dermato = last(converse([...DIFF, 'no', 'non ha dermatomiosite']));
    expect(dermato.context.diff.connective).toBeNull();
    expect(labels(dermato)).toEqual(expect.arrayContaining(['Sì', 'No']));
    const double = last(converse([...DIFF, 'non è negativo']));
    expect(double.context.diff.ckd).toBeNull();
  });
});

describe('negation in the guided differential, clicked', () => {
  const clicks: Array<{ to: string[]; value: string; key: keyof DiffAnswers; recorded: string }> = [
    { to: DIFF, value: 'pdta:answer:ckd:yes', key: 'ckd', recorded: 'yes' },
    { to: DIFF, value: 'pdta:answer:ckd:no', key: 'ckd', recorded: 'no' },
    { to: [...DIFF, 'no'], value: 'pdta:answer:connective:yes', key: 'connective', recorded: 'yes' },
    { to: [...DIFF, 'no'], value: 'pdta:answer:connective:no', key: 'connective', recorded: 'no' },
    { to: AT_LOCATION, value: 'pdta:answer:location:tendon', key: 'location', recorded: 'tendon' },
    { to: AT_LOCATION, value: 'pdta:answer:location:periarticular', key: 'location', recorded: 'periarticular' },
    { to: [...AT_LOCATION, 'periarticolare'], value: 'pdta:answer:erosion:yes', key: 'erosion', recorded: 'yes' },
    { to: [...AT_LOCATION, 'periarticolare'], value: 'pdta:answer:erosion:no', key: 'erosion', recorded: 'no' },
  ];
  it.each(clicks)('$value records $key = $recorded; "Indietro" takes it back', ({ to, value, key, recorded: v }) => {
    const before = last(converse(to));
    expect(before.reply.actions.map((a) => a.value)).toContain(value);
    const [clicked, undone] = converse([...to, { action: value }, { action: 'pdta:back' }]).slice(-2);
    expect(clicked!.context.diff[key]).toBe(v);
    expect(undone!.context.diff[key]).toBeNull();
    expect(undone!.text).toContain('Risposta annullata');
  });

  it('urate crystals, clicked, when the list still needs the question', () => {
    const turn = last(converse([...AT_LOCATION, 'periarticolare', 'sì']));
    expect(turn.state).toBe('differential.urate');
    for (const [value, v] of [['pdta:answer:urate:yes', 'yes'], ['pdta:answer:urate:no', 'no']] as const) {
      expect(last(converse([...AT_LOCATION, 'periarticolare', 'sì', { action: value }])).context.diff.urate).toBe(v);
    }
  });
});
