/**
 * Follow-up reminders in Teams, end to end on loopback: Teams activities posted to our
 * /api/messages, the real registry on an in-memory store, and a stand-in Bot Connector recording
 * the cards the bot posted. A coordinator enrols by text and by the enrolment card; a
 * non-coordinator is refused; a reminder delivered through the channel's proactive messages
 * carries buttons whose "Fatto" records and reschedules.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENROL_FORM_ACTION, type EnrolmentCard } from '../../src/channels/teams/followup.js';
import { loadConfig } from '../../src/config.js';
import { createDispatcher } from '../../src/followup/dispatcher.js';
import { reminderTransportsFromConfig } from '../../src/channels/reminderTransports.js';
import { FollowupService } from '../../src/followup/service.js';
import { coordinatorPredicate, platformUser } from '../../src/followup/settings.js';
import type { AdaptiveCard, SubmitAction } from '../../src/reply/adaptiveCard.js';
import { openStore, type Store } from '../../src/store/database.js';
import { CHANNEL_ID, DOCTOR, channelMessage, personalConversation, personalMessage, submit } from '../channels/teams/support/activities.js';
import { ConnectorStandIn, type Recorded } from '../channels/teams/support/connectorStandIn.js';
import { BotFrameworkStandIn } from '../channels/teams/support/botFramework.js';
import { startTeams, type Harness } from '../channels/teams/support/harness.js';
import { TestClock, content, quietLogger } from './fixtures.js';

const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 2_000, deadlineMs: 5_000 };
/** The doctor of the activities is the coordinator here: Teams users are known by their Azure AD object id. */
const COORDINATOR_AAD = DOCTOR.aadObjectId;
const COORDINATOR = platformUser('teams', COORDINATOR_AAD);
const NURSE = { id: '29:1NurseTeamsUserIdAbCdEf', name: 'Infermiere', aadObjectId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' };

let store: Store;
let standIn: ConnectorStandIn;
let service: FollowupService;
let teams: Harness;
let botFramework: BotFrameworkStandIn;
const clock = new TestClock('2026-03-04');

beforeAll(async () => {
  store = await openStore({ memory: true });
  standIn = await ConnectorStandIn.start();
  botFramework = BotFrameworkStandIn.start();
  service = new FollowupService({ db: store.db, content: content(), clock: clock.now, isCoordinator: coordinatorPredicate([COORDINATOR]) });
  teams = await startTeams({ store, botFramework, channel: { retry: FAST_RETRY, followup: service } });
});

afterAll(async () => {
  await teams?.close();
  await standIn?.close();
  await store?.close();
  botFramework?.close();
});

beforeEach(() => standIn.reset());

type Card = AdaptiveCard | EnrolmentCard;

function cardOf(recorded: Recorded | undefined): Card {
  const attachments = recorded?.body['attachments'] as Array<{ contentType: string; content: Card }> | undefined;
  expect(attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
  return attachments![0]!.content;
}

async function say(activity: Record<string, unknown>): Promise<Card> {
  const res = await teams.post(activity);
  expect(res.status).toBe(200);
  expect(standIn.received).toHaveLength(1);
  const card = cardOf(standIn.received[0]);
  standIn.reset();
  return card;
}

async function patient(code: string) {
  return (await service.list()).find((p) => p.code === code);
}

const o = () => ({ serviceUrl: standIn.url });

describe('registry commands typed to the bot', () => {
  it('a coordinator enrols a patient in a personal chat', async () => {
    const card = await say(personalMessage('iscrivi TC-0101 esami 2026-03-01 terapia acido zoledronico ultima 2025-06-01', o()));
    const text = JSON.stringify(card);
    expect(text).toContain('TC-0101 iscritto al follow-up');
    expect(text).toContain('1 giugno 2026'); // zoledronate, a year after the last administration on 1 June 2025
    expect(await patient('TC-0101')).toMatchObject({ lastExamsOn: '2026-03-01', therapy: { therapyId: 'therapy.zoledronate' } });
    expect((await service.audit({ code: 'TC-0101' }))[0]).toMatchObject({ actor: COORDINATOR, action: 'enrol' });
  });

  it('a non-coordinator is refused and nothing is written', async () => {
    const card = await say({ ...personalMessage('enrol TC-0102 exams 2026-03-01', o()), from: NURSE });
    expect(JSON.stringify(card)).toContain('only care coordinators may enrol patients');
    expect(await patient('TC-0102')).toBeUndefined();
    const form = await say({ ...personalMessage('iscrivi', o()), from: NURSE });
    expect(JSON.stringify(form)).toContain('solo i coordinatori');
    expect(JSON.stringify(form)).not.toContain('Input.Text');
  });

  it('"promemoria della settimana" in a channel lists what falls due in 7 days', async () => {
    await service.enrol(COORDINATOR, { code: 'TC-0103', lastExamsOn: '2025-09-08', therapy: null });
    const card = await say(channelMessage('promemoria della settimana', o()));
    expect(JSON.stringify(card)).toContain('TC-0103');
  });
});

describe('the enrolment card', () => {
  it('"iscrivi" alone sends the form: code, last exams, therapy, last administration, since, and a submit the bot recognises', async () => {
    const card = (await say(personalMessage('iscrivi', o()))) as EnrolmentCard;
    const inputs = card.body.filter((e) => e.type.startsWith('Input.'));
    expect(inputs.map((e) => [e.type, 'id' in e ? e.id : null])).toEqual([
      ['Input.Text', 'code'],
      ['Input.Date', 'lastExams'],
      ['Input.ChoiceSet', 'therapy'],
      ['Input.Date', 'therapyLastGiven'],
      ['Input.Date', 'therapySince'],
    ]);
    expect(JSON.stringify(inputs[3])).toContain('Ultima somministrazione (obbligatoria se è indicata una terapia');
    // Every required input says what is wrong when left empty (Teams shows errorMessage under it).
    for (const input of inputs) if ('isRequired' in input && input.isRequired) expect(input, input.id).toHaveProperty('errorMessage', expect.any(String));
    const therapy = inputs[2]!;
    expect(therapy.type === 'Input.ChoiceSet' ? therapy.choices.map((c) => c.value) : []).toEqual(['therapy.neridronate', 'therapy.zoledronate', 'none']);
    expect(card.actions).toEqual([{ type: 'Action.Submit', title: 'Iscrivi', data: { pdtaAction: ENROL_FORM_ACTION, pdtaLang: 'it' } }]);
  });

  it('a submission with problems comes back as the form with each reason under its field, without the refused code', async () => {
    const card = (await say(
      submit({ pdtaAction: ENROL_FORM_ACTION, pdtaLang: 'it', code: 'Mario Rossi', lastExams: '2026-03-01', therapy: 'therapy.neridronate', therapyLastGiven: '', therapySince: '2026-01-10' }, '', personalConversation(), o()),
    )) as EnrolmentCard;
    const text = JSON.stringify(card);
    expect(text).toContain('sembra un nome di persona');
    expect(text).toContain('manca la data dell’ultima somministrazione');
    const since = card.body.find((e) => e.type === 'Input.Date' && e.id === 'therapySince');
    expect(since && 'value' in since ? since.value : undefined).toBe('2026-01-10'); // kept as typed
    expect(text).not.toContain('Mario');
    const code = card.body.find((e) => e.type === 'Input.Text');
    expect(code && 'value' in code ? code.value : undefined).toBeUndefined();
    const lastExams = card.body.find((e) => e.type === 'Input.Date' && e.id === 'lastExams');
    expect(lastExams && 'value' in lastExams ? lastExams.value : undefined).toBe('2026-03-01'); // kept as typed
    expect((await service.list()).some((p) => p.code.includes('ROSSI'))).toBe(false);
  });

  it('a valid submission enrols the patient and confirms', async () => {
    const card = await say(
      submit({ pdtaAction: ENROL_FORM_ACTION, pdtaLang: 'en', code: 'TC-0104', lastExams: '2026-01-20', therapy: 'therapy.neridronate', therapyLastGiven: '2026-02-01' }, '', personalConversation(), o()),
    );
    expect(JSON.stringify(card)).toContain('TC-0104 enrolled in follow-up');
    expect(await patient('TC-0104')).toMatchObject({ lastExamsOn: '2026-01-20', therapy: { therapyId: 'therapy.neridronate', lastGivenOn: '2026-02-01', since: null } });
  });
});

describe('reminders in a Teams channel', () => {
  it('are delivered with the channel’s proactive messages, and their "Fatto" records and reschedules', async () => {
    // The bot must have seen the channel to post there: any message in it stores the reference.
    await teams.post(channelMessage('ciao', o()));
    standIn.reset();
    await service.enrol(COORDINATOR, { code: 'TC-0110', lastExamsOn: '2025-09-11', therapy: null });
    const config = loadConfig({ REMINDER_TEAMS_CONVERSATION_ID: CHANNEL_ID });
    const transports = reminderTransportsFromConfig(config, { sendProactive: teams.channel.sendProactive });
    expect(transports.map((t) => t.target)).toEqual(['teams']);
    const dispatcher = createDispatcher({ store, transport: transports, logger: quietLogger(), clock: clock.now, content: content() });
    await dispatcher.planIfDue();
    // The item's reminder and the week's digest (Monday's, not yet sent): rounds until none is left.
    for (let round = 0; round < 5; round += 1) if ((await dispatcher.runOnce()).claimed === 0) break;

    const reminder = standIn.received.map((r) => cardOf(r) as AdaptiveCard).find((c) => JSON.stringify(c).includes('TC-0110'));
    expect(reminder).toBeDefined();
    const done = reminder!.body
      .flatMap((e) => (e.type === 'ActionSet' ? e.actions : []))
      .find((a: SubmitAction) => a.data.pdtaAction.startsWith('pdta:followup:done:'));
    expect(done).toBeDefined();

    // The activity id the connector gave the reminder card, which a click on it carries as replyToId.
    const sentRows = await store.db.selectFrom('reminder_outbox').select(['message_id', 'payload']).where('target', '=', 'teams').execute();
    const reminderId = sentRows.find((r) => JSON.stringify(r.payload).includes('TC-0110'))?.message_id;
    expect(reminderId).toMatch(/^sent-/);

    standIn.reset();
    const click: Record<string, unknown> = { ...submit({ ...done!.data }, done!.title, { conversationType: 'channel', isGroup: true, id: CHANNEL_ID }, o()), replyToId: reminderId };
    expect((await teams.post(click)).status).toBe(200);
    await standIn.waitFor(2);
    // The reminder card itself is replaced: its buttons gone, who did what and when.
    const update = standIn.received.find((r) => r.method === 'PUT');
    expect(update).toMatchObject({ conversationId: CHANNEL_ID, updatedActivityId: reminderId });
    const updated = cardOf(update) as AdaptiveCard;
    expect(updated.body.some((e) => e.type === 'ActionSet')).toBe(false);
    const updatedText = JSON.stringify(updated);
    expect(updatedText).toContain('fatto (4 marzo 2026)');
    expect(updatedText).toContain(`✅ TC-0110 · Fatto da ${DOCTOR.name} · 4 marzo 2026, 10:00`);
    expect(updatedText).toContain('Fonte: PDTA § 6.');
    // And the confirmation in the reply chain, as before.
    const card = cardOf(standIn.received.find((r) => r.method === 'POST'));
    expect(JSON.stringify(card)).toContain('fatto il 4 marzo 2026');
    standIn.reset();
    const items = (await patient('TC-0110'))!.items.filter((i) => i.ruleId === 'followup.phosphate-metabolism');
    expect(items.map((i) => [i.dueOn, i.status])).toEqual([['2026-09-04', 'open']]);

    // A non-coordinator pressing it: refused, nothing changes.
    const refused = await say({ ...click, id: `${String(click['id'])}-nurse`, from: NURSE });
    expect(JSON.stringify(refused)).toContain('solo i coordinatori');

    // A second press by the coordinator on an old copy: the current answer, and the card is left alone.
    const again = await say({ ...click, id: `${String(click['id'])}-again` });
    expect(JSON.stringify(again)).toContain('già segnato come fatto');
  });
});
