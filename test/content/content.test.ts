import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.js';
import { renderReview } from '../../src/content/review.js';
import { contentJsonSchemas } from '../../src/content/jsonSchema.js';
import { fold } from '../../src/nlu/normalize.js';
import { Findings } from '../../machines/context.js';

const content = loadContent();
const seed = readFileSync(new URL('../../content/source/pdta-calcinosi-tumorale-RCO230.txt', import.meta.url), 'utf8');
const all = [...content.topics, ...content.exams, ...content.therapies, ...content.conditions, ...content.followup, ...content.specialists, ...content.algorithm];
const ids = new Set(all.map((i) => i.id));

// Every heading of the seed, with the content items that transcribe it.
const SEED_SECTIONS: Array<[heading: string, section: string, itemIds: string[]]> = [
  ['Professionista Responsabile del PDTA', '1', ['topic.responsible']],
  ['1. Definizione', '1', ['topic.definition']],
  ['2. Popolazione a cui rivolgersi (criteri di ingresso)', '2', ['topic.entry-criteria']],
  ['3. Criteri diagnostici', '3', ['topic.diagnostic-intro', 'topic.diagnostic-key-points']],
  ['ELEMENTI CLINICI', '3', ['topic.clinical-elements', 'topic.clinical-masses', 'topic.clinical-hyperostosis', 'topic.clinical-dental', 'topic.clinical-vascular', 'topic.clinical-inflammation', 'topic.clinical-ocular']],
  ['DATI LABORATORISTICI', '3', ['topic.lab-panel-a', 'topic.lab-panel-b', 'topic.phosphate-workup', 'topic.high-phosphate-causes', 'exam.fgf23', 'exam.tmp-gfr']],
  ['ELEMENTI STRUMENTALI', '3', ['topic.imaging', 'exam.xray-pelvis', 'exam.bone-scintigraphy', 'exam.arteriovenous-doppler']],
  ['ELEMENTI GENETICI/BIOLOGIA MOLECOLARE', '3', ['topic.genetics', 'exam.genetic-analysis']],
  ['ELEMENTI ISTOPATOLOGICI', '3', ['topic.histopathology', 'exam.bone-biopsy']],
  ['ULTERIORI ELEMENTI (NON ESSENZIALI PER LA DIAGNOSI)', '3', ['topic.non-essential-exams']],
  ['CONDIZIONI CLINICHE CORRELATE CON LA PATOLOGIA IN OGGETTO', '3', ['topic.related-conditions']],
  ['ELENCO STRUTTURE PER CERTIFICAZIONE/COMPLETAMENTO DIAGNOSTICO', '3', ['topic.diagnosis-structures']],
  ['4. Criteri terapeutici', '4', ['topic.therapy-intro', 'topic.surveillance', 'topic.avoid', 'topic.therapy-table']],
  ['INFORMAZIONI AGGIUNTIVE', '4', ['topic.pain-and-fistulas', 'topic.recurrence']],
  ['INTERVENTI CHIRURGICI', '4', ['topic.surgery']],
  ['PIANO RIABILITATIVO', '4', ['topic.rehabilitation']],
  ['5. Aspetti assistenziali', '5', ['topic.care-organisation']],
  ['Transizione pediatrico/adulto', '5', ['topic.transition']],
  ['6. Controlli/monitoraggio', '6', ['topic.followup', 'followup.phospho-calcium-complete', 'followup.phosphate-metabolism']],
  ['ELENCO DEGLI SPECIALISTI DA COINVOLGERE', '6', ['topic.specialists', 'specialist.endocrinology', 'specialist.orthopaedics', 'specialist.ophthalmology', 'specialist.angiology-cardiology', 'specialist.physiatry']],
  ['SVILUPPO DI DATASET MINIMO DI DATI', '6', ['topic.minimum-dataset']],
  ['ELENCO DI PROCESSO E DI ESITO', '6', ['topic.indicators']],
  ['7. Associazioni coinvolte', '7', ['topic.association']],
  ['8. Ulteriori informazioni', '8', ['topic.reference-centre']],
  ['9. Estensori del documento', '9', ['topic.authors']],
  ['Tabella I', '10', ['topic.table-i', 'condition.uremic-tc', 'condition.gout']],
  ['Step 1', '10', ['step.1']],
  ['Step 2', '10', ['step.2']],
  ['Step 3', '10', ['step.3']],
];

describe('content/ transcribes the whole PDTA', () => {
  it.each(SEED_SECTIONS)('"%s" (§%s) has content items', (heading, section, itemIds) => {
    expect(seed).toContain(heading);
    for (const id of itemIds) {
      expect(ids, `missing ${id}`).toContain(id);
      expect(all.find((i) => i.id === id)!.source.section).toBe(section);
    }
  });

  it('has every row of the therapy table', () => {
    const rows = content.therapies.filter((t) => t.inTable).map((t) => t.id);
    expect(rows.sort()).toEqual(
      ['therapy.acetazolamide', 'therapy.alendronate', 'therapy.calcitriol', 'therapy.calcium-acetate-magnesium-carbonate', 'therapy.calcium-carbonate-citrate', 'therapy.colecalciferol', 'therapy.neridronate', 'therapy.zoledronate'].sort(),
    );
    for (const t of content.therapies.filter((x) => x.inTable)) expect(fold(seed)).toContain(fold(t.name.it).split(/[ /]/)[0]!);
  });

  it('has each test of panels A and B, each imaging exam and each non-essential exam by name', () => {
    const count = (group: string) => content.exams.filter((e) => e.group === group).length;
    expect(count('panel-a')).toBeGreaterThanOrEqual(28);
    expect(count('panel-b')).toBeGreaterThanOrEqual(20);
    expect(count('imaging')).toBe(13);
    expect(count('non-essential')).toBe(9);
  });

  it('has every condition of Table I', () => {
    for (const name of ['Tendinite calcifica', 'Condromatosi sinoviale', 'Osteosarcoma', 'Condrosarcoma', 'Sarcoma Sinoviale', 'Miosite Ossificante', 'Mionecrosi Calcifica', 'Gotta', 'Calcinosis Universalis', 'Calcinosis Circumscripta']) {
      expect(content.conditions.some((c) => fold(c.name.it).includes(fold(name))), name).toBe(true);
    }
  });

  it('gives the follow-up intervals as the PDTA does (6 and 12 months)', () => {
    expect(content.followup.map((f) => f.everyMonths).sort()).toEqual([12, 6].sort());
  });

  it('carries the content version on its metadata', () => {
    expect(content.meta).toMatchObject({ code: 'RCO230' });
    expect(content.meta.contentVersion).toContain('RCO230');
  });

  it('lists every caution in REVIEW.md, generated and up to date', () => {
    const review = readFileSync(new URL('../../content/REVIEW.md', import.meta.url), 'utf8');
    expect(review).toBe(renderReview(content));
    for (const c of content.cautions) expect(review).toContain(c.id);
  });

  it('ships JSON Schemas for editors that match the zod schemas', () => {
    for (const [name, text] of Object.entries(contentJsonSchemas())) {
      expect(readFileSync(new URL(`../../content/schema/${name}`, import.meta.url), 'utf8'), name).toBe(text);
    }
  });

  it('uses every caution somewhere', () => {
    const used = new Set(all.flatMap((i) => i.cautions));
    const engineOnly = new Set(['caution.tmp-gfr-formula-external']);
    for (const c of content.cautions) expect(used.has(c.id) || engineOnly.has(c.id), c.id).toBe(true);
  });

  it('links walkthrough findings only with values the walkthrough records', () => {
    for (const g of content.guidance) {
      for (const v of g.values) expect(Findings.shape[g.finding].safeParse(v).success, `${g.finding}=${v}`).toBe(true);
    }
  });

  it('names the rows of the bisphosphonate class of the therapy table in therapies.yaml, not in code', () => {
    const rows = content.therapies.filter((t) => t.memberOf === 'therapy.bisphosphonates').map((t) => t.id);
    expect(rows).toEqual(['therapy.neridronate', 'therapy.zoledronate', 'therapy.alendronate']);
  });
});
