/**
 * Every card the Teams channel can send: the replies to the 408 evaluation questions, to every
 * button those replies offer, and synthetic replies built to break limits. Each card must
 * - validate against the Adaptive Card 1.5 schema (the subset we emit, in schemas/),
 * - parse and validate in the `adaptivecards` library, and render with it (on a minimal DOM),
 *   showing every text and every button, each button submitting our data,
 * - stay under Teams' 28 KB per message, envelope included,
 * and together the cards of a reply must hold all of it, in order.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { replyActivities } from '../../../src/channels/teams/outgoing.js';
import { loadEvalCases } from '../../../src/engine/evaluation.js';
import {
  ACTIVITY_ENVELOPE_BYTES,
  MAX_ACTIONS_PER_SET,
  MAX_CARD_MESSAGE_BYTES,
  escapeMarkdown,
  renderAdaptiveCard,
  type AdaptiveCard,
  type CardElement,
  type SubmitAction,
} from '../../../src/reply/adaptiveCard.js';
import type { Reply } from '../../../src/reply/model.js';
import { visibleBlocks } from '../../../src/reply/visible.js';
import { installMinimalDom, type FakeElement } from './support/minimalDom.js';
import { assistant } from './support/harness.js';

installMinimalDom();
// The package's ES build imports without file extensions, which Node's ESM loader refuses; its
// UMD bundle is the same library.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

/** What Teams' Markdown does to our escaped text: the backslash escapes vanish. */
function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\*_[\]])/g, '$1');
}
AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
  result.outputHtml = unescapeMarkdown(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  result.didProcess = true;
};

const schema = JSON.parse(readFileSync(fileURLToPath(new URL('./schemas/adaptive-card-1.5.subset.schema.json', import.meta.url)), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv);
const validateCard = ajv.compile(schema);

interface Sample {
  name: string;
  reply: Reply;
  /** renderAdaptiveCard(reply), rendered once. */
  cards: AdaptiveCard[];
}

const samples: Sample[] = [];

function textBlocks(elements: readonly CardElement[]): string[] {
  return elements.flatMap((e) => {
    switch (e.type) {
      case 'TextBlock':
        return [e.text];
      case 'FactSet':
        return e.facts.flatMap((f) => [f.title, f.value]);
      case 'Container':
        return textBlocks(e.items);
      case 'ActionSet':
        return [];
      default: {
        const never: never = e;
        return never;
      }
    }
  });
}

function actionsOf(elements: readonly CardElement[]): SubmitAction[] {
  return elements.flatMap((e) => (e.type === 'ActionSet' ? e.actions : e.type === 'Container' ? actionsOf(e.items) : []));
}

/**
 * Teams' host config allows 6 actions per set (the library's default is 5, and would hide the 6th
 * of our menus behind an overflow button).
 */
const teamsHostConfig = new AC.HostConfig({ actions: { maxActions: MAX_ACTIONS_PER_SET, actionsOrientation: 'vertical' } });

/** Parses, validates and renders a card with the adaptivecards library; returns what it saw. */
function renderWithLibrary(card: AdaptiveCard): { problems: string[]; text: string; buttons: FakeElement[]; submitted: unknown[] } {
  const parsed = new AC.AdaptiveCard();
  parsed.hostConfig = teamsHostConfig;
  const context = new AC.SerializationContext();
  const submitted: unknown[] = [];
  parsed.onExecuteAction = (action) => {
    if (action instanceof AC.SubmitAction) submitted.push(action.data);
  };
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i += 1) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of parsed.validateProperties().validationEvents) problems.push(`validate: ${event.message}`);
  const root = parsed.render() as unknown as FakeElement | undefined;
  if (root === undefined) return { problems: [...problems, 'render: nothing rendered'], text: '', buttons: [], submitted };
  const buttons = root.descendants().filter((n) => n.tagName === 'BUTTON');
  return { problems, text: root.textContent, buttons, submitted };
}

function plain(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

beforeAll(() => {
  const a = assistant();
  const cases = loadEvalCases(fileURLToPath(new URL('../../eval/questions.yaml', import.meta.url)));
  const seenActions = new Set<string>();
  for (const c of cases) {
    const reply = a.ask(c.q);
    samples.push(sample(`«${c.q}»`, reply));
    for (const action of reply.actions) {
      const key = `${reply.lang}|${action.value}`;
      if (seenActions.has(key)) continue;
      seenActions.add(key);
      samples.push(sample(`button ${action.value} (${reply.lang})`, a.ask(action.value, { lang: reply.lang })));
    }
  }
  samples.push(...syntheticReplies().map((s) => sample(s.name, s.reply)));
});

function sample(name: string, reply: Reply): Sample {
  return { name, reply, cards: renderAdaptiveCard(reply) };
}

function syntheticReplies(): Array<{ name: string; reply: Reply }> {
  const citation = { section: '4. Criteri terapeutici', heading: 'Tabella delle terapie', contentVersion: 'RCO230 · test' };
  const base = (over: Partial<Reply>): Reply => ({ lang: 'it', kind: 'answer', blocks: [], warnings: [], citations: [citation], actions: [], itemIds: [], ...over });
  const sentence = 'La calcinosi tumorale è una rara sindrome caratterizzata da depositi di calcio periarticolari. ';
  return [
    { name: 'a 120 KB paragraph', reply: base({ blocks: [{ type: 'text', title: 'Testo lungo', body: sentence.repeat(1300) }] }) },
    { name: 'a 60 KB word without spaces', reply: base({ blocks: [{ type: 'text', body: 'fosfato'.repeat(9000) }] }) },
    { name: '600 list items', reply: base({ blocks: [{ type: 'list', title: 'Esami', items: Array.from({ length: 600 }, (_, i) => `Esame ${i + 1}: ${sentence}`) }] }) },
    {
      name: '150 facts, long and short',
      reply: base({
        kind: 'dose',
        blocks: [{ type: 'facts', title: 'Fatti', facts: Array.from({ length: 150 }, (_, i) => ({ label: `Voce ${i}`, value: i % 3 === 0 ? sentence.repeat(3) : `${i} mg` })) }],
      }),
    },
    { name: 'one fact of 40 KB', reply: base({ blocks: [{ type: 'facts', facts: [{ label: 'Testo del PDTA', value: sentence.repeat(450) }] }] }) },
    { name: '90 warnings', reply: base({ kind: 'dose', blocks: [{ type: 'text', body: 'Dose' }], warnings: Array.from({ length: 90 }, (_, i) => `Attenzione ${i}: ${sentence.repeat(3)}`) }) },
    {
      name: '40 buttons',
      reply: base({
        kind: 'menu',
        blocks: [{ type: 'text', body: 'Scegli' }],
        actions: Array.from({ length: 40 }, (_, i) => ({ label: `Voce di menu numero ${i + 1}`, value: `pdta:show:topic.item-${i + 1}` })),
      }),
    },
    { name: '30 citations', reply: base({ blocks: [{ type: 'text', body: 'Fonti' }], citations: Array.from({ length: 30 }, (_, i) => ({ ...citation, heading: `Paragrafo ${i}` })) }) },
    {
      name: 'multi-byte text (accents, symbols, emoji)',
      reply: base({ lang: 'en', blocks: [{ type: 'list', items: Array.from({ length: 900 }, (_, i) => `µmol/L ≥ ≤ × → 🦴💊 àèéìòù ${i}`) }] }),
    },
    {
      name: 'Markdown characters a user might echo',
      reply: base({ kind: 'not-covered', blocks: [{ type: 'text', title: 'Non coperto', body: 'Il farmaco *zoledronato_2* [vedi](http://x) `codice` ~barrato~ \\ non è nel PDTA.\nSeconda riga.' }] }),
    },
    { name: 'an empty reply', reply: base({ blocks: [], citations: [] }) },
  ];
}

describe('every card the channel sends', () => {
  it('covers 40+ real questions and the synthetic replies', () => {
    expect(samples.length).toBeGreaterThan(450);
  });

  it('validates against the Adaptive Card 1.5 schema', () => {
    const failures: string[] = [];
    for (const { name, cards } of samples) {
      for (const card of cards) {
        if (!validateCard(card)) failures.push(`${name}: ${ajv.errorsText(validateCard.errors)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('parses, validates and renders in the adaptivecards library, showing every text and every button', () => {
    const failures: string[] = [];
    for (const { name, cards } of samples) {
      for (const card of cards) {
        const seen = renderWithLibrary(card);
        if (!validateCard(card)) continue; // reported by the schema test
        for (const p of seen.problems) failures.push(`${name}: ${p}`);
        const rendered = plain(seen.text);
        for (const t of textBlocks(card.body)) {
          if (!rendered.includes(plain(unescapeMarkdown(t)))) failures.push(`${name}: text not rendered: ${t.slice(0, 60)}`);
        }
        const actions = actionsOf(card.body);
        if (seen.buttons.length !== actions.length) failures.push(`${name}: ${seen.buttons.length} buttons rendered for ${actions.length} actions`);
        for (const button of seen.buttons) button.click();
        if (JSON.stringify(seen.submitted) !== JSON.stringify(actions.map((a) => a.data))) failures.push(`${name}: the buttons did not submit the actions' data`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('stays under 28 KB per message, activity envelope included', () => {
    let largest = 0;
    for (const { reply, cards } of samples) {
      for (const card of cards) {
        const bytes = Buffer.byteLength(JSON.stringify(card), 'utf8');
        largest = Math.max(largest, bytes);
        expect(bytes).toBeLessThanOrEqual(MAX_CARD_MESSAGE_BYTES - ACTIVITY_ENVELOPE_BYTES);
      }
      for (const activity of replyActivities(reply)) {
        // With the addresses botbuilder adds, as measured at the stand-in connector in endpoint.test.ts.
        const withEnvelope = { ...activity, ...fakeAddresses };
        expect(Buffer.byteLength(JSON.stringify(withEnvelope), 'utf8')).toBeLessThan(MAX_CARD_MESSAGE_BYTES);
      }
    }
    expect(largest).toBeGreaterThan(20 * 1024); // the synthetic replies did reach the limit
  });

  it('reads well on a phone: wrapping text, no widths, at most 6 buttons per set, lists as separate TextBlocks', () => {
    for (const { reply, cards } of samples) {
      const json = JSON.stringify(cards);
      expect(json).not.toMatch(/"width"|"minHeight"|\d+px/);
      for (const card of cards) {
        const all = flatten(card.body);
        for (const e of all) {
          if (e.type === 'TextBlock') expect(e.wrap).toBe(true);
          if (e.type === 'ActionSet') expect(e.actions.length).toBeLessThanOrEqual(MAX_ACTIONS_PER_SET);
        }
      }
      // Each list item is a TextBlock of its own, starting with its bullet (a giant item may go on
      // in further TextBlocks).
      const texts = cards.flatMap((c) => flatten(c.body)).flatMap((e) => (e.type === 'TextBlock' ? [unescapeMarkdown(e.text)] : []));
      for (const block of visibleBlocks(reply)) {
        if (block.type !== 'list') continue;
        for (const item of block.items) expect(texts.some((t) => t.startsWith(`• ${item.slice(0, 50)}`))).toBe(true);
      }
    }
  });
});

const fakeAddresses = {
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/emea/72f988bf-86f1-41af-91ab-2d7cd011db47/',
  conversation: { id: '19:8c8e2bb1a4e24d0c9f1f3b2d4f6a8c0e@thread.tacv2;messageid=1712345678901', conversationType: 'channel', isGroup: true, tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', name: '' },
  from: { id: '28:6b1e2f55-3c1d-4b7e-9a41-0c2d5e8f9a10', name: 'PDTA' },
  recipient: { id: '29:1GcS4EyB_oSI8A88XmWBN7NJFyMqe3QGnJdgLfFGkJnVelzRGos0bPbpsfJjcbAD22bmKc4GMbrY2g4JDrrA8Ew', name: 'Dott.ssa Giulia Bianchi', aadObjectId: 'c0ffee00-1234-4abc-8def-0123456789ab' },
  replyToId: '1712345678901',
  locale: 'it-IT',
};

function flatten(elements: readonly CardElement[]): CardElement[] {
  return elements.flatMap((e) => (e.type === 'Container' ? [e, ...flatten(e.items)] : [e]));
}

describe('a reply split over several cards', () => {
  it('loses nothing and keeps the order: blocks, warnings, citations, buttons', () => {
    for (const { name, reply, cards } of samples) {
      const text = plain(cards.flatMap((c) => textBlocks(c.body)).map(unescapeMarkdown).join(' '));
      const expected: string[] = [];
      for (const b of visibleBlocks(reply)) {
        if (b.title) expected.push(b.title);
        if (b.type === 'text') expected.push(...b.body.split('\n'));
        if (b.type === 'facts') for (const f of b.facts) expected.push(f.label, f.value);
        if (b.type === 'list') expected.push(...b.items);
      }
      expected.push(...reply.warnings, ...reply.citations.map((c) => c.heading));
      let from = 0;
      for (const piece of expected.map(plain).filter((p) => p !== '')) {
        // A piece longer than a card is split across TextBlocks; its start must still come in order.
        const probe = piece.slice(0, 200);
        const at = text.indexOf(probe, from);
        expect(at, `${name}: missing or out of order: ${probe.slice(0, 60)}`).toBeGreaterThanOrEqual(0);
        from = at;
      }
      const buttons = cards.flatMap((c) => actionsOf(c.body));
      expect(buttons.map((b) => [b.title, b.data.pdtaAction])).toEqual(reply.actions.map((a) => [a.label, a.value]));
    }
  });

  it('marks each card but the last as continued, with its part number', () => {
    const { cards } = samples.find((s) => s.name === '600 list items')!;
    expect(cards.length).toBeGreaterThan(2);
    cards.forEach((card, i) => {
      const last = card.body[card.body.length - 1];
      const marker = last?.type === 'TextBlock' ? last.text : '';
      if (i < cards.length - 1) expect(marker).toBe(`Continua nel messaggio successivo (parte ${i + 1}/${cards.length})`);
      else expect(marker).not.toMatch(/Continua/);
    });
  });

  it('keeps a huge word whole across cards, never cutting a character', () => {
    const { cards } = samples.find((s) => s.name === 'a 60 KB word without spaces')!;
    expect(cards.length).toBeGreaterThan(2);
    const joined = cards
      .flatMap((c) => textBlocks(c.body))
      .filter((t) => /^[fosat]+$/.test(t))
      .join('');
    expect(joined).toBe('fosfato'.repeat(9000));
  });

  it('honours a smaller budget when asked', () => {
    const sample = samples.find((s) => s.name === '90 warnings')!;
    for (const card of renderAdaptiveCard(sample.reply, { maxCardBytes: 4096 })) {
      expect(Buffer.byteLength(JSON.stringify(card), 'utf8')).toBeLessThanOrEqual(4096);
      expect(validateCard(card)).toBe(true);
    }
  });
});

describe('what the doctor sees', () => {
  it('a dose card: the dose first, then the rule, the weight, the result, the PDTA caution in red, the source, the buttons', () => {
    const [card] = renderAdaptiveCard(assistant().ask('neridronato bambino 18 kg'));
    const body = card!.body;
    expect(body[0]).toMatchObject({ type: 'TextBlock', text: expect.stringContaining('Neridronato · Pediatrico: 36 mg') });
    expect(body[1]).toMatchObject({ type: 'TextBlock', text: 'Neridronato · Pediatrico' });
    expect(body[2]).toMatchObject({ type: 'FactSet', facts: expect.arrayContaining([{ title: 'Dose calcolata', value: '36 mg' }, { title: 'Peso usato', value: '18 kg' }]) });
    const warning = body.find((e) => e.type === 'Container');
    expect(warning).toMatchObject({ style: 'attention' });
    const source = body.find((e) => e.type === 'TextBlock' && e.text.startsWith('Fonte:'));
    expect(source).toMatchObject({ size: 'small', isSubtle: true, text: expect.stringContaining('4. Criteri terapeutici › Tabella delle terapie') });
    expect(actionsOf(body).map((a) => a.title)).toEqual(['Dose adulto', 'Follow-up', 'Terapie', 'Testo completo del PDTA']);
  });

  it('a passage with a PDTA ambiguity: the caution in amber', () => {
    const [card] = renderAdaptiveCard(assistant().ask('differenza con la tendinite calcifica?'));
    expect(card!.body.find((e) => e.type === 'Container')).toMatchObject({ style: 'warning' });
  });

  it('an empty reply makes no card (no empty bubble)', () => {
    expect(samples.find((s) => s.name === 'an empty reply')!.cards).toEqual([]);
  });

  it('escapes Markdown so that text shows as typed', () => {
    expect(escapeMarkdown('a*b_c [d](e) `f` ~g~ \\')).toBe('a\\*b\\_c \\[d\\](e) `f` ~g~ \\\\');
    expect(unescapeMarkdown(escapeMarkdown('2 mg/kg × 18 kg = 36 mg'))).toBe('2 mg/kg × 18 kg = 36 mg');
  });
});
