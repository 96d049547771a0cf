/**
 * The pathway walkthrough as a multidisciplinary team runs it: each step of the algorithm, the
 * findings recorded on the way, and the PDTA passages each finding leads to.
 */
import { describe, expect, it } from 'vitest';
import { assistant, converse, labels, last } from './converse.js';

const step = (n: 1 | 2 | 3) => assistant.catalog.step(n);

describe('walkthrough (Italian)', () => {
  it('"percorso guidato", "fosforo alto", "insufficienza renale? no", "riepilogo", "indietro", "indietro", "step 3"', () => {
    const [next, phosphate, ckd, summary, undo, back, jump] = converse([
      'percorso guidato',
      'fosforo alto',
      'insufficienza renale? no',
      'riepilogo',
      'indietro',
      'indietro',
      'step 3',
    ]);

    // Step 1 at once, with the commands in a line under it.
    expect(next!.state).toBe('walkthrough.step1.phosphate');
    expect(next!.text).toContain('Percorso guidato');
    expect(next!.text).toContain(step(1).title.it);
    expect(next!.text).toContain('Visita Ortopedica');
    expect(next!.text).toContain('Radiografia bacino');
    expect(next!.text).toContain('Fosforo sierico a digiuno: alto o normale?');
    expect(next!.text).toContain('Comandi: avanti, indietro');
    expect(labels(next!)).toEqual(expect.arrayContaining(['Alto', 'Normale', 'Non so', 'Avanti', 'Riepilogo', 'Esci']));
    expect(next!.text).toMatch(/Fonte: PDTA § 10\. Algoritmo › Diagramma – Step 1/);

    expect(phosphate!.state).toBe('walkthrough.step1.ckd');
    expect(phosphate!.text).toContain('Fosforo sierico: alto');
    // High phosphate: confirm with paired fasting values for TmP/GFR, and exclude the other causes.
    expect(phosphate!.text).toContain(assistant.catalog.topic('topic.phosphate-workup')!.title.it);
    expect(phosphate!.text).toContain('bassi livelli di ormone paratiroideo (ipoparatiroidismo)');
    expect(phosphate!.text).toContain('chetoacidosi diabetica');
    expect(labels(phosphate!)).toContain('Calcolo TmP/GFR');
    expect(phosphate!.text).toMatch(/Fonte: PDTA § 3\. Criteri diagnostici › Dati laboratoristici/);
    expect(phosphate!.text).toContain('Il paziente ha un’insufficienza renale cronica?');

    expect(ckd!.state).toBe('walkthrough.step1.masses');
    expect(ckd!.text).toContain('Insufficienza renale cronica: no');
    expect(ckd!.text).not.toContain('uremica');
    expect(ckd!.text).toContain('Sono presenti masse calcifiche extrascheletriche?');

    expect(summary!.state).toBe('walkthrough.step1.masses');
    expect(summary!.text).toContain('Reperti registrati');
    expect(summary!.text).toContain('Step corrente: 1');
    expect(summary!.text).toContain('Fosforo sierico: alto');
    expect(summary!.text).toContain('Insufficienza renale cronica: no');
    expect(summary!.text).toContain('Masse calcifiche extrascheletriche: non ancora registrato');
    expect(summary!.text).toContain('Risultato genetico: non ancora registrato');

    // "indietro" right after an answer takes it back; once more, it goes back a step.
    expect(undo!.state).toBe('walkthrough.step1.ckd');
    expect(undo!.text).toContain('Annullato');
    expect(undo!.text).toContain('Insufficienza renale cronica: no');
    expect(undo!.context.findings.ckd).toBeNull();
    expect(back!.state).toBe('walkthrough.intro');

    expect(jump!.state).toBe('walkthrough.step3');
    expect(jump!.text).toContain(step(3).title.it);
    expect(jump!.text).toContain('Esami completi del metabolismo fosfo-calcico: ogni 12 mesi');
    expect(jump!.text).toMatch(/Valutazione del metabolismo del fosfato .*: Ogni 6 mesi/);
    expect(jump!.context.findings).toEqual({ phosphate: 'high', ckd: null, genetics: null, masses: null });
  });

  it('chronic kidney disease points to the uremic form of Table I', () => {
    const turn = last(converse(['percorso guidato', 'normale', 'sì']));
    const uremic = assistant.catalog.get('condition.uremic-tc')!;
    expect(turn.text).toContain('Insufficienza renale cronica: sì');
    expect(turn.text).toContain(uremic.kind === 'condition' ? uremic.item.name.it : '');
    expect(turn.text).toContain('La diagnosi è basata esclusivamente sulla storia');
    expect(turn.text).toMatch(/Fonte: PDTA § 10\. Algoritmo › Tabella I/);
  });

  it('a hyperphosphataemic genetic form (GALNT3) points to the phosphate-lowering therapies', () => {
    const turn = last(converse(['percorso guidato', 'step 2', 'GALNT3']));
    expect(turn.state).toBe('walkthrough.step2.complete');
    expect(turn.text).toContain('Risultato genetico: GALNT3');
    expect(turn.text).toContain(assistant.catalog.topic('topic.therapy-intro')!.title.it);
    for (const id of ['therapy.low-phosphate-diet', 'therapy.phosphate-binders', 'therapy.acetazolamide', 'therapy.probenecid', 'therapy.niacinamide']) {
      expect(turn.text).toContain(assistant.catalog.therapy(id)!.name.it);
    }
    expect(turn.text).toContain('Passare allo step 3?');
  });

  it('SAMD9 points to the normophosphataemic form', () => {
    const turn = last(converse(['percorso guidato', 'step 2', 'SAMD9']));
    expect(turn.text).toContain('Risultato genetico: SAMD9');
    expect(turn.text).toContain('non si accompagna ad alterazioni del metabolismo del fosfato');
    expect(turn.text).toMatch(/Fonte: PDTA § 3\. Criteri diagnostici/);
  });

  it('calcific masses point to the bisphosphonate rows with their start criterion', () => {
    const turn = last(converse(['percorso guidato', 'masse presenti']));
    expect(turn.text).toContain('Masse calcifiche extrascheletriche: sì');
    for (const name of ['Neridronato', 'Zoledronato', 'Alendronato']) expect(turn.text).toContain(name);
    expect(turn.text.match(/Criteri per iniziare: Presenza di masse calcifiche extrascheletriche/g)).toHaveLength(3);
    expect(turn.text).toContain('100 mg/3 mesi per via e.v.');
    expect(turn.reply.actions.map((a) => a.value)).toEqual(expect.arrayContaining(['pdta:dose:therapy.neridronate']));
  });

  it('records several findings at once and asks only what is still open', () => {
    const turn = last(converse(['percorso guidato', 'fosforo normale, IRC no, masse sì']));
    expect(turn.context.findings).toEqual({ phosphate: 'normal', ckd: 'no', genetics: null, masses: 'yes' });
    expect(turn.state).toBe('walkthrough.step1.complete');
    expect(turn.text).toContain('Reperti dello step 1 registrati. Passare allo step 2?');
  });

  it('"non so" passes over a question; "sì" at the end of a step goes on', () => {
    const [, skipped, , , , next] = converse(['percorso guidato', 'non so', 'no', 'no', 'riepilogo', 'sì']);
    expect(skipped!.state).toBe('walkthrough.step1.ckd');
    expect(skipped!.context.findings.phosphate).toBe('unknown');
    expect(next!.state).toBe('walkthrough.step2.genetics');
  });

  it('a phosphate value is not judged high or normal by the bot', () => {
    const turn = last(converse(['percorso guidato', 'fosforo 2,1 mmol/L']));
    expect(turn.state).toBe('walkthrough.step1.phosphate');
    expect(turn.text).toContain('Il PDTA non riporta valori di riferimento');
    expect(turn.context.findings.phosphate).toBeNull();
  });

  it('a question that names a finding is answered, not recorded', () => {
    const turn = last(converse(['percorso guidato', 'quali sono le cause di fosforo alto?']));
    expect(turn.state).toBe('idle');
    expect(turn.context.findings.phosphate).toBeNull();
    expect(turn.text).toContain('Percorso guidato sospeso');
  });

  it('"fosforo basso" is not an answer the walkthrough offers', () => {
    const turn = last(converse(['percorso guidato', 'fosforo basso']));
    expect(turn.state).toBe('walkthrough.step1.phosphate');
    expect(turn.text).toContain('non è tra le risposte possibili');
  });

  it('the last step says so on "avanti"; "ricomincia" clears the findings', () => {
    const [, , , last3, restart] = converse(['percorso guidato', 'fosforo alto', 'step 3', 'avanti', 'ricomincia']);
    expect(last3!.state).toBe('walkthrough.step3');
    expect(last3!.text).toContain('Questo è l’ultimo step del percorso');
    expect(restart!.state).toBe('walkthrough.step1.phosphate');
    expect(restart!.context.findings).toEqual({ phosphate: null, ckd: null, genetics: null, masses: null });
  });

  it('is paused by another question and resumed where it was, findings kept', () => {
    const [, , detour, resumed] = converse(['percorso guidato', 'fosforo alto', 'dose zoledronato adulto', 'percorso guidato']);
    expect(detour!.state).toBe('dosing.done');
    expect(detour!.text).toContain('Percorso guidato sospeso');
    expect(detour!.text).toContain('5 mg/anno per via e.v.');
    expect(resumed!.state).toBe('walkthrough.step1.ckd');
    expect(resumed!.text).toContain('Riprendo il percorso guidato');
    expect(resumed!.text).toContain('Fosforo sierico: alto');
  });
});

describe('walkthrough (English)', () => {
  it('"guided pathway", "high", "no", "yes", "next", "FGF23", "summary"', () => {
    const turns = converse(['guided pathway', 'high', 'no', 'yes', 'next', 'FGF23', 'summary']);
    const [next, high, , masses, step2, gene, summary] = turns;
    expect(next!.text).toContain('Guided pathway');
    expect(next!.text).toContain(step(1).title.en);
    expect(next!.text).toContain('Fasting serum phosphate: high or normal?');
    expect(high!.text).toContain('Serum phosphate: high');
    expect(high!.text).toContain('diabetic ketoacidosis');
    expect(masses!.text).toContain('Presence of extraskeletal calcified masses');
    expect(step2!.state).toBe('walkthrough.step2.genetics');
    expect(step2!.text).toContain('Result of the genetic analysis: FGF23, GALNT3, KLOTHO, SAMD9 or negative?');
    expect(gene!.text).toContain('Genetic result: FGF23');
    expect(gene!.text).toContain('Low-phosphate diet');
    expect(summary!.text).toContain('Serum phosphate: high');
    expect(summary!.text).toContain('Chronic kidney disease: no');
    expect(summary!.text).toContain('Extraskeletal calcific masses: yes');
    expect(summary!.text).toContain('Genetic result: FGF23');
    for (const t of turns) expect(t.reply.lang).toBe('en');
  });
});
