/**
 * Follow-up reminders in Slack, end to end on loopback: the real Bolt receiver with signed
 * requests, the real registry on an in-memory store, the fake Slack API recording what the app
 * posted. A coordinator enrols by text and by the /pdta iscrivi modal; a non-coordinator is
 * refused; a reminder's "Fatto" button records and reschedules; the Home tab lists what is due.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENROL_VIEW_CALLBACK_ID } from '../../src/channels/slack/followup.js';
import { loadAssistant } from '../../src/engine/loadAssistant.js';
import { reminderSlackMessage } from '../../src/channels/slack/reminderTransport.js';
import { reminderReply } from '../../src/followup/message.js';
import { FollowupService } from '../../src/followup/service.js';
import { coordinatorPredicate, platformUser } from '../../src/followup/settings.js';
import { openStore, type Store } from '../../src/store/database.js';
import { blocksOf, type ApiCall } from '../channels/slack/fakeSlackApi.js';
import { BOT_USER, TEAM, appMention, buttonClick, directMessage, eventEnvelope, messageTs, slashCommand, startHarness, type Harness } from '../channels/slack/harness.js';
import { COORDINATOR, DOCTOR, OTHER_COORDINATOR, TestClock, content, samplePayload } from './fixtures.js';

type Json = Record<string, unknown>;

const REMINDERS_CHANNEL = 'C0REMINDERS';
let store: Store;
let service: FollowupService;
let h: Harness;
// Wednesday 4 March 2026, 10:00 in Rome: no Monday digest in the way, past the reminder hour.
const clock = new TestClock('2026-03-04');

beforeAll(async () => {
  store = await openStore({ memory: true });
  service = new FollowupService({
    db: store.db,
    content: content(),
    clock: clock.now,
    isCoordinator: coordinatorPredicate([platformUser('slack', COORDINATOR), platformUser('slack', OTHER_COORDINATOR)]),
  });
  h = await startHarness({ assistant: loadAssistant(), store, channelOptions: { followup: service } });
});

afterAll(async () => {
  await h?.close();
  await store?.close();
});

afterEach(() => h.api.reset());

function textOf(call: ApiCall | undefined): string {
  return JSON.stringify(call ? blocksOf(call) : []);
}

async function patient(code: string) {
  return (await service.list()).find((p) => p.code === code);
}

/** A view_submission of the enrolment modal, as Slack posts it (form field `payload`). */
function viewSubmission(user: string, values: { code?: string; lastExams?: string | null; therapy?: string; lastGiven?: string | null; since?: string | null }, lang = 'it'): Record<string, string> {
  const payload = {
    type: 'view_submission',
    team: { id: TEAM, domain: 'ospedale' },
    user: { id: user, username: 'coordinatrice', name: 'coordinatrice', team_id: TEAM },
    api_app_id: 'A0APP0001',
    token: 'legacy-verification-token',
    trigger_id: `${Date.now()}.1234.view`,
    view: {
      id: 'V0MODAL01',
      team_id: TEAM,
      type: 'modal',
      callback_id: ENROL_VIEW_CALLBACK_ID,
      private_metadata: JSON.stringify({ lang }),
      hash: '1700000000.abcdef',
      title: { type: 'plain_text', text: 'Iscrivi paziente' },
      blocks: [],
      close: null,
      submit: null,
      app_id: 'A0APP0001',
      bot_id: 'B0BOT0001',
      root_view_id: 'V0MODAL01',
      previous_view_id: null,
      clear_on_close: false,
      notify_on_close: false,
      state: {
        values: {
          code: { value: { type: 'plain_text_input', value: values.code ?? null } },
          last_exams: { value: { type: 'datepicker', selected_date: values.lastExams ?? null } },
          therapy: { value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: '-' }, value: values.therapy ?? 'none' } } },
          therapy_last_given: { value: { type: 'datepicker', selected_date: values.lastGiven ?? null } },
          therapy_since: { value: { type: 'datepicker', selected_date: values.since ?? null } },
        },
      },
    },
    response_urls: [],
  };
  return { payload: JSON.stringify(payload) };
}

describe('registry commands typed to the app', () => {
  it('a coordinator enrols a patient by direct message; the answer lists what falls due and when', async () => {
    await h.postEvent(directMessage('iscrivi TC-0042 esami 2026-03-01 terapia neridronato ultima 2026-01-10', { user: COORDINATOR, channel: 'D0COORD01' }));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1);
    const [call] = h.api.callsOf('chat.postMessage');
    expect(call!.params['channel']).toBe('D0COORD01');
    const text = textOf(call);
    expect(text).toContain('TC-0042 iscritto al follow-up');
    expect(text).toContain('1 settembre 2026'); // phosphate metabolism, 6 months after the exams
    expect(text).toContain('10 aprile 2026'); // neridronate, 3 months after the last administration on 10 January
    const p = await patient('TC-0042');
    expect(p).toMatchObject({ lastExamsOn: '2026-03-01', therapy: { therapyId: 'therapy.neridronate', lastGivenOn: '2026-01-10', since: null } });
    expect((await service.audit({ code: 'TC-0042' }))[0]).toMatchObject({ actor: platformUser('slack', COORDINATOR), action: 'enrol' });
  });

  it('in English with /pdta, privately; "aggiorna" in a mention, in the thread', async () => {
    await h.postForm(slashCommand('enrol TC-0043 exams 2026-02-01', h.api.responseUrl('enrol1'), { user: COORDINATOR }));
    await h.api.waitFor(() => h.api.responses.length === 1);
    expect(h.api.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(h.api.responses[0]!.body['blocks'])).toContain('TC-0043 enrolled in follow-up');
    expect(JSON.stringify(h.api.responses[0]!.body['blocks'])).not.toContain('pdta:share');
    expect(await patient('TC-0043')).toMatchObject({ lastExamsOn: '2026-02-01', therapy: null });

    const ts = messageTs();
    await h.postEvent(appMention(`<@${BOT_USER}> aggiorna TC-0043 esami 2026-03-02`, { user: COORDINATOR, ts }));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1);
    const [call] = h.api.callsOf('chat.postMessage');
    expect(call!.params['thread_ts']).toBe(ts);
    expect(textOf(call)).toContain('TC-0043 aggiornato');
    expect((await patient('TC-0043'))!.lastExamsOn).toBe('2026-03-02');
  });

  it('a non-coordinator is refused and nothing is written; their questions still reach the assistant', async () => {
    await h.postEvent(directMessage('iscrivi TC-0044 esami 2026-03-01', { user: DOCTOR, channel: 'D0DOCTOR9' }));
    await h.postForm(slashCommand('iscrivi', h.api.responseUrl('form-doctor'), { user: DOCTOR }));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1 && h.api.responses.length === 1);
    expect(textOf(h.api.callsOf('chat.postMessage')[0])).toContain('solo i coordinatori del percorso');
    expect(JSON.stringify(h.api.responses[0]!.body)).toContain('solo i coordinatori del percorso');
    expect(h.api.callsOf('views.open')).toEqual([]);
    expect(await patient('TC-0044')).toBeUndefined();

    // "update" also begins ordinary questions: without a code or a keyword it is one.
    h.api.reset();
    await h.postEvent(directMessage('update me on neridronate in children', { user: DOCTOR, channel: 'D0DOCTOR9' }));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1);
    expect(textOf(h.api.callsOf('chat.postMessage')[0])).not.toContain('coordinatori');
  });

  it('a refused code (a name) gets the reason, not an enrolment', async () => {
    await h.postEvent(directMessage('iscrivi Mario Rossi esami 2026-03-01', { user: COORDINATOR, channel: 'D0COORD01' }));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1);
    expect(textOf(h.api.callsOf('chat.postMessage')[0])).toContain('sembra un nome di persona');
    expect((await service.list()).some((p) => p.code.includes('ROSSI'))).toBe(false);
  });
});

describe('/pdta iscrivi: the enrolment modal', () => {
  it('opens with the trigger id: code, last exams (datepicker), therapy (PDTA therapies with an interval, and none), last administration, since', async () => {
    const command = slashCommand('iscrivi', h.api.responseUrl('form1'), { user: COORDINATOR });
    await h.postForm(command);
    await h.api.waitFor(() => h.api.callsOf('views.open').length === 1);
    const [call] = h.api.callsOf('views.open');
    expect(call!.params['trigger_id']).toBe(command['trigger_id']);
    const view = JSON.parse(String(call!.params['view'])) as Json;
    expect(view).toMatchObject({ type: 'modal', callback_id: ENROL_VIEW_CALLBACK_ID, submit: { text: 'Iscrivi' } });
    const inputs = (view['blocks'] as Json[]).filter((b) => b['type'] === 'input');
    expect(inputs.map((b) => [b['block_id'], (b['element'] as Json)['type']])).toEqual([
      ['code', 'plain_text_input'],
      ['last_exams', 'datepicker'],
      ['therapy', 'static_select'],
      ['therapy_last_given', 'datepicker'],
      ['therapy_since', 'datepicker'],
    ]);
    expect(JSON.stringify(inputs[3])).toContain('Ultima somministrazione');
    expect(JSON.stringify(inputs[3])).toContain('la prossima si conta da questa data');
    const options = ((inputs[2]!['element'] as Json)['options'] as Json[]).map((o) => o['value']);
    expect(options).toEqual(['therapy.neridronate', 'therapy.zoledronate', 'none']);
    expect(h.api.responses).toEqual([]); // the modal is the answer
  });

  it('a submission with problems is answered with the errors by field, and nothing is written', async () => {
    const res = await h.postForm(viewSubmission(COORDINATOR, { code: 'Mario Rossi', lastExams: '2026-12-01', therapy: 'therapy.neridronate' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body['response_action']).toBe('errors');
    const errors = body['errors'] as Record<string, string>;
    expect(errors['code']).toContain('sembra un nome di persona');
    expect(errors['last_exams']).toContain('è nel futuro');
    expect(errors['therapy_last_given']).toContain('manca la data dell’ultima somministrazione');
    expect((await service.list()).some((p) => p.code.includes('ROSSI'))).toBe(false);
  });

  it('a valid submission enrols the patient and the modal shows what was recorded', async () => {
    const res = await h.postForm(viewSubmission(COORDINATOR, { code: 'tc-0045', lastExams: '2026-02-15', therapy: 'therapy.zoledronate', lastGiven: '2025-06-01', since: '2024-06-01' }));
    const body = (await res.json()) as Json;
    expect(body['response_action']).toBe('update');
    expect(JSON.stringify(body['view'])).toContain('TC-0045 iscritto al follow-up');
    expect(await patient('TC-0045')).toMatchObject({ lastExamsOn: '2026-02-15', therapy: { therapyId: 'therapy.zoledronate', lastGivenOn: '2025-06-01', since: '2024-06-01' } });

    // Submitted again (a double click): already enrolled, said on the code field.
    const again = (await (await h.postForm(viewSubmission(COORDINATOR, { code: 'TC-0045', lastExams: '2026-02-15' }))).json()) as Json;
    expect(again).toMatchObject({ response_action: 'errors', errors: { code: expect.stringContaining('già iscritto') } });
  });

  it('a non-coordinator submitting the form is refused on the code field', async () => {
    const body = (await (await h.postForm(viewSubmission(DOCTOR, { code: 'TC-0046', lastExams: '2026-02-15' }))).json()) as Json;
    expect(body).toMatchObject({ response_action: 'errors', errors: { code: expect.stringContaining('solo i coordinatori') } });
    expect(await patient('TC-0046')).toBeUndefined();
  });
});

describe('the reminder buttons', () => {
  it('"Fatto" records today as done, schedules the next from it, updates the reminder and says so in its thread; a second press is refused privately', async () => {
    await service.enrol(platformUser('slack', COORDINATOR), { code: 'TC-0050', lastExamsOn: '2025-09-11', therapy: null });
    const item = (await patient('TC-0050'))!.items.find((i) => i.ruleId === 'followup.phosphate-metabolism')!;
    expect(item.dueOn).toBe('2026-03-11');
    // The button exactly as the reminder carries it.
    const reminder = reminderSlackMessage({
      reply: reminderReply({ ...samplePayload(1, '2026-03-04'), itemId: item.id, patientCode: 'TC-0050', dueOn: item.dueOn }, service.rules),
      idempotencyKey: 'reminder:1',
    });
    const actions = reminder.blocks.find((b) => b.type === 'actions');
    const element = actions?.type === 'actions' ? actions.elements.find((e) => e.value.includes(':done:')) : undefined;
    expect(element).toMatchObject({ value: `pdta:followup:done:${item.id}`, text: { text: 'Fatto' } });
    const done = { action_id: element!.action_id, value: element!.value, text: element!.text.text };

    const reminderTs = messageTs();
    await h.postForm(buttonClick(done, { channel: REMINDERS_CHANNEL, messageTs: reminderTs, responseUrl: h.api.responseUrl('done1'), user: COORDINATOR }));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1 && h.api.callsOf('chat.update').length === 1);
    // The reminder itself: the same message, its buttons gone, who did what and when.
    const [update] = h.api.callsOf('chat.update');
    expect(update!.params).toMatchObject({ channel: REMINDERS_CHANNEL, ts: reminderTs });
    const updated = blocksOf(update!);
    expect(updated.some((b) => b['type'] === 'actions')).toBe(false);
    const updatedText = JSON.stringify(updated);
    expect(updatedText).toContain('TC-0050');
    expect(updatedText).toContain('fatto (4 marzo 2026)');
    expect(updatedText).toContain(`✅ TC-0050 · Fatto da <@${COORDINATOR}> · 4 marzo 2026, 10:00`);
    expect(updatedText).toContain('📖 Fonte: PDTA § 6.');
    const [call] = h.api.callsOf('chat.postMessage');
    expect(call!.params).toMatchObject({ channel: REMINDERS_CHANNEL, thread_ts: reminderTs });
    const text = textOf(call);
    expect(text).toContain(`Registrato da <@${COORDINATOR}>`);
    expect(text).toContain('fatto il 4 marzo 2026');
    expect(text).toContain('Prossima scadenza: 4 settembre 2026');
    const items = (await patient('TC-0050'))!.items.filter((i) => i.ruleId === 'followup.phosphate-metabolism');
    expect(items.map((i) => [i.dueOn, i.status])).toEqual([['2026-09-04', 'open']]);
    expect((await service.audit({ code: 'TC-0050' }))[0]).toMatchObject({ actor: platformUser('slack', COORDINATOR), action: 'done', itemId: item.id });

    h.api.reset();
    await h.postForm(buttonClick(done, { channel: REMINDERS_CHANNEL, messageTs: reminderTs, responseUrl: h.api.responseUrl('done2'), user: OTHER_COORDINATOR }));
    await h.api.waitFor(() => h.api.responses.length === 1);
    expect(h.api.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(h.api.responses[0]!.body['blocks'])).toContain('già segnato come fatto il 2026-03-04');
    expect(h.api.callsOf('chat.postMessage')).toEqual([]);
    expect(h.api.callsOf('chat.update')).toEqual([]);
  });

  it('a non-coordinator’s press is refused privately and changes nothing', async () => {
    await service.enrol(platformUser('slack', COORDINATOR), { code: 'TC-0051', lastExamsOn: '2025-09-11', therapy: null });
    const item = (await patient('TC-0051'))!.items[0]!;
    await h.postForm(
      buttonClick({ action_id: 'pdta:followup:snooze', value: `pdta:followup:snooze:${item.id}` }, { channel: REMINDERS_CHANNEL, responseUrl: h.api.responseUrl('snz'), user: DOCTOR }),
    );
    await h.api.waitFor(() => h.api.responses.length === 1);
    expect(JSON.stringify(h.api.responses[0]!.body['blocks'])).toContain('solo i coordinatori');
    expect(h.api.callsOf('chat.postMessage')).toEqual([]);
    expect((await patient('TC-0051'))!.items[0]).toEqual(item);
  });
});

describe('upcoming reminders', () => {
  it('the Home tab lists a coordinator’s next 30 days, and tells anyone else it is for coordinators', async () => {
    await service.enrol(platformUser('slack', COORDINATOR), { code: 'TC-0060', lastExamsOn: '2025-09-20', therapy: null });
    await h.postEvent(eventEnvelope({ type: 'app_home_opened', user: COORDINATOR, channel: 'D0COORD01', tab: 'home', event_ts: messageTs() }));
    await h.api.waitFor(() => h.api.callsOf('views.publish').length === 1);
    const home = String(h.api.callsOf('views.publish')[0]!.params['view']);
    expect(home).toContain('*2026-03-20* · `TC-0060` · Valutazione del metabolismo del fosfato');
    expect(home).not.toContain('TC-0042'); // due in September

    h.api.reset();
    await h.postEvent(eventEnvelope({ type: 'app_home_opened', user: DOCTOR, channel: 'D0DOCTOR9', tab: 'home', event_ts: messageTs() }));
    await h.api.waitFor(() => h.api.callsOf('views.publish').length === 1);
    const other = String(h.api.callsOf('views.publish')[0]!.params['view']);
    expect(other).toContain('visibili ai coordinatori del percorso');
    expect(other).not.toContain('TC-0060');
  });

  it('"promemoria della settimana" lists what falls due in 7 days, overdue included', async () => {
    await service.enrol(platformUser('slack', COORDINATOR), { code: 'TC-0070', lastExamsOn: '2025-09-08', therapy: null });
    await h.postEvent(directMessage('promemoria della settimana', { user: COORDINATOR, channel: 'D0COORD01' }));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1);
    const text = textOf(h.api.callsOf('chat.postMessage')[0]);
    expect(text).toContain('Promemoria della settimana');
    expect(text).toContain('TC-0070');
    expect(text).toContain('TC-0051'); // due 11 March
    expect(text).not.toContain('TC-0060'); // due 20 March
  });
});
