/**
 * The guided differential: Table I's questions in turn; a condition is excluded only when a
 * feature the table states for it contradicts the answer.
 */
import { describe, expect, it } from 'vitest';
import { DIFF_QUESTIONS, EMPTY_DIFF, type DiffAnswers } from '../../machines/context.js';
import { fit, remaining, uninformative } from '../../src/engine/differential.js';
import { assistant, converse, labels, last } from './converse.js';

const conditions = assistant.catalog.content.conditions;
const name = (id: string) => conditions.find((c) => c.id === id)!.name.it;
/** The part of the reply after the list of answers: the conditions left. */
const resultPart = (text: string) => text.slice(text.indexOf('Condizioni della Tabella I compatibili'));

describe('guided differential (Italian)', () => {
  it('"no", "no", "dentro un tendine", "no" narrows Table I to calcific tendinitis first', () => {
    const turns = converse(['diagnosi differenziale guidata', 'no', 'no', 'dentro un tendine', 'no']);
    const [start, ckd, connective, location, erosion] = turns;
    expect(start!.state).toBe('differential.ckd');
    expect(start!.text).toContain('Il paziente ha un’insufficienza renale cronica?');
    expect(start!.text).toContain('Condizioni ancora possibili (12)');

    expect(ckd!.text).toContain(`${name('condition.uremic-tc')} (Tabella I – Insufficienza renale cronica: sì)`);
    expect(connective!.text).toContain(`${name('condition.calcinosis-universalis')} (Tabella I – Malattia del connettivo: sì)`);
    expect(connective!.text).toContain(`${name('condition.calcinosis-circumscripta')} (Tabella I – Malattia del connettivo: sì)`);
    expect(connective!.text).toContain('Dove si trova la massa?');
    expect(labels(connective!)).toEqual(expect.arrayContaining(['Periarticolare', 'Dentro un tendine', 'Dentro un muscolo', 'Nella sinovia', 'Non so']));
    expect(location!.text).toContain(`${name('condition.gout')} (Tabella I – Sede della massa: periarticolare)`);
    expect(location!.text).toContain(`${name('condition.calcific-myonecrosis')} (Tabella I – Sede della massa: muscolo)`);

    expect(erosion!.state).toBe('differential.result');
    const result = resultPart(erosion!.text);
    const tendinitis = conditions.find((c) => c.id === 'condition.calcific-tendinitis')!;
    // First in the list, with the PDTA's own distinguishing sentence.
    expect(result.indexOf(tendinitis.name.it)).toBeLessThan(result.indexOf(name('condition.tumoral-calcinosis')));
    expect(erosion!.reply.blocks.findIndex((b) => b.type === 'text' && b.title?.startsWith(tendinitis.name.it))).toBeGreaterThan(-1);
    expect(result).toContain(tendinitis.distinguishing!.it);
    for (const gone of ['condition.uremic-tc', 'condition.calcinosis-universalis', 'condition.gout', 'condition.calcific-myonecrosis']) {
      expect(result).not.toContain(name(gone));
    }
    // Conditions Table I says nothing about are never excluded.
    expect(result).toContain(name('condition.chondrosarcoma'));
    expect(result).toContain(name('condition.myositis-ossificans'));
  });

  it('cites Table I in every reply of the dialogue', () => {
    const turns = converse(['diagnosi differenziale guidata', 'sì', 'non so', 'periarticolare', 'sì', 'no']);
    for (const t of turns) expect(t.text).toMatch(/Fonte: PDTA § 10\. Algoritmo › Tabella I/);
  });

  it('an answer that contradicts no stated feature excludes nothing', () => {
    const turn = last(converse(['diagnosi differenziale guidata', 'sì']));
    expect(turn.text).toContain('Nessuna condizione esclusa da questa risposta.');
    expect(turn.text).toContain('Condizioni ancora possibili (12)');
  });

  it('"non so" skips a question without excluding anything', () => {
    const turn = last(converse(['diagnosi differenziale guidata', 'non so']));
    expect(turn.state).toBe('differential.connective');
    expect(turn.context.diff.ckd).toBe('unknown');
    expect(turn.text).toContain('Condizioni ancora possibili (12)');
  });

  it('asks about urate crystals only while a condition that states them is left', () => {
    const periarticular = converse(['diagnosi differenziale guidata', 'no', 'no', 'periarticolare', 'sì']);
    expect(last(periarticular).state).toBe('differential.urate');
    expect(last(periarticular).text).toContain(`${name('condition.tumoral-calcinosis')} (Tabella I – Erosione ossea: no)`);
    const noUrate = last(converse(['no'], { from: last(periarticular).snapshot }));
    expect(noUrate.state).toBe('differential.result');
    expect(resultPart(noUrate.text)).not.toContain(name('condition.gout'));
    // Inside a tendon gout is already gone, so the urate question is not asked at all.
    expect(last(converse(['diagnosi differenziale guidata', 'no', 'no', 'tendine', 'no'])).state).toBe('differential.result');
  });

  it('takes several answers in one message', () => {
    const turn = last(converse(['diagnosi differenziale guidata', 'IRC no, connettivo no, erosione sì']));
    expect(turn.context.diff).toMatchObject({ ckd: 'no', connective: 'no', erosion: 'yes' });
    expect(turn.state).toBe('differential.location');
  });

  it('"sì" is not a site: the question is asked again and nothing is lost', () => {
    const before = last(converse(['diagnosi differenziale guidata', 'no', 'no']));
    const turn = last(converse(['sì'], { from: before.snapshot }));
    expect(turn.state).toBe('differential.location');
    expect(turn.text).toContain('non è tra le risposte possibili');
    expect(turn.context.diff).toEqual(before.context.diff);
  });
});

describe('guided differential (English)', () => {
  it('walks Table I in English', () => {
    const turns = converse(['guided differential', 'no', 'no', 'inside a tendon', 'no']);
    expect(turns[0]!.text).toContain('Does the patient have chronic kidney disease?');
    expect(turns[3]!.text).toContain('Does imaging show bone erosion?');
    expect(last(turns).text).toContain(conditions.find((c) => c.id === 'condition.calcific-tendinitis')!.distinguishing!.en);
    expect(last(turns).text).toMatch(/Source: PDTA § 10\. Algorithm › Table I/);
  });
});

describe('Table I narrowing rules', () => {
  const samples: DiffAnswers[] = [];
  for (const q of DIFF_QUESTIONS) {
    const values = q === 'location' ? (['periarticular', 'tendon', 'muscle', 'synovium', 'skin-subcutaneous', 'unknown'] as const) : (['yes', 'no', 'unknown'] as const);
    for (const v of values) samples.push({ ...EMPTY_DIFF, [q]: v });
  }

  it('never excludes on a feature Table I leaves unstated or calls variable', () => {
    for (const c of conditions) {
      for (const answers of samples) {
        for (const q of DIFF_QUESTIONS) {
          const f = fit(c, q, answers);
          if (f !== 'contradicts') continue;
          const stated = q === 'location' ? c.features.location : [c.features[{ ckd: 'chronicKidneyDisease', connective: 'connectiveTissueDisease', erosion: 'boneErosion', urate: 'urate' }[q] as 'urate']];
          expect(stated, `${c.id} ${q}`).not.toContain('unstated');
          expect(stated, `${c.id} ${q}`).not.toContain('variable');
          expect(stated, `${c.id} ${q}`).not.toContain('soft-tissue');
        }
      }
    }
  });

  it('"don’t know" excludes nothing and a question nobody left states is not asked', () => {
    const unknown: DiffAnswers = { ckd: 'unknown', connective: 'unknown', location: 'unknown', erosion: 'unknown', urate: 'unknown' };
    expect(remaining(conditions, unknown)).toHaveLength(conditions.length);
    const onlyUnstated = conditions.filter((c) => ['condition.chondrosarcoma', 'condition.myositis-ossificans'].includes(c.id));
    for (const q of DIFF_QUESTIONS) expect(uninformative(onlyUnstated, EMPTY_DIFF, q)).toBe(true);
    expect(uninformative(conditions, EMPTY_DIFF, 'ckd')).toBe(false);
  });
});
