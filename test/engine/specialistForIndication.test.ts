/**
 * "Which specialist for X?" is answered with the row(s) of chapter 6's specialists table whose
 * indication X names (and, for pain and fistulas, the specialists chapter 4 names), first and cited;
 * X asked about without asking for a specialist keeps its own passage.
 */
import { describe, expect, it } from 'vitest';
import { runTurn } from '../../src/engine/turn.js';
import { renderPlainText } from '../../src/reply/plainText.js';
import { assistant } from '../conversations/converse.js';

const leads = (message: string) => (assistant.ask(message).lead ?? []).map((l) => l.text);
const firstTurn = (message: string) => runTurn(assistant, null, { text: message }).replies[0]!;

describe('which specialist for an indication', () => {
  it('names the visit the PDTA gives for the eyes, cited to chapter 6, not the clinical element of chapter 3', () => {
    const reply = assistant.ask('quale specialista per le alterazioni oculari?');
    expect(reply.lead?.[0]?.text).toBe('Visita oculistica: Alterazioni oculari');
    expect(reply.itemIds).toEqual(['specialist.ophthalmology']);
    expect(reply.citations.map((c) => c.section)).toEqual(['6. Controlli/monitoraggio']);
  });

  it('singles out the row asked for in English, not the whole table', () => {
    const text = renderPlainText(assistant.ask('which specialist for eye changes?'));
    expect(text.split('\n')[0]).toBe('Ophthalmology visit: Ocular abnormalities');
    expect(text).not.toContain('Endocrinology visit');
  });

  it('gives both visits the table names for motor impairments, in the table order', () => {
    expect(leads('quale visita per le alterazioni motorie?')).toEqual([
      'Visita ortopedica: Alterazioni motorie',
      'Visita Fisiatrica: Alterazioni motorie e sintomatologia dolorosa',
    ]);
  });

  it('for pain gives the physiatry row, then the pain-therapy specialists of chapter 4', () => {
    const reply = assistant.ask('specialista per il dolore');
    expect(reply.itemIds).toEqual(['specialist.physiatry', 'specialist.pain-therapy']);
    expect(reply.citations.map((c) => c.section)).toEqual(['6. Controlli/monitoraggio', '4. Criteri terapeutici']);
  });

  it.each([
    ['a chi mando il paziente per gli occhi?', 'specialist.ophthalmology'],
    ['who do I refer vascular calcifications to', 'specialist.angiology-cardiology'],
    ['which visit for calcium-phosphate monitoring', 'specialist.endocrinology'],
    ['who should see the patient for pain?', 'specialist.physiatry'],
    ['specialsta x alterazioni ocualri', 'specialist.ophthalmology'],
    ['fistula from a calcified mass, where do I send the patient?', 'specialist.ulcer-clinic'],
  ])('%s', (message, id) => {
    expect(assistant.ask(message).itemIds[0]).toBe(id);
  });

  it('keeps the clinical element when no specialist is asked for', () => {
    expect(assistant.ask('alterazioni oculari').itemIds).toEqual(['topic.clinical-ocular']);
    expect(assistant.ask('calcificazioni vascolari').itemIds[0]).toBe('topic.clinical-vascular');
  });

  it('answers a visit named as named', () => {
    expect(assistant.ask('visita ortopedica per alterazioni motorie?').itemIds).toEqual(['specialist.orthopaedics']);
  });
});

describe('a specialist question inside a two-question message', () => {
  it('answers the dose and the specialist, each cited', () => {
    const reply = firstTurn("dose di acetazolamide nell'adulto e quale specialista per gli occhi?");
    expect(reply.itemIds).toEqual(expect.arrayContaining(['therapy.acetazolamide', 'specialist.ophthalmology']));
    expect(reply.citations.map((c) => c.section)).toEqual(['4. Criteri terapeutici', '6. Controlli/monitoraggio']);
  });

  it('answers the schedule asked first as well as the specialist asked second', () => {
    const text = renderPlainText(firstTurn('how often is phosphate checked and who do I refer vascular calcifications to?'));
    expect(text).toContain('6 months');
    expect(text).toContain('Angiology/cardiology visit: Vascular calcifications');
  });

  it('reads "and which for Y" as asking for the specialist for Y too', () => {
    const reply = firstTurn('which specialist for eye changes and which for vascular calcifications?');
    expect(reply.itemIds).toEqual(['specialist.ophthalmology', 'specialist.angiology-cardiology']);
  });
});
