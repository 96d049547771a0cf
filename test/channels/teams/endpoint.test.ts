/**
 * The Teams endpoint over real HTTP on loopback: Teams activities JSON posted to POST /api/messages
 * of our server, the real assistant answering, and a stand-in Bot Connector at the activity's
 * serviceUrl recording what the bot posted back.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TeamsChannelError } from '../../../src/channels/teams/errors.js';
import { renderAdaptiveCard, type AdaptiveCard, type SubmitAction } from '../../../src/reply/adaptiveCard.js';
import type { Reply } from '../../../src/reply/model.js';
import { openStore, type Store } from '../../../src/store/database.js';
import {
  BOT,
  CHANNEL_ID,
  DOCTOR,
  OTHER_TENANT,
  TENANT,
  botAdded,
  channelMessage,
  groupMessage,
  personalConversation,
  personalMessage,
  submit,
} from './support/activities.js';
import { ConnectorStandIn, type Recorded } from './support/connectorStandIn.js';
import { BotFrameworkStandIn } from './support/botFramework.js';
import { assistant, startTeams, type Harness } from './support/harness.js';
import { RecordingService } from './support/recordingService.js';

const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 2_000, deadlineMs: 5_000 };

let store: Store;
let standIn: ConnectorStandIn;
let service: RecordingService;
let teams: Harness;

beforeAll(async () => {
  store = await openStore({ memory: true });
  standIn = await ConnectorStandIn.start();
  service = new RecordingService();
  teams = await startTeams({ store, service, channel: { retry: FAST_RETRY } });
});

afterAll(async () => {
  await teams?.close();
  await standIn?.close();
  await store?.close();
});

beforeEach(() => {
  standIn.reset();
});

function cardOf(recorded: Recorded | undefined): AdaptiveCard {
  const attachments = recorded?.body['attachments'] as Array<{ contentType: string; content: AdaptiveCard }> | undefined;
  expect(attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
  return attachments![0]!.content;
}

function expectedCards(text: string, lang?: 'it' | 'en'): AdaptiveCard[] {
  return renderAdaptiveCard(assistant().ask(text, lang ? { lang } : {}));
}

function cardText(card: AdaptiveCard): string {
  return JSON.stringify(card.body);
}

describe('personal chat', () => {
  it('answers the on-call doctor’s dose question with the dose card, as a reply to the message', async () => {
    const activity = personalMessage('neridronato bambino 18 kg', { serviceUrl: standIn.url });
    const res = await teams.post(activity);
    expect(res.status).toBe(200);

    expect(standIn.received).toHaveLength(1);
    const [sent] = standIn.received;
    expect(sent!.conversationId).toBe((activity['conversation'] as { id: string }).id);
    expect(sent!.replyToId).toBe(activity['id']);
    expect(sent!.body['type']).toBe('message');
    expect(sent!.body['from']).toMatchObject({ id: BOT.id });
    expect(sent!.body['recipient']).toMatchObject({ id: DOCTOR.id });
    const card = cardOf(sent);
    expect(card).toEqual(expectedCards('neridronato bambino 18 kg')[0]);
    expect(cardText(card)).toContain('36 mg');
    expect(cardText(card)).toContain('2 mg/kg');
    expect(sent!.body['summary']).toContain('Neridronato · Pediatrico: 36 mg');

    expect(service.last()).toEqual({
      channel: 'teams',
      conversationId: (activity['conversation'] as { id: string }).id,
      userRef: DOCTOR.aadObjectId,
      input: { text: 'neridronato bambino 18 kg' },
    });
  });

  it('answers in English when asked in English', async () => {
    await teams.post(personalMessage('what does step 2 involve?', { serviceUrl: standIn.url, locale: 'en-GB' }));
    const card = cardOf(standIn.received[0]);
    expect(card).toEqual(expectedCards('what does step 2 involve?')[0]);
    expect(cardText(card)).toContain('Step 2');
    expect(cardText(card)).toContain('Source: PDTA');
  });

  it('answers a retried delivery of the same activity once', async () => {
    const activity = personalMessage('ogni quanto i controlli?', { serviceUrl: standIn.url });
    expect((await teams.post(activity)).status).toBe(200);
    expect((await teams.post(activity)).status).toBe(200);
    expect(standIn.received).toHaveLength(1);
  });
});

describe('group chat', () => {
  it('strips the bot’s @mention before asking the assistant', async () => {
    const activity = groupMessage('differenza con la tendinite calcifica?', { serviceUrl: standIn.url });
    expect(activity['text']).toBe('<at>PDTA</at> differenza con la tendinite calcifica?');
    await teams.post(activity);
    expect(service.last().input).toEqual({ text: 'differenza con la tendinite calcifica?' });
    expect(service.last().threadId).toBeUndefined();
    const [sent] = standIn.received;
    expect(sent!.conversationId).toBe('19:meeting_a1b2c3d4e5f6@thread.v2');
    expect(cardOf(sent)).toEqual(expectedCards('differenza con la tendinite calcifica?')[0]);
  });
});

describe('team channel', () => {
  it('answers a new post inside its reply chain, with the mention (and &nbsp;) stripped', async () => {
    const post = channelMessage('cosa prevede lo step 2?', { serviceUrl: standIn.url });
    expect(post['text']).toBe('<at>PDTA</at>&nbsp;cosa prevede lo step 2?');
    await teams.post(post);
    const [sent] = standIn.received;
    // The chain is the conversation `…;messageid=<root>`; the reply goes to the post itself.
    expect(sent!.conversationId).toBe(`${CHANNEL_ID};messageid=${post['id'] as string}`);
    expect(sent!.replyToId).toBe(post['id']);
    expect(cardOf(sent)).toEqual(expectedCards('cosa prevede lo step 2?')[0]);
    expect(service.last()).toMatchObject({
      conversationId: `${CHANNEL_ID};messageid=${post['id'] as string}`,
      threadId: post['id'],
      input: { text: 'cosa prevede lo step 2?' },
    });
  });

  it('answers a reply in an existing chain inside that chain, mention at the end', async () => {
    const reply = channelMessage('neridronato adulto', { serviceUrl: standIn.url, rootId: '1712000000001', mentionFirst: false });
    await teams.post(reply);
    const [sent] = standIn.received;
    expect(sent!.conversationId).toBe(`${CHANNEL_ID};messageid=1712000000001`);
    expect(sent!.replyToId).toBe(reply['id']);
    expect(service.last()).toMatchObject({ threadId: '1712000000001', input: { text: 'neridronato adulto' } });
    expect(cardOf(sent)).toEqual(expectedCards('neridronato adulto')[0]);
  });
});

describe('welcome', () => {
  it('posts the menu card when the bot is installed in a personal chat', async () => {
    const conversation = personalConversation();
    const res = await teams.post(botAdded(conversation, { serviceUrl: standIn.url }));
    expect(res.status).toBe(200);
    expect(standIn.received).toHaveLength(1);
    const [sent] = standIn.received;
    expect(sent!.conversationId).toBe(conversation['id']);
    // A message of its own, not a reply to the system event.
    expect(sent!.replyToId).toBeUndefined();
    const card = cardOf(sent);
    expect(card).toEqual(renderAdaptiveCard(assistant().ask('pdta:menu', { lang: 'it' }))[0]);
    const buttons = card.body.flatMap((e) => (e.type === 'ActionSet' ? e.actions : []));
    expect(buttons.map((b) => b.title)).toContain('Percorso guidato');
  });

  it('posts the menu in English for an English-speaking Teams, and in the team’s channel when added to a team', async () => {
    await teams.post(botAdded({ conversationType: 'channel', isGroup: true, id: CHANNEL_ID }, { serviceUrl: standIn.url, locale: 'en-US' }));
    const [sent] = standIn.received;
    expect(sent!.conversationId).toBe(CHANNEL_ID);
    expect(sent!.replyToId).toBeUndefined();
    expect(cardOf(sent)).toEqual(renderAdaptiveCard(assistant().ask('pdta:menu', { lang: 'en' }))[0]);
  });

  it('says nothing when someone else joins the chat', async () => {
    const activity = { ...botAdded(personalConversation(), { serviceUrl: standIn.url }), membersAdded: [{ id: DOCTOR.id }] };
    expect((await teams.post(activity)).status).toBe(200);
    expect(standIn.received).toHaveLength(0);
  });
});

describe('buttons', () => {
  it('a click on "Dose adulto" under the paediatric dose drives the follow-up answer', async () => {
    const conversation = { conversationType: 'personal', id: 'a:1ButtonChat' };
    await teams.post(personalMessage('neridronato bambino 18 kg', { serviceUrl: standIn.url, conversationId: conversation.id }));
    const card = cardOf(standIn.received[0]);
    const button = card.body.flatMap((e) => (e.type === 'ActionSet' ? e.actions : [])).find((a) => a.title === 'Dose adulto') as SubmitAction;
    expect(button.data.msteams).toEqual({ type: 'messageBack', text: 'Dose adulto', displayText: 'Dose adulto' });

    // Teams posts the messageBack text, and the rest of the data as the activity's value.
    const { msteams: _shown, ...value } = button.data;
    standIn.reset();
    await teams.post(submit(value, 'Dose adulto', conversation, { serviceUrl: standIn.url }));
    expect(service.last().input).toEqual({ action: 'pdta:dose:therapy.neridronate:adult' });
    expect(service.last().lang).toBe('it');
    const answer = cardOf(standIn.received[0]);
    expect(answer).toEqual(expectedCards('pdta:dose:therapy.neridronate:adult', 'it')[0]);
    expect(cardText(answer)).toContain('100 mg');
  });

  it('takes the whole Action.Submit data as value too (Bot Framework Emulator)', async () => {
    const conversation = { conversationType: 'personal', id: 'a:1EmulatorChat' };
    const data = { pdtaAction: 'pdta:step:1', pdtaLang: 'en', msteams: { type: 'messageBack', text: 'Step 1', displayText: 'Step 1' } };
    await teams.post({ ...submit(data, '', conversation, { serviceUrl: standIn.url }), text: undefined });
    expect(service.last().input).toEqual({ action: 'pdta:step:1' });
    expect(cardOf(standIn.received[0])).toEqual(expectedCards('pdta:step:1', 'en')[0]);
  });
});

describe('long replies', () => {
  it('splits a reply too large for one card into several messages, each under 28 KB, in order', async () => {
    const long: Reply = {
      lang: 'it',
      kind: 'answer',
      blocks: [{ type: 'list', title: 'Elenco lungo', items: Array.from({ length: 400 }, (_, i) => `voce ${i + 1}: ${'testo clinico '.repeat(12)}`) }],
      warnings: ['Attenzione: avviso che deve restare visibile.'],
      citations: [{ section: '4. Criteri terapeutici', heading: 'Tabella', contentVersion: 'test' }],
      actions: [{ label: 'Menu', value: 'pdta:menu' }],
      itemIds: [],
    };
    service.scripted.set('elenco lungo', () => [long]);
    await teams.post(personalMessage('elenco lungo', { serviceUrl: standIn.url }));
    const cards = standIn.received.map(cardOf);
    expect(cards.length).toBeGreaterThan(2);
    for (const sent of standIn.received) expect(sent.bytes).toBeLessThan(28 * 1024);
    const all = cards.map(cardText).join('');
    expect(all).toContain('voce 1:');
    expect(all).toContain('voce 400:');
    expect(all.indexOf('voce 1:')).toBeLessThan(all.indexOf('voce 400:'));
    expect(all).toContain('avviso che deve restare visibile');
    expect(cards).toEqual(renderAdaptiveCard(long));
  });
});

describe('tenant allowlist (TEAMS_TENANT_IDS)', () => {
  let guarded: Harness;
  beforeAll(async () => {
    guarded = await startTeams({ store, env: { TEAMS_TENANT_IDS: `${TENANT}, 11111111-2222-4333-8444-555555555555` } });
  });
  afterAll(async () => {
    await guarded?.close();
  });

  it('answers the hospital’s own tenant', async () => {
    await guarded.post(personalMessage('aiuto', { serviceUrl: standIn.url }));
    expect(standIn.received).toHaveLength(1);
  });

  it('refuses another tenant with no reply, and logs it without the message text', async () => {
    const secret = 'paziente Mario Rossi neridronato 18 kg';
    const res = await guarded.post(personalMessage(secret, { serviceUrl: standIn.url, tenantId: OTHER_TENANT }));
    expect(res.status).toBe(200);
    expect(standIn.received).toHaveLength(0);
    const refused = guarded.logs.find((l) => l['msg'] === 'Teams activity from a tenant not in TEAMS_TENANT_IDS refused');
    expect(refused).toMatchObject({ tenantId: OTHER_TENANT, activityType: 'message', conversationType: 'personal' });
    expect(JSON.stringify(guarded.logs)).not.toContain('Mario');
  });

  it('refuses an activity that names no tenant, and does not welcome into a foreign team', async () => {
    const noTenant = personalMessage('aiuto', { serviceUrl: standIn.url });
    delete (noTenant['conversation'] as Record<string, unknown>)['tenantId'];
    delete noTenant['channelData'];
    await guarded.post(noTenant);
    await guarded.post(botAdded(personalConversation('a:1Foreign'), { serviceUrl: standIn.url, tenantId: OTHER_TENANT }));
    expect(standIn.received).toHaveLength(0);
  });
});

describe('Teams throttling (HTTP 429 from the connector)', () => {
  it('waits as long as Retry-After asks, then delivers', async () => {
    standIn.failNext(1, 429, { 'retry-after': '1' });
    const started = Date.now();
    const res = await teams.post(personalMessage('aiuto', { serviceUrl: standIn.url }));
    expect(res.status).toBe(200);
    expect(standIn.attempts.map((a) => a.status)).toEqual([429, 200]);
    expect(standIn.attempts[1]!.at - standIn.attempts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(standIn.received).toHaveLength(1);
  });

  it('backs off and retries a 429 without Retry-After, keeping the order of a multi-card reply', async () => {
    const before = teams.logs.length;
    standIn.failNext(2, 429);
    await teams.post(personalMessage('neridronato bambino 18 kg', { serviceUrl: standIn.url }));
    expect(standIn.attempts.map((a) => a.status)).toEqual([429, 429, 200]);
    expect(standIn.received).toHaveLength(1);
    const retries = teams.logs.slice(before).filter((l) => l['msg'] === 'Bot Connector throttled; retrying');
    expect(retries.map((r) => r['attempt'])).toEqual([1, 2]);
    expect(retries.every((r) => r['status'] === 429)).toBe(true);
  });

  it('gives up after its attempts, logs the failure, and still acknowledges the activity', async () => {
    standIn.failNext(100, 429);
    const res = await teams.post(personalMessage('aiuto', { serviceUrl: standIn.url }));
    expect(res.status).toBe(200);
    expect(standIn.received).toHaveLength(0);
    expect(teams.logs.some((l) => l['msg'] === 'Teams turn failed')).toBe(true);
    standIn.reset();
  });
});

describe('proactive messages (follow-up reminders)', () => {
  // Conversation references are stored from authenticated activities only.
  let botFramework: BotFrameworkStandIn;
  let authed: Harness;
  beforeAll(async () => {
    botFramework = BotFrameworkStandIn.start();
    authed = await startTeams({ store, botFramework, channel: { retry: FAST_RETRY } });
  });
  afterAll(async () => {
    await authed.close();
    botFramework.close();
  });

  it('posts into a personal chat from the stored reference, also from a restarted instance', async () => {
    const conversationId = 'a:1ProactiveChat';
    await authed.post(personalMessage('ciao', { serviceUrl: standIn.url, conversationId }));
    standIn.reset();

    const restarted = await startTeams({ store, botFramework });
    try {
      const reminder = assistant().ask('ogni quanto i controlli?');
      const result = await restarted.channel.sendProactive(conversationId, [reminder]);
      expect(result.activityIds).toEqual([expect.stringMatching(/^sent-\d+$/)]);
      expect(standIn.received).toHaveLength(1);
      const [sent] = standIn.received;
      expect(sent!.conversationId).toBe(conversationId);
      expect(sent!.replyToId).toBeUndefined();
      expect(sent!.body['recipient']).toMatchObject({ id: DOCTOR.id });
      expect(cardOf(sent)).toEqual(renderAdaptiveCard(reminder)[0]);
    } finally {
      await restarted.close();
    }
  });

  it('posts into a channel thread, or as a new post in the channel', async () => {
    const post = channelMessage('aiuto', { serviceUrl: standIn.url });
    await authed.post(post);
    standIn.reset();
    const thread = `${CHANNEL_ID};messageid=${post['id'] as string}`;
    await authed.channel.sendProactive(thread, [assistant().ask('follow-up')]);
    await authed.channel.sendProactive(CHANNEL_ID, [assistant().ask('follow-up')]);
    expect(standIn.received.map((r) => [r.conversationId, r.replyToId])).toEqual([
      [thread, undefined],
      [CHANNEL_ID, undefined],
    ]);
  });

  it('stores ids only: no display names of people or chats', async () => {
    const rows = await store.db.selectFrom('conversation_refs').select(['conversation_id', 'reference']).where('channel', '=', 'teams').execute();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const json = JSON.stringify(rows);
    expect(json).not.toContain(DOCTOR.name);
    expect(json).toContain(DOCTOR.aadObjectId);
  });

  it('rides out throttling on a proactive send', async () => {
    standIn.failNext(2, 429);
    const result = await authed.channel.sendProactive('a:1ProactiveChat', [assistant().ask('aiuto')]);
    expect(result.activityIds).toHaveLength(1);
    expect(standIn.attempts.map((a) => a.status)).toEqual([429, 429, 200]);
  });

  it('refuses a conversation it has never seen, and one it was removed from', async () => {
    await expect(authed.channel.sendProactive('a:1NeverSeen', [assistant().ask('aiuto')])).rejects.toMatchObject({
      name: 'TeamsChannelError',
      code: 'NO_CONVERSATION_REFERENCE',
    });
    const conversation = personalConversation('a:1Uninstalled');
    await authed.post(botAdded(conversation, { serviceUrl: standIn.url }));
    await authed.post({ ...botAdded(conversation, { serviceUrl: standIn.url }), membersAdded: undefined, membersRemoved: [{ id: BOT.id }] });
    const error = await authed.channel.sendProactive('a:1Uninstalled', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TeamsChannelError);
    expect((error as TeamsChannelError).code).toBe('NO_CONVERSATION_REFERENCE');
  });
});

describe('requests that are not activities', () => {
  const valid = (): Record<string, unknown> => personalMessage('aiuto', { serviceUrl: standIn.url });

  it.each([
    ['a body that is not JSON', { rawBody: '{"type": "message", ' }, 400],
    ['an empty body', { rawBody: '' }, 400],
    ['a JSON array', { rawBody: '[1,2,3]' }, 400],
    ['JSON null', { rawBody: 'null' }, 400],
    ['an object without a type', { rawBody: JSON.stringify({ text: 'ciao' }) }, 400],
    ['a form post', { rawBody: 'type=message&text=ciao', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 400],
    ['text/plain', { rawBody: '{}', headers: { 'content-type': 'text/plain' } }, 400],
  ])('%s gets %i', async (_what, init, status) => {
    const res = await teams.post(null, init);
    expect(res.status).toBe(status);
    expect(await res.json()).toHaveProperty('error');
  });

  it('an activity whose serviceUrl is not a URL gets 400', async () => {
    expect((await teams.post({ ...valid(), serviceUrl: 'not a url' })).status).toBe(400);
    expect((await teams.post({ ...valid(), serviceUrl: 'file:///etc/passwd' })).status).toBe(400);
  });

  it('a body over 256 KB gets 413', async () => {
    const res = await teams.post({ ...valid(), text: 'x'.repeat(300 * 1024) });
    expect(res.status).toBe(413);
  });

  it('GET gets 405', async () => {
    const res = await fetch(`${teams.url}/api/messages`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('in local mode, an activity pointing the bot at a non-loopback serviceUrl gets 403 and nothing is sent', async () => {
    const res = await teams.post({ ...valid(), serviceUrl: 'https://smba.trafficmanager.net/emea/' });
    expect(res.status).toBe(403);
  });

  it('the server is still answering afterwards', async () => {
    expect((await teams.post(valid())).status).toBe(200);
    expect(standIn.received).toHaveLength(1);
  });
});
