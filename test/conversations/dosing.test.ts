/**
 * The dosing dialogue as an on-call doctor uses it: drug, adult or child, weight, then the dose
 * with its rule, start and stop criteria and source; never a number the PDTA does not support.
 */
import { describe, expect, it } from 'vitest';
import { converse, labels, last } from './converse.js';

describe('dosing dialogue (Italian)', () => {
  it('"neridronato", "bambino", "18 kg": asks population, then weight, then gives 36 mg every 3 months i.v.', () => {
    const [drug, child, weight] = converse(['neridronato', 'bambino', '18 kg']);
    expect(drug!.state).toBe('dosing.askPopulation');
    expect(drug!.text).toContain('Adulto o pediatrico?');
    expect(drug!.text).toContain('100 mg/3 mesi per via e.v.');
    expect(drug!.text).toContain('2 mg/kg di peso ogni 3 mesi per via e.v.');
    expect(labels(drug!)).toEqual(expect.arrayContaining(['Adulto', 'Pediatrico']));
    expect(drug!.text).not.toContain('Dose calcolata');

    expect(child!.state).toBe('dosing.askWeight');
    expect(child!.text).toContain('Quanto pesa il paziente (in kg)?');
    expect(child!.text).not.toContain('Dose calcolata');

    expect(weight!.state).toBe('dosing.done');
    expect(weight!.text).toContain('Dose calcolata: 36 mg');
    expect(weight!.text).toContain('2 mg/kg × 18 kg = 36 mg');
    expect(weight!.text).toContain('Peso usato: 18 kg');
    expect(weight!.text).toContain('Frequenza: ogni 3 mesi');
    expect(weight!.text).toContain('Via: endovenosa (e.v.)');
    expect(weight!.text).toContain('Criteri per iniziare: Presenza di masse calcifiche extrascheletriche');
    expect(weight!.text).toContain('Criteri per terminare: Progressione delle calcificazioni; Effetti collaterali');
    expect(weight!.text).toMatch(/Fonte: PDTA § 4\. Criteri terapeutici › Tabella delle terapie \(RCO230/);
  });

  it('writes one audit effect when the dose is answered, and none before', () => {
    const turns = converse(['neridronato', 'bambino', '18 kg']);
    expect(turns.map((t) => t.effects.length)).toEqual([0, 0, 1]);
    expect(last(turns).effects[0]).toEqual({
      type: 'dose-answered',
      drug: 'therapy.neridronate',
      population: 'paediatric',
      weightKg: 18,
      result: '36 mg every 3 months, intravenous (i.v.)',
      rule: '2 mg/kg body weight every 3 months i.v.',
      contentVersion: expect.stringContaining('RCO230'),
    });
  });

  it('"zoledronato bimbo 20kg" is answered at once, with no question back', () => {
    const [turn] = converse(['zoledronato bimbo 20kg']);
    expect(turn!.state).toBe('dosing.done');
    expect(turn!.text).toContain('Dose calcolata: 0,5 mg');
    expect(turn!.text).toContain('0,025 mg/kg × 20 kg = 0,5 mg');
    expect(turn!.text).toContain('Frequenza: ogni anno');
    expect(turn!.text).not.toContain('Adulto o pediatrico?');
    expect(turn!.text).not.toContain('Quanto pesa');
    expect(turn!.effects).toHaveLength(1);
  });

  it('"dose alendronato", "pediatrico": the PDTA wording and the population caution, no computed number', () => {
    const [ask, answer] = converse(['dose alendronato', 'pediatrico']);
    expect(ask!.state).toBe('dosing.askPopulation');
    expect(answer!.state).toBe('dosing.done');
    expect(answer!.text).toContain('Dose indicata dal PDTA (popolazione non specificata): 70 mg/settimana per via orale a digiuno stando in posizione eretta');
    expect(answer!.reply.warnings.join(' ')).toMatch(/senza specificare se valga per adulti o in età pediatrica/);
    expect(answer!.text).not.toContain('Dose calcolata');
    expect(answer!.text).not.toMatch(/× \d/);
    expect(answer!.effects[0]).toMatchObject({ drug: 'therapy.alendronate', population: 'paediatric', weightKg: null, result: expect.stringContaining('population not stated') });
  });

  it('"not recommended" ends the dialogue with the PDTA wording', () => {
    const [turn] = converse(['calcio acetato magnesio carbonato pediatrico']);
    expect(turn!.state).toBe('dosing.done');
    expect(turn!.text).toContain('Non raccomandato dal PDTA');
    expect(turn!.text).not.toContain('Dose calcolata');
  });

  it('a therapy the PDTA gives no dose for is answered at once, without asking adult or child', () => {
    const [turn] = converse(['probenecid']);
    expect(turn!.state).toBe('dosing.done');
    expect(turn!.text).toMatch(/Il PDTA nomina questa terapia ma non (ne )?indica/);
    expect(turn!.text).not.toContain('Adulto o pediatrico?');
    expect(turn!.effects).toEqual([]);
  });

  it('asks again for a weight refused as implausible, then computes from the corrected one', () => {
    const [, refused, corrected] = converse(['neridronato bambino', '1800 kg', '18 kg']);
    expect(refused!.state).toBe('dosing.askWeight');
    expect(refused!.text).toContain('Non posso calcolare una dose con un peso di 1800 kg');
    expect(refused!.text).not.toContain('Dose calcolata');
    expect(refused!.effects).toEqual([]);
    expect(corrected!.text).toContain('Dose calcolata: 36 mg');
  });

  it('reads a bare number as kilograms when asked for the weight, and says so', () => {
    const turn = last(converse(['neridronato bambino', '18']));
    expect(turn.text).toContain('Dose calcolata: 36 mg');
    expect(turn.text).toContain('Peso letto come 18 kg (unità non indicata).');
  });

  it('asks whether a small bare number is a button or a weight, rather than guess', () => {
    const [, ambiguous, weight] = converse(['neridronato bambino', '2', '2 kg']);
    expect(ambiguous!.state).toBe('dosing.askWeight');
    expect(ambiguous!.text).toContain('«2» è il numero di un pulsante o un peso?');
    expect(weight!.text).toContain('Dose calcolata: 4 mg');
  });

  it('"non so" for the weight shows the rule and computes nothing', () => {
    const turn = last(converse(['neridronato bambino', 'non so']));
    expect(turn.state).toBe('dosing.done');
    expect(turn.text).toContain('Regola: 2 mg/kg di peso ogni 3 mesi per via e.v.');
    expect(turn.text).toContain('Peso non indicato: la dose non è calcolata.');
    expect(turn.text).not.toContain('Dose calcolata');
    expect(turn.effects[0]).toMatchObject({ weightKg: null, result: 'not computed: no weight given' });
  });

  it('slots given first are kept: "dose bambino 18 kg" then the drug', () => {
    const [ask, answer] = converse(['dose bambino 18 kg', 'neridronato']);
    expect(ask!.state).toBe('dosing.askDrug');
    expect(ask!.text).toContain('Per quale terapia?');
    expect(ask!.text).toContain('Annotato: Pediatrico, 18 kg.');
    expect(answer!.text).toContain('Dose calcolata: 36 mg');
  });

  it('after an answer, a new weight or population refines the same drug', () => {
    const [, heavier, adult] = converse(['neridronato bambino 18 kg', '25 kg', 'adulto']);
    expect(heavier!.text).toContain('Dose calcolata: 50 mg');
    expect(adult!.text).toContain('100 mg/3 mesi per via e.v.');
    expect(adult!.text).not.toContain('Dose calcolata');
  });

  it('naming another drug mid-dialogue starts over for that drug', () => {
    const turn = last(converse(['neridronato', 'zoledronato']));
    expect(turn.state).toBe('dosing.askPopulation');
    expect(turn.context.dose.drug).toBe('therapy.zoledronate');
    expect(turn.text).toContain('Zoledronato');
  });

  it('a class ("bisfosfonati") is answered as a lookup with every row', () => {
    const turn = last(converse(['bisfosfonati bambino 18 kg']));
    expect(turn.state).toBe('idle');
    expect(turn.text).toContain('Neridronato');
    expect(turn.text).toContain('Zoledronato');
  });
});

describe('dosing dialogue (English)', () => {
  it('"neridronate", "child", "18 kg" gives 36 mg every 3 months i.v., in English throughout', () => {
    const [drug, child, weight] = converse(['neridronate', 'child', '18 kg']);
    expect(drug!.text).toContain('Adult or paediatric?');
    expect(child!.text).toContain('What does the patient weigh (in kg)?');
    expect(weight!.text).toContain('Computed dose: 36 mg');
    expect(weight!.text).toContain('Frequency: every 3 months');
    expect(weight!.text).toContain('Criteria to start: Presence of extraskeletal calcified masses');
    expect(weight!.text).toMatch(/Source: PDTA § 4\. Therapeutic criteria/);
  });

  it('"zoledronate child 20 kg" at once; "don’t know" at the population question shows both rows', () => {
    expect(last(converse(['zoledronate child 20 kg'])).text).toContain('Computed dose: 0.5 mg');
    const turn = last(converse(['alendronate dose', 'don’t know']));
    expect(turn.state).toBe('dosing.done');
    expect(turn.text).toContain('70 mg per week orally');
    expect(turn.effects).toEqual([]);
  });
});
