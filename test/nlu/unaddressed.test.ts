/**
 * Conditions the PDTA does not address, as clinicians name them in a dose question: words,
 * abbreviations and lab values with or without units, Italian and English.
 */
import { describe, expect, it } from 'vitest';
import { loadAssistant } from '../../src/engine/loadAssistant.js';

const assistant = loadAssistant();
const found = (message: string) => assistant.understand(message).unaddressed.map((u) => u.id);

describe('conditions the PDTA does not address, in a dose question', () => {
  it.each([
    ['zoledronato adulto eGFR 20', 'unaddressed.kidney'],
    ['neridronato clearance creatinina 28 ml/min', 'unaddressed.kidney'],
    ['alendronato in pz in dialisi', 'unaddressed.kidney'],
    ['acetazolamide adulto IRC', 'unaddressed.kidney'],
    ['zoledronic acid with CKD stage 4', 'unaddressed.kidney'],
    ['acetazolamide in gravidanza', 'unaddressed.pregnancy'],
    ['breastfeeding mother cholecalciferol', 'unaddressed.pregnancy'],
    ['neridronato bambino 20 kg calcemia 7,5 mg/dL', 'unaddressed.calcium'],
    ['zoledronate child 30 kg Ca 1.9 mmol/L', 'unaddressed.calcium'],
    ['acetazolamide K 2,9', 'unaddressed.potassium'],
    ['ipokaliemia, diamox quanto?', 'unaddressed.potassium'],
    ['reazione di fase acuta dopo neridronato', 'unaddressed.adverse-event'],
    ['flu-like symptoms after zoledronic acid', 'unaddressed.adverse-event'],
    ['neridronato in paziente che prende warfarin', 'unaddressed.other-drug'],
    ['calcitriol and cholecalciferol together', 'unaddressed.other-drug'],
  ])('%s', (message, id) => {
    expect(found(message)).toContain(id);
  });

  it('reads a weight or an age after "ca" or "K" as what it is, not as a lab value', () => {
    expect(found('neridronato bambino ca 20 kg')).toEqual([]);
    expect(found('zoledronato bimbo 8 anni 25 kg')).toEqual([]);
  });

  it('is not looked for outside a therapy question (the uremic calcinosis of Table I is a page)', () => {
    expect(found('calcinosi in insufficienza renale cronica')).toEqual([]);
  });
});

describe('the answer to such a question', () => {
  it('leads with the warning, then the dose labelled as the general dose', () => {
    const reply = assistant.ask('zoledronato adulto eGFR 20');
    expect(reply.lead?.[0]).toMatchObject({ critical: true, text: expect.stringContaining('non affronta la funzione renale') });
    expect(reply.lead?.[0]?.text).toContain('egfr 20');
    expect(reply.lead?.[1]?.text).toMatch(/^Dose generale del PDTA, non adattata .* 5 mg\/anno/);
  });

  it('says it in English too, and names what was typed', () => {
    const reply = assistant.ask('neridronate child 25 kg calcium 7.2 mg/dL');
    expect(reply.lead?.[0]?.text).toMatch(/^The PDTA does not address a calcium value/);
    expect(reply.lead?.[1]?.text).toContain('general dose');
  });
});
