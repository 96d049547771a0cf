/**
 * Adding knowledge is a change to content/ only: a copy of the content with one more therapy row,
 * topic and follow-up interval, written as YAML and nothing else, is answered, guided to and
 * planned, each with its citation. They are test data, marked as such: not in the PDTA, and they
 * never leave the temporary copy.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/content/catalog.js';
import { defaultContentDir, loadContent } from '../../src/content/load.js';
import type { Content } from '../../src/content/schema.js';
import type { Assistant } from '../../src/engine/assistant.js';
import { loadAssistant } from '../../src/engine/loadAssistant.js';
import { guidanceFor, guidanceIds } from '../../src/engine/pathwayGuidance.js';
import type { ItemReminderPayload } from '../../src/followup/message.js';
import { ReminderPlanner } from '../../src/followup/planner.js';
import { FollowupService } from '../../src/followup/service.js';
import { openStore, type Store } from '../../src/store/database.js';
import { renderPlainText } from '../../src/reply/plainText.js';
import { COORDINATOR, TestClock, isCoordinator } from '../followup/fixtures.js';

const TEST_ROW = `
- id: therapy.test-row
  source:
    section: "4"
    chapter:
      it: Criteri terapeutici
      en: Therapeutic criteria
    heading:
      it: Tabella delle terapie
      en: Therapy table
  name:
    it: Provadronato
    en: Testdronate
  synonyms:
    - provadronato
    - testdronate
  inTable: true
  sourceWording: "Provadronato | test data, not in the PDTA"
  adult:
    kind: fixed
    text:
      it: 10 mg/6 mesi per via e.v.
      en: 10 mg every 6 months i.v.
    dose:
      text:
        it: 10 mg/6 mesi per via e.v.
        en: 10 mg every 6 months i.v.
      maxMg: 10
      everyMonths: 6
      route: iv
  paediatric:
    kind: per-kg
    text:
      it: 0,5 mg/kg di peso ogni 6 mesi per via e.v.
      en: 0.5 mg/kg body weight every 6 months i.v.
    rule:
      mgPerKg: 0.5
      everyMonths: 6
      route: iv
  class:
    it: Bisfosfonato
    en: Bisphosphonate
  memberOf: therapy.bisphosphonates
`;

const TEST_INTERVAL = `
- id: followup.test-interval
  source:
    section: "6"
    chapter:
      it: Controlli/monitoraggio
      en: Follow-up/monitoring
    heading:
      it: Esami/visite da proporre durante il follow-up
      en: Exams and visits during follow-up
  name:
    it: Esame di prova
    en: Test exam
  everyMonths: 3
  intervalText:
    it: ogni 3 mesi
    en: every 3 months
`;

const TEST_TOPIC = `
- id: topic.test-passage
  source:
    section: "5"
    chapter:
      it: Aspetti assistenziali
      en: Care aspects
    heading:
      it: Passo di prova
      en: Test passage
  keywords:
    it: [sportello di prova]
    en: [test desk]
  questions:
    it: ["dove si trova lo sportello di prova"]
    en: ["where is the test desk"]
  title:
    it: Sportello di prova
    en: Test desk
  body:
    it: Testo di prova, non del PDTA.
    en: Test text, not from the PDTA.
`;

describe('a therapy row, a topic and a follow-up interval added in YAML only', () => {
  let dir: string;
  let content: Content;
  let assistant: Assistant;
  let store: Store;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pdta-content-'));
    cpSync(defaultContentDir(), dir, { recursive: true });
    appendFileSync(join(dir, 'therapies.yaml'), TEST_ROW);
    appendFileSync(join(dir, 'followup.yaml'), TEST_INTERVAL);
    appendFileSync(join(dir, 'topics.care.yaml'), TEST_TOPIC);
    content = loadContent(dir);
    assistant = loadAssistant(dir);
    store = await openStore({ memory: true });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a dose question on the new row, computed for the weight, citing the therapy table', () => {
    const reply = assistant.ask('provadronato bambino 20 kg');
    expect(reply.itemIds).toContain('therapy.test-row');
    expect(renderPlainText(reply).split('\n')[0]).toBe('Provadronato · Pediatrico: 10 mg, ogni 6 mesi, endovenosa (e.v.) (0,5 mg/kg × 20 kg)');
    expect(reply.citations).toContainEqual(expect.objectContaining({ section: '4. Criteri terapeutici', heading: 'Tabella delle terapie' }));
  });

  it('counts the new row among its class: asked for the class, and in the walkthrough when masses are recorded', () => {
    const reply = assistant.ask('bisfosfonati');
    expect(reply.itemIds).toContain('therapy.test-row');
    expect(renderPlainText(reply)).toContain('Provadronato · Adulto: 10 mg/6 mesi per via e.v.');
    const guidance = guidanceFor(new Catalog(content), 'masses', 'yes');
    expect(guidance && guidanceIds(guidance)).toContain('therapy.test-row');
  });

  it('answers a question the new topic answers, quoting it with its citation', () => {
    const reply = assistant.ask('dove si trova lo sportello di prova?');
    expect(reply.itemIds[0]).toBe('topic.test-passage');
    expect(renderPlainText(reply)).toContain('Testo di prova, non del PDTA.');
    expect(reply.citations).toContainEqual(expect.objectContaining({ section: '5. Aspetti assistenziali', heading: 'Passo di prova' }));
  });

  it('plans reminders for the new interval and for the new row, each citing where it is from', async () => {
    const clock = new TestClock('2026-03-02');
    const service = new FollowupService({ db: store.db, content, clock: clock.now, isCoordinator });
    const patient = await service.enrol(COORDINATOR, {
      code: 'TC-0001',
      lastExamsOn: '2026-01-02',
      therapy: { therapyId: 'therapy.test-row', lastGivenOn: '2026-01-02', since: null },
    });
    const exam = patient.items.find((i) => i.ruleId === 'followup.test-interval');
    const therapy = patient.items.find((i) => i.ruleId === 'therapy.test-row');
    expect(exam?.dueOn).toBe('2026-04-02');
    expect(therapy?.dueOn).toBe('2026-07-02');

    clock.at('2026-03-26', 10); // seven days before the exam falls due, after the reminder hour
    const planner = new ReminderPlanner({ db: store.db, content, targets: ['slack'] });
    expect((await planner.plan(clock.now())).items).toBeGreaterThan(0);
    const rows = await store.db.selectFrom('reminder_outbox').select(['item_id', 'payload']).execute();
    const payload = rows.find((r) => r.item_id === exam!.id)?.payload as ItemReminderPayload | undefined;
    expect(payload).toMatchObject({
      ruleId: 'followup.test-interval',
      ruleName: { it: 'Esame di prova' },
      intervalText: { it: 'ogni 3 mesi' },
      source: { section: '6', heading: { it: 'Esami/visite da proporre durante il follow-up' } },
    });
  });
});
