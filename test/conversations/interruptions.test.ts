/**
 * What happens between the questions of a dialogue: a change of subject is answered (and closes
 * the dialogue), garbage gets a clear message and the dialogue waits, help and menu work anywhere.
 */
import { describe, expect, it } from 'vitest';
import { assistant, converse, last } from './converse.js';

describe('a change of subject mid-dialogue', () => {
  it('in the dosing dialogue, "cosa prevede lo step 2?" puts it aside and answers the question; "30 kg" completes it', () => {
    const [, , question, weight] = converse(['neridronato', 'bambino', 'cosa prevede lo step 2?', '30 kg']);
    expect(question!.state).toBe('idle');
    expect(question!.text).toContain('Calcolo della dose in sospeso');
    expect(question!.text).toContain(assistant.catalog.step(2).title.it);
    expect(question!.text).toMatch(/Fonte: PDTA § 10\. Algoritmo › Diagramma – Step 2/);
    expect(question!.context.dose).toEqual({ drug: 'therapy.neridronate', population: 'paediatric', weight: null });
    expect(weight!.state).toBe('dosing.done');
    expect(weight!.text).toContain('Dose calcolata: 60 mg');
    expect(weight!.effects).toHaveLength(1);
  });

  it('in the differential, a dose question is answered as a dose', () => {
    const turn = last(converse(['diagnosi differenziale guidata', 'no', 'neridronato bambino 18 kg']));
    expect(turn.state).toBe('dosing.done');
    expect(turn.text).toContain('Diagnosi differenziale guidata chiusa.');
    expect(turn.text).toContain('Dose calcolata: 36 mg');
    expect(turn.effects).toHaveLength(1);
  });

  it('in the walkthrough, a question on Table I is answered and the walkthrough paused', () => {
    const turn = last(converse(['percorso guidato', 'differenza con la tendinite calcifica?']));
    expect(turn.state).toBe('idle');
    expect(turn.text).toContain('Percorso guidato sospeso');
    expect(turn.text).toContain('Tendinite calcifica');
  });

  it('in English too', () => {
    const turn = last(converse(['neridronate', 'what does step 2 involve?']));
    expect(turn.state).toBe('idle');
    expect(turn.text).toContain('Dose dialogue put aside');
    expect(turn.text).toContain(assistant.catalog.step(2).title.en);
  });

  it('a drug the PDTA does not cover is "not covered", never a dose', () => {
    const turn = last(converse(['neridronato', 'sevelamer bambino 20 kg']));
    expect(turn.state).toBe('idle');
    expect(turn.text).toContain('non è trattato dal PDTA');
    expect(turn.text).not.toContain('Dose calcolata');
  });
});

describe('replies that fit nothing', () => {
  it('garbage gets a clear message, the question again, and the dialogue state is kept', () => {
    const [, , garbage, answer] = converse(['neridronato', 'bambino', 'asdfgh qwerty', '18 kg']);
    expect(garbage!.state).toBe('dosing.askWeight');
    expect(garbage!.text).toContain('Non ho capito «asdfgh qwerty» a questo punto.');
    expect(garbage!.text).toContain('Quanto pesa il paziente (in kg)?');
    expect(garbage!.context.dose).toEqual({ drug: 'therapy.neridronate', population: 'paediatric', weight: null });
    expect(answer!.text).toContain('Dose calcolata: 36 mg');
  });

  it('garbage in the walkthrough and the differential keeps findings and answers', () => {
    const walk = converse(['percorso guidato', 'fosforo alto', 'xyzzy']);
    expect(last(walk).state).toBe('walkthrough.step1.ckd');
    expect(last(walk).context.findings.phosphate).toBe('high');
    expect(last(walk).text).toContain('Non ho capito «xyzzy»');
    expect(last(walk).text).toContain('Il paziente ha un’insufficienza renale cronica?');
    const diff = converse(['guided differential', 'no', 'blah blah']);
    expect(last(diff).state).toBe('differential.connective');
    expect(last(diff).context.diff.ckd).toBe('no');
    expect(last(diff).text).toContain('I did not understand “blah blah” at this point.');
  });

  it('"grazie" or an empty line mid-dialogue asks the question again', () => {
    for (const said of ['grazie', '']) {
      const turn = last(converse(['neridronato', said]));
      expect(turn.state).toBe('dosing.askPopulation');
      expect(turn.text).toContain('Adulto o pediatrico?');
      expect(turn.text).not.toContain('Non ho capito');
    }
  });

  it('a command that means nothing in this dialogue says so and keeps the dialogue', () => {
    const turn = last(converse(['neridronato', 'indietro']));
    expect(turn.state).toBe('dosing.askPopulation');
    expect(turn.text).toContain('«indietro» non è tra le risposte possibili');
  });
});

describe('help, menu and exit from anywhere', () => {
  it('help explains what the current question accepts and keeps the state', () => {
    const dose = last(converse(['neridronato', 'aiuto']));
    expect(dose.state).toBe('dosing.askPopulation');
    expect(dose.text).toContain('Nel calcolo della dose rispondi alla domanda');
    const walk = last(converse(['percorso guidato', 'help']));
    expect(walk.state).toBe('walkthrough.step1.phosphate');
    expect(walk.text).toContain('In the guided pathway');
    const diff = last(converse(['diagnosi differenziale guidata', 'aiuto']));
    expect(diff.text).toContain('Nella diagnosi differenziale guidata');
  });

  it('menu and exit leave the dialogue for the main menu', () => {
    const menu = last(converse(['diagnosi differenziale guidata', 'menu']));
    expect(menu.state).toBe('idle');
    expect(menu.text).toContain('Diagnosi differenziale guidata chiusa.');
    expect(menu.text).toContain('PDTA Calcinosi Tumorale (RCO230)');
    const exit = last(converse(['neridronato', 'esci']));
    expect(exit.state).toBe('idle');
    expect(exit.text).toContain('Calcolo della dose chiuso.');
    expect(last(converse(['esci'])).text).toContain('Nessun dialogo in corso.');
  });
});

describe('lookups between dialogues', () => {
  it('"what is due when" lists follow-up intervals, bisphosphonate rhythm and specialists, cited', () => {
    const turn = last(converse(['cosa è dovuto quando?']));
    expect(turn.state).toBe('idle');
    expect(turn.text).toContain('Esami completi del metabolismo fosfo-calcico: ogni 12 mesi');
    expect(turn.text).toContain('100 mg/3 mesi per via e.v.');
    expect(turn.text).toContain('Visita oculistica: Alterazioni oculari');
    expect(turn.text).toMatch(/Fonte: PDTA § 6\. Controlli\/monitoraggio/);
  });

  it('which specialist for what is a lookup from specialists.yaml', () => {
    const turn = last(converse(['which specialist for vascular calcifications?']));
    expect(turn.state).toBe('idle');
    expect(turn.text).toMatch(/[Aa]ngiology/);
  });
});
