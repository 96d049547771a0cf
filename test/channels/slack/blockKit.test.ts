/**
 * Contract of the Block Kit renderer: every reply the assistant gives to the evaluation questions,
 * and long synthetic replies, render within every Slack limit, and nothing a reader needs is lost
 * when an answer is split into several messages.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAssistant } from '../../../src/engine/loadAssistant.js';
import { loadEvalCases } from '../../../src/engine/evaluation.js';
import type { Assistant } from '../../../src/engine/assistant.js';
import { escapeMrkdwn, renderBlockKit, SLACK_LIMITS, splitMrkdwn, type SlackMessage } from '../../../src/reply/blockKit.js';
import type { Block, Reply } from '../../../src/reply/model.js';
import { limitProblems, lostTexts, mrkdwnTexts, squeeze, visibleText } from './blockKitLimits.js';

let assistant: Assistant;
const questions = loadEvalCases(fileURLToPath(new URL('../../eval/questions.yaml', import.meta.url))).map((c) => c.q);

beforeAll(() => {
  assistant = loadAssistant();
});

function reply(partial: Partial<Reply>): Reply {
  return { lang: 'it', kind: 'answer', blocks: [], warnings: [], citations: [], actions: [], itemIds: [], ...partial };
}

function expectWithinLimitsAndComplete(r: Reply, messages: SlackMessage[] = renderBlockKit(r)): void {
  expect(limitProblems(messages)).toEqual([]);
  expect(lostTexts(r, messages)).toEqual([]);
  const buttons = messages.flatMap((m) => m.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])));
  for (const a of r.actions) {
    const shown = buttons.find((b) => b.value === a.value);
    if (a.value.length > SLACK_LIMITS.buttonValue) {
      // Too long for a button: offered as text to type instead.
      expect(visibleText(messages)).toContain(squeeze(a.label));
      continue;
    }
    expect(shown, `button ${a.label}`).toBeDefined();
    const label = Array.from(a.label.trim());
    if (label.length <= SLACK_LIMITS.buttonText) expect(shown!.text.text).toBe(a.label.trim());
    else expect(shown!.text.text).toBe(`${label.slice(0, SLACK_LIMITS.buttonText - 1).join('')}…`);
  }
}

describe('the evaluation questions, rendered for Slack', () => {
  it('has a catalogue large enough to mean something', () => {
    expect(questions.length).toBeGreaterThanOrEqual(40);
  });

  it('renders every answer within Slack limits, with all its text, citations and buttons', () => {
    let multiMessage = 0;
    for (const q of questions) {
      const r = assistant.ask(q);
      const messages = renderBlockKit(r);
      if (messages.length > 1) multiMessage += 1;
      expect(limitProblems(messages), q).toEqual([]);
      expect(lostTexts(r, messages), q).toEqual([]);
      for (const c of r.citations) expect(visibleText(messages), q).toContain(squeeze(c.heading));
      expect(messages.flatMap((m) => m.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.value) : []))), q).toEqual(
        r.actions.map((a) => a.value),
      );
    }
    // The PDTA's answers fit in one message each; splitting is for what comes later (long walkthrough summaries).
    expect(multiMessage).toBe(0);
  });

  it('shows a weight-based dose the way an on-call doctor needs it: the dose first, title, fields, caution, source, next steps', () => {
    const [message, ...rest] = renderBlockKit(assistant.ask('neridronato bambino 18 kg'));
    expect(rest).toEqual([]);
    const blocks = message!.blocks;
    expect(blocks[0]).toMatchObject({ type: 'section', text: { text: expect.stringContaining('Neridronato · Pediatrico: 36 mg') } });
    expect(blocks[1]).toMatchObject({
      type: 'section',
      text: { text: '*Neridronato · Pediatrico*' },
      fields: expect.arrayContaining([{ type: 'mrkdwn', text: '*Dose calcolata*\n36 mg', verbatim: true }]),
    });
    expect(blocks.some((b) => b.type === 'section' && b.text?.text.startsWith('⚠️ Attenzione'))).toBe(true);
    expect(blocks.some((b) => b.type === 'context' && b.elements.some((e) => e.text.includes('PDTA § 4. Criteri terapeutici › Tabella delle terapie')))).toBe(true);
    expect(blocks.at(-1)).toMatchObject({ type: 'actions', elements: [{ action_id: 'pdta:action:it:0', value: 'pdta:dose:therapy.neridronate:adult' }, {}, {}, { value: 'pdta:full:therapy.neridronate' }] });
    expect(message!.text).toContain('Neridronato');
  });
});

describe('long and hostile replies', () => {
  const paragraph = (n: number): string => `Paragrafo ${n}: ${'la calcinosi tumorale & il fosfato < 1,5 mmol/L > soglia. '.repeat(12)}`;

  it('splits a very long text at paragraph boundaries into several messages, in order, marked as parts', () => {
    const body = Array.from({ length: 120 }, (_, i) => paragraph(i + 1)).join('\n\n');
    const r = reply({ blocks: [{ type: 'text', title: 'Riepilogo', body }], citations: [{ section: '5. Percorso', heading: 'Descrizione', contentVersion: 'v1' }], actions: [{ label: 'Menu', value: 'pdta:menu' }] });
    const messages = renderBlockKit(r);
    expect(messages.length).toBeGreaterThan(1);
    expectWithinLimitsAndComplete(r, messages);
    // Paragraph boundaries: each section starts at the beginning of a paragraph.
    const sectionTexts = messages.flatMap((m) => m.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : [])));
    for (const t of sectionTexts.slice(1)) expect(t).toMatch(/^Paragrafo \d+:/);
    messages.slice(0, -1).forEach((m, i) => {
      expect(m.blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: `⤵ parte ${i + 1} di ${messages.length}: continua nel messaggio seguente`, verbatim: true }] });
      expect(m.text).toMatch(new RegExp(`\\(${i + 1}/${messages.length}\\)$`));
    });
    // Citations and buttons close the answer, in its last message.
    expect(messages.at(-1)!.blocks.at(-1)!.type).toBe('actions');
  });

  it('cuts a word longer than a section only where it must, never inside an escape', () => {
    const word = `${'&<>'.repeat(1500)}x`.repeat(3);
    const r = reply({ blocks: [{ type: 'text', body: word }] });
    const messages = renderBlockKit(r);
    expectWithinLimitsAndComplete(r, messages);
    for (const t of mrkdwnTexts(messages)) expect(t).not.toMatch(/&(?!amp;|lt;|gt;)|&(amp|lt|gt)$/);
  });

  it('never splits an emoji or a surrogate pair', () => {
    const r = reply({ blocks: [{ type: 'text', body: '🦴'.repeat(4000) }] });
    const messages = renderBlockKit(r);
    expectWithinLimitsAndComplete(r, messages);
    for (const t of mrkdwnTexts(messages)) expect(t).toMatch(/^(?:🦴)+$/u);
  });

  it('keeps many facts, long facts, long lists, many warnings, citations and buttons within limits', () => {
    const facts = Array.from({ length: 37 }, (_, i) => ({ label: `Parametro ${i}`, value: i % 5 === 0 ? 'valore '.repeat(500) : `${i} mg/kg` }));
    const shortFacts = Array.from({ length: 23 }, (_, i) => ({ label: `Esame ${i}`, value: `${i} mmol/L` }));
    const blocks: Block[] = [
      { type: 'facts', title: 'Titolo molto lungo '.repeat(12), facts },
      { type: 'facts', title: 'Esami', facts: shortFacts },
      { type: 'list', title: 'Cosa si fa', items: Array.from({ length: 300 }, (_, i) => `Voce ${i} ${'dettaglio '.repeat(i % 7 === 0 ? 400 : 3)}`) },
      { type: 'text', body: '' },
      { type: 'facts', facts: [] },
    ];
    const r = reply({
      blocks,
      warnings: Array.from({ length: 30 }, (_, i) => `Attenzione ${i}: ${'ambiguità del PDTA '.repeat(i === 3 ? 300 : 4)}`),
      citations: Array.from({ length: 27 }, (_, i) => ({ section: `${i}. Capitolo`, heading: `Titolo ${i}`, contentVersion: 'RCO230 · v1' })),
      actions: [
        ...Array.from({ length: 40 }, (_, i) => ({ label: `Azione numero ${i} ${'con un’etichetta lunghissima '.repeat(i % 3)}`, value: `pdta:show:item.${i}` })),
        { label: 'Valore troppo lungo', value: `pdta:show:${'x'.repeat(2100)}` },
      ],
    });
    const messages = renderBlockKit(r);
    expect(messages.length).toBeGreaterThan(1);
    expectWithinLimitsAndComplete(r, messages);
  });

  it('escapes & < > so typed text can never become a mention, a channel ping or a link', () => {
    const typed = '<!channel> <!here|here> <@U123ABC> <#C999|generale> <https://evil.example|clicca> & ok > fine';
    const r = reply({
      blocks: [{ type: 'text', title: typed, body: typed }, { type: 'facts', facts: [{ label: typed, value: typed }] }, { type: 'list', items: [typed] }],
      warnings: [typed],
      citations: [{ section: typed, heading: typed, contentVersion: typed }],
      actions: [{ label: typed, value: 'pdta:menu' }],
    });
    const messages = renderBlockKit(r);
    expectWithinLimitsAndComplete(r, messages);
    for (const t of mrkdwnTexts(messages)) {
      expect(t).not.toMatch(/<|>/);
      expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
    expect(messages[0]!.text).not.toMatch(/<|>/);
    for (const m of messages) {
      for (const b of m.blocks) {
        if (b.type === 'section') for (const t of [b.text, ...(b.fields ?? [])]) if (t) expect(t.verbatim).toBe(true);
      }
    }
    expect(escapeMrkdwn('a & b <c> &amp;')).toBe('a &amp; b &lt;c&gt; &amp;amp;');
  });

  it('holds for arbitrary replies (property)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 400 });
    const longText = fc.oneof(text, fc.array(fc.constantFrom('a', ' ', '\n', '\n\n', '&', '<', '>', '. ', '🦴', 'é', '*', 'parola'), { maxLength: 2500 }).map((xs) => xs.join('')));
    const block: fc.Arbitrary<Block> = fc.oneof(
      fc.record({ type: fc.constant('text' as const), title: fc.option(text, { nil: undefined }), body: longText }).map(({ title, ...b }) => (title === undefined ? b : { ...b, title })),
      fc.record({ type: fc.constant('facts' as const), facts: fc.array(fc.record({ label: text, value: longText }), { maxLength: 25 }) }),
      fc.record({ type: fc.constant('list' as const), items: fc.array(longText, { maxLength: 30 }) }),
    );
    fc.assert(
      fc.property(
        fc.record({
          blocks: fc.array(block, { maxLength: 12 }),
          warnings: fc.array(longText, { maxLength: 5 }),
          citations: fc.array(fc.record({ section: text, heading: text, contentVersion: text }), { maxLength: 14 }),
          actions: fc.array(fc.record({ label: text, value: fc.string({ minLength: 1, maxLength: 60 }) }), { maxLength: 30 }),
          lang: fc.constantFrom('it' as const, 'en' as const),
        }),
        (partial) => {
          const r = reply(partial);
          const messages = renderBlockKit(r);
          expect(limitProblems(messages)).toEqual([]);
          expect(lostTexts(r, messages)).toEqual([]);
          for (const t of mrkdwnTexts(messages)) expect(t).not.toMatch(/<|>/);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('splitMrkdwn', () => {
  it('prefers paragraphs, then lines, then sentences, then words', () => {
    expect(splitMrkdwn('aaaa bbbb\n\ncccc dddd', 12)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitMrkdwn('aaaa bbbb\ncccc dddd', 12)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitMrkdwn('Uno due. Tre quattro.', 12)).toEqual(['Uno due.', 'Tre quattro.']);
    expect(splitMrkdwn('uno due tre quattro', 8)).toEqual(['uno due', 'tre', 'quattro']);
    expect(splitMrkdwn('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(splitMrkdwn('a &amp; b', 3)).toEqual(['a', '&amp;', 'b']);
  });
});
