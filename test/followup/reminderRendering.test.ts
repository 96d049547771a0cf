/**
 * One renderer per platform: a reminder is rendered by src/reply/ exactly as an answer is. The
 * same reminder as a Slack message (through the Slack reminder transport) and as a Teams card
 * cites the PDTA in the words the assistant's answer on the same section uses, and escapes what
 * it shows the same way; a reminder too long for one Slack message says what it left out.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { reminderSlackMessage } from '../../src/channels/slack/reminderTransport.js';
import type { ItemReminderPayload } from '../../src/core/reminders.js';
import type { Assistant } from '../../src/engine/assistant.js';
import { loadAssistant } from '../../src/engine/loadAssistant.js';
import { actedReminderMessage } from '../../src/channels/slack/reminderUpdate.js';
import { actedReminderActivity } from '../../src/channels/teams/reminderUpdate.js';
import { actedReminder, reminderReply } from '../../src/followup/message.js';
import type { ItemView } from '../../src/followup/service.js';
import { scheduleRules, type ScheduleRules } from '../../src/followup/rules.js';
import { escapeMarkdown, renderAdaptiveCard, type AdaptiveCard } from '../../src/reply/adaptiveCard.js';
import { escapeMrkdwn, renderBlockKit, SLACK_LIMITS, type SlackBlock } from '../../src/reply/blockKit.js';
import type { Reply } from '../../src/reply/model.js';
import { content } from './fixtures.js';

let assistant: Assistant;
let rules: ScheduleRules;

beforeAll(() => {
  assistant = loadAssistant();
  rules = scheduleRules(content());
});

/** A reminder for the phosphate-metabolism follow-up exam, as the planner writes it from content/. */
function phosphateReminder(overrides: Partial<ItemReminderPayload> = {}): ItemReminderPayload {
  const rule = rules.rule('followup.phosphate-metabolism')!;
  return {
    kind: 'due',
    lang: 'it',
    itemId: '42',
    patientCode: 'TC-0042',
    ruleId: rule.id,
    ruleKind: rule.kind,
    ruleName: rule.name,
    intervalText: rule.intervalText,
    source: rule.source,
    dueOn: '2026-03-11',
    day: '2026-03-04',
    status: 'open',
    bookedOn: null,
    contentVersion: rules.contentVersion,
    ...overrides,
  };
}

function contextTexts(blocks: SlackBlock[]): string[] {
  return blocks.flatMap((b) => (b.type === 'context' ? b.elements.map((e) => e.text) : []));
}

function cardTexts(cards: AdaptiveCard[]): string[] {
  return cards.flatMap((c) => c.body.flatMap((e) => (e.type === 'TextBlock' ? [e.text] : [])));
}

const citationLine = (texts: string[]): string | undefined => texts.find((t) => t.includes('PDTA § 6.'));

describe('a reminder and an answer on the same PDTA section', () => {
  it('cite it in the same words, in Block Kit and in an Adaptive Card', () => {
    const answer = assistant.ask('ogni quanto controllo il fosforo nel follow-up?');
    expect(answer.citations[0]?.section).toMatch(/^6\. /);
    const reminder = reminderReply(phosphateReminder(), rules);

    const slackReminder = reminderSlackMessage({ reply: reminder, idempotencyKey: 'reminder:1' });
    const slackAnswer = renderBlockKit(answer).flatMap((m) => m.blocks);
    expect(citationLine(contextTexts(slackReminder.blocks))).toBeDefined();
    expect(citationLine(contextTexts(slackReminder.blocks))).toBe(citationLine(contextTexts(slackAnswer)));

    const teamsReminder = renderAdaptiveCard(reminder);
    expect(citationLine(cardTexts(teamsReminder))).toBeDefined();
    expect(citationLine(cardTexts(teamsReminder))).toBe(citationLine(cardTexts(renderAdaptiveCard(answer))));

    // Slack's message carries the key the exactly-once check reads back, and the buttons.
    expect(slackReminder.metadata).toEqual({ event_type: 'pdta_reminder', event_payload: { key: 'reminder:1' } });
    expect(slackReminder.blocks.filter((b) => b.type === 'actions').flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.value) : []))).toEqual([
      'pdta:followup:booked:42',
      'pdta:followup:done:42',
      'pdta:followup:snooze:42',
      'pdta:followup:not-applicable:42',
    ]);
  });

  it('escape what they show the same way: &, < and > in mrkdwn, Markdown emphasis and links in a card', () => {
    const typed = 'Ca & P <!channel> *urgente* _[x](http://e.org)_';
    const reminder = reminderReply(phosphateReminder({ ruleName: { it: typed, en: typed } }), rules);
    const answer: Reply = { lang: 'it', kind: 'answer', blocks: [{ type: 'text', body: typed }], warnings: [], citations: [], actions: [], itemIds: [] };

    const slackReminder = JSON.stringify(reminderSlackMessage({ reply: reminder, idempotencyKey: 'reminder:2' }).blocks);
    const slackAnswer = JSON.stringify(renderBlockKit(answer)[0]!.blocks);
    for (const rendered of [slackReminder, slackAnswer]) {
      expect(rendered).toContain(JSON.stringify(escapeMrkdwn(typed)).slice(1, -1));
      expect(rendered).not.toContain('<!channel>');
    }

    const cardReminder = JSON.stringify(renderAdaptiveCard(reminder));
    const cardAnswer = JSON.stringify(renderAdaptiveCard(answer));
    for (const rendered of [cardReminder, cardAnswer]) {
      expect(rendered).toContain(JSON.stringify(escapeMarkdown(typed)).slice(1, -1));
    }
  });
});

describe('a reminder longer than one Slack message', () => {
  it('keeps its citation and buttons and says how many parts it left out, never cutting silently', () => {
    const base = reminderReply(phosphateReminder(), rules);
    const long: Reply = {
      ...base,
      blocks: [...base.blocks, ...Array.from({ length: 80 }, (_, i) => ({ type: 'text' as const, body: `riga ${i + 1}` }))],
    };
    const message = reminderSlackMessage({ reply: long, idempotencyKey: 'reminder:3' });
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    const shown = message.blocks.filter((b) => b.type === 'section' && b.text?.text.startsWith('riga ')).length;
    const note = contextTexts(message.blocks).find((t) => t.includes('non mostrate'));
    expect(note).toBe(`⚠️ … e altre ${80 - shown} parti non mostrate: un messaggio Slack ne contiene al massimo 50. \`pdta followup upcoming\` mostra tutto.`);
    expect(citationLine(contextTexts(message.blocks))).toBeDefined();
    expect(message.blocks.at(-1)?.type).toBe('actions');
    // In order: what is shown is the first rows, the note after them.
    expect(message.blocks.filter((b) => b.type === 'section' && b.text?.text.startsWith('riga ')).map((b) => (b.type === 'section' ? b.text?.text : ''))).toEqual(
      Array.from({ length: shown }, (_, i) => `riga ${i + 1}`),
    );
  });

  it('a reminder that fits is one message with nothing left out', () => {
    const message = reminderSlackMessage({ reply: reminderReply(phosphateReminder(), rules), idempotencyKey: 'reminder:4' });
    expect(JSON.stringify(message.blocks)).not.toContain('non mostrat');
  });
});

describe('a reminder after a button on it', () => {
  const item: ItemView = {
    id: '42',
    patientCode: 'TC-0042',
    ruleId: 'followup.phosphate-metabolism',
    ruleKind: 'exam',
    name: { it: 'Metabolismo del fosfato', en: 'Phosphate metabolism' },
    dueOn: '2026-03-11',
    status: 'open',
    bookedOn: null,
    doneOn: null,
    nextReminderOn: '2026-03-11',
  };
  // 10:05 in Rome on 4 March 2026 (UTC+1).
  const at = new Date('2026-03-04T09:05:00Z');
  const acted = (verb: 'booked' | 'done' | 'snooze' | 'not-applicable', changes: Partial<ItemView>, lang: 'it' | 'en' = 'it') =>
    actedReminder({ verb, item: { ...item, ...changes } }, { rules, lang, today: '2026-03-04', at, timeZone: 'Europe/Rome' });

  it('says who did what and when, with the same citation, and keeps no stale button', () => {
    const done = acted('done', { status: 'done', doneOn: '2026-03-04' });
    const slack = actedReminderMessage(done, 'U0COORD01');
    expect(slack.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(contextTexts(slack.blocks).at(-1)).toBe('✅ TC-0042 · Fatto da <@U0COORD01> · 4 marzo 2026, 10:05');
    expect(citationLine(contextTexts(slack.blocks))).toBe(citationLine(contextTexts(reminderSlackMessage({ reply: reminderReply(phosphateReminder(), rules), idempotencyKey: 'k' }).blocks)));
    expect(JSON.stringify(slack.blocks)).toContain('fatto (4 marzo 2026)');

    const teams = actedReminderActivity('act-1', done, 'Dott.ssa Bianchi')!;
    expect(teams).toMatchObject({ type: 'message', id: 'act-1' });
    const card = (teams.attachments as Array<{ content: AdaptiveCard }>)[0]!.content;
    expect(card.body.some((e) => e.type === 'ActionSet')).toBe(false);
    expect(cardTexts([card]).at(-1)).toBe('✅ TC-0042 · Fatto da Dott.ssa Bianchi · 4 marzo 2026, 10:05');
    expect(citationLine(cardTexts([card]))).toBe(citationLine(cardTexts(renderAdaptiveCard(reminderReply(phosphateReminder(), rules)))));
  });

  it('after "booked" keeps the buttons that still apply; after snooze and not applicable, none', () => {
    const booked = acted('booked', { status: 'booked', bookedOn: '2026-03-04' }, 'en');
    expect(booked.reply.actions.map((a) => a.value)).toEqual(['pdta:followup:done:42', 'pdta:followup:snooze:42', 'pdta:followup:not-applicable:42']);
    expect(contextTexts(actedReminderMessage(booked, 'U1').blocks).at(-1)).toBe('✅ TC-0042 · Booked by <@U1> · 4 March 2026, 10:05');
    const snoozed = acted('snooze', { nextReminderOn: '2026-03-11' });
    expect(snoozed.reply.actions).toEqual([]);
    expect(JSON.stringify(snoozed.reply)).toContain('rimandato: prossimo promemoria il 11 marzo 2026');
    expect(acted('not-applicable', { status: 'not_applicable' }).reply.actions).toEqual([]);
  });

  it('a name Teams gives is shown as text, never as Markdown', () => {
    const teams = actedReminderActivity('act-2', acted('done', { status: 'done', doneOn: '2026-03-04' }), '*Bianchi* [x](http://e.org)')!;
    expect(JSON.stringify(teams)).toContain(JSON.stringify(escapeMarkdown('*Bianchi* [x](http://e.org)')).slice(1, -1));
  });
});
