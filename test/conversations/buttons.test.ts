/**
 * Buttons: a click, its number typed ("1", "2"…, counted on the previous reply), or its label
 * typed, all do the same; a button from a dialogue that has ended says so.
 */
import { describe, expect, it } from 'vitest';
import { labelsIn, valueForLabel } from '../../src/engine/answer/actionLabels.js';
import { assistant, converse, last, type Turn } from './converse.js';

describe('typing a button number', () => {
  it('"2" picks the second button of the previous reply', () => {
    const [ask, picked] = converse(['neridronato', '2']);
    expect(ask!.reply.actions[1]).toEqual({ label: 'Pediatrico', value: 'pdta:dose:therapy.neridronate:paediatric' });
    expect(picked!.state).toBe('dosing.askWeight');
    expect(picked!.context.dose.population).toBe('paediatric');
  });

  it('"1" records the first button of step 1 ("Alto"), "3" answers "don’t know"', () => {
    const [step1, high, skipped] = converse(['percorso guidato', '1', '3']);
    expect(high!.context.findings.phosphate).toBe('high');
    expect(high!.state).toBe('walkthrough.step1.ckd');
    expect(step1!.state).toBe('walkthrough.step1.phosphate');
    expect(skipped!.state).toBe('walkthrough.step1.masses');
    expect(skipped!.context.findings.ckd).toBe('unknown');
  });

  it('a number past the last button says so, and the dialogue waits', () => {
    const turn = last(converse(['diagnosi differenziale guidata', '9']));
    expect(turn.state).toBe('differential.ckd');
    expect(turn.text).toContain('L’ultima risposta non ha un pulsante 9.');
  });
});

describe('typing a button label', () => {
  it('"Dentro un muscolo" and "Step 2" work like clicks', () => {
    expect(last(converse(['diagnosi differenziale guidata', 'no', 'no', 'Dentro un muscolo'])).context.diff.location).toBe('muscle');
    expect(last(converse(['percorso guidato', 'Step 2'])).state).toBe('walkthrough.step2.genetics');
  });

  it('every label shown in these conversations leads back to its button', () => {
    const conversations: Turn[][] = [
      converse(['neridronato', 'bambino', '18 kg']),
      converse(['dose bambino', 'zoledronato']),
      converse(['percorso guidato', 'fosforo alto', 'sì', 'sì', 'riepilogo', 'avanti', 'KLOTHO', 'avanti']),
      converse(['guided pathway', 'normal', 'no', 'yes', 'next', 'SAMD9']),
      converse(['diagnosi differenziale guidata', 'no', 'no', 'periarticolare', 'no', 'no']),
      converse(['menu', 'cosa è dovuto quando?', 'neridronato']),
    ];
    for (const turns of conversations) {
      for (const turn of turns) {
        const shown = turn.reply.actions.map((a) => a.value);
        for (const action of turn.reply.actions) {
          expect(labelsIn(assistant.catalog, action.value, turn.reply.lang), `${action.value} after "${turn.said}"`).toContain(action.label);
          // The first button with that label is the one typed: labels are unique within a reply.
          expect(valueForLabel(assistant.catalog, shown, action.label), action.label).toBe(action.value);
        }
      }
    }
  });
});

describe('button values', () => {
  it('a click on a dialogue button records the answer', () => {
    const turn = last(converse(['percorso guidato', { action: 'pdta:record:ckd:yes' }]));
    expect(turn.context.findings.ckd).toBe('yes');
    expect(turn.state).toBe('walkthrough.step1.phosphate');
  });

  it('a button of a dialogue that has ended says so instead of acting', () => {
    const turn = last(converse(['diagnosi differenziale guidata', 'esci', { action: 'pdta:answer:ckd:no' }]));
    expect(turn.state).toBe('idle');
    expect(turn.text).toContain('Quel pulsante apparteneva a un dialogo già concluso.');
  });

  it('content buttons are answered by the assistant in any state', () => {
    const turn = last(converse(['neridronato', { action: 'pdta:show:topic.followup' }]));
    expect(turn.state).toBe('idle');
    expect(turn.text).toContain(assistant.catalog.topic('topic.followup')!.title.it);
  });
});
