/**
 * What carries from one message to the next: the TmP/GFR values given one per message, a dose put
 * aside by a side question, a follow-up on the last therapy; and what one message holds besides a
 * single question (two questions, a premise, something the PDTA does not state).
 */
import { describe, expect, it } from 'vitest';
import { converse, labels, last } from './converse.js';

describe('TmP/GFR over several messages', () => {
  it('starts from a request, shows what it has, asks only for what is missing, computes when complete', () => {
    const [start, sp, up, scr, ucr] = converse([
      'calcolo TmP/GFR',
      'fosforo sierico 2,0 mmol/L',
      'fosfato urinario 40 mmol/L',
      'creatinina sierica 80 µmol/L',
      'creatinina urinaria 10 mmol/L',
    ]);
    expect(start!.state).toBe('tmp.collecting');
    expect(start!.text).toContain('mancano: fosfato sierico, fosfato urinario, creatinina sierica, creatinina urinaria');
    expect(sp!.text).toContain('Valori ricevuti finora');
    expect(sp!.text).toContain('fosfato sierico: 2 mmol/L');
    expect(sp!.text).toContain('mancano: fosfato urinario, creatinina sierica, creatinina urinaria');
    expect(up!.state).toBe('tmp.collecting');
    expect(scr!.text).toContain('mancano: creatinina urinaria');
    expect(ucr!.state).toBe('tmp.done');
    expect(ucr!.reply.kind).toBe('calculation');
    expect(ucr!.text).toContain('TmP/GFR: 1,68 mmol/L');
  });

  it('takes the values in any order and unit, in English', () => {
    const turn = last(converse(['I need to calculate TmP/GFR', 'urine creatinine 80 mg/dL', 'serum creatinine 0.7 mg/dL', 'P urine 40 mg/dL', 'serum phosphate 6.2 mg/dL']));
    expect(turn.reply.lang).toBe('en');
    expect(turn.text).toContain('TmP/GFR: 2.31 mmol/L');
  });

  it('a value without its unit is asked back and never computed; the unit alone completes it', () => {
    const [, noUnit, unit] = converse(['calcola il TmP/GFR', 'fosforo sierico 1,8', '1,8 mmol/L']);
    expect(noUnit!.text).toContain('Manca l’unità di misura per: fosfato sierico');
    expect(noUnit!.text).not.toContain('TmP/GFR: ');
    expect(unit!.context.tmp.serumPhosphate).toEqual({ value: 1.8, unit: 'mmol/l' });
  });

  it('keeps its values across a side question and resumes with the next value', () => {
    const [, , side, resumed] = converse(['calcolo TmP/GFR', 'P sierico 2 mmol/L P urinario 40 mmol/L creatinina 80 µmol/L', 'ogni quanto il follow-up?', 'creatinuria 10 mmol/L']);
    expect(side!.state).toBe('idle');
    expect(side!.text).toContain('Calcolo TmP/GFR in sospeso');
    expect(resumed!.text).toContain('Riprendo il calcolo del TmP/GFR');
    expect(resumed!.text).toContain('TmP/GFR: 1,68 mmol/L');
  });

  it('the four values in one message still answer at once', () => {
    const turn = last(converse(['TmP/GFR P sierico 2,0 mmol/L P urinario 40 mmol/L creatinina 80 µmol/L creatinuria 10 mmol/L']));
    expect(turn.state).toBe('tmp.done');
    expect(turn.text).toContain('TmP/GFR: 1,68 mmol/L');
  });
});

describe('a dose across a digression, and follow-ups on the last therapy', () => {
  it('"torniamo al neridronato: 30 kg" after a side question completes the child\'s dose', () => {
    const turn = last(converse(['neridronato bambino', 'ogni quanto controllo il fosforo?', 'torniamo al neridronato: 30 kg']));
    expect(turn.state).toBe('dosing.done');
    expect(turn.text).toContain('Dose calcolata: 60 mg');
    expect(turn.effects).toHaveLength(1);
  });

  it('a weight in lb given in a later turn is converted and said so', () => {
    const turn = last(converse(['zoledronate for a child', '44 lb']));
    expect(turn.reply.kind).toBe('dose');
    expect(turn.text).toContain('lb');
  });

  it('"e quando lo sospendo?" gives that therapy\'s stop criteria first', () => {
    const turn = last(converse(['neridronato adulto', 'e quando lo sospendo?']));
    expect(turn.reply.blocks[0]).toMatchObject({ type: 'facts', title: 'Neridronato' });
    expect(turn.text).toContain('Criteri per terminare: Progressione delle calcificazioni; Effetti collaterali');
  });

  it('"e in un bambino di 25 kg?" is the same therapy\'s paediatric dose for 25 kg', () => {
    const turn = last(converse(['zoledronato adulto', 'e in un bambino di 25 kg?']));
    expect(turn.context.dose).toMatchObject({ drug: 'therapy.zoledronate', population: 'paediatric' });
    expect(turn.text).toContain('0,025 mg/Kg');
  });
});

describe('starting and language', () => {
  it.each(['avvia il percorso', 'inizia il percorso diagnostico', 'guidami nel PDTA', 'walk me through the pathway'])('"%s" shows Step 1 at once', (said) => {
    const turn = last(converse([said]));
    expect(turn.state).toBe('walkthrough.step1.phosphate');
  });

  it('"avanti" with no walkthrough offers to start one', () => {
    const turn = last(converse(['avanti']));
    expect(turn.state).toBe('idle');
    expect(labels(turn)).toContain('Percorso guidato');
  });

  it('"Fosamax dose" is answered in English', () => {
    expect(last(converse(['Fosamax dose'])).reply.lang).toBe('en');
  });
});

describe('inside one message', () => {
  it('two questions get both answers, each with its citation', () => {
    const turn = last(converse(['dose di zoledronato e ogni quanto controllo il fosforo?']));
    expect(turn.reply.itemIds).toContain('therapy.zoledronate');
    expect(turn.text).toMatch(/Criteri terapeutici/);
    expect(turn.text).toMatch(/Controlli\/monitoraggio/);
  });

  it('a premise the PDTA contradicts is corrected before anything else', () => {
    const turn = last(converse(['checking phosphate every 3 months as the PDTA says, what else?']));
    expect(turn.reply.blocks[0]).toMatchObject({ title: 'First, what the PDTA says' });
    expect(JSON.stringify(turn.reply.blocks[0])).toMatch(/: every 6 months \(not every 3 months\)/i);
  });

  it('something the PDTA does not state is said plainly, with the nearest sections as buttons', () => {
    const turn = last(converse(['quanto costa la terapia con zoledronato?']));
    expect(turn.reply.kind).toBe('not-covered');
    expect(JSON.stringify(turn.reply.blocks[0])).toContain('Il PDTA non lo dice');
    expect(turn.reply.actions.some((a) => a.value.startsWith('pdta:show:'))).toBe(true);
  });
});
