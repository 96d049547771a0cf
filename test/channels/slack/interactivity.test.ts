/**
 * The interactive side: /pdta answered privately with "Share in channel", sharing it, buttons that
 * carry the conversation on where they were clicked (channel thread, DM, ephemeral answer, Home
 * tab) and in the reply's language, and the App Home tab.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadAssistant } from '../../../src/engine/loadAssistant.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { blocksOf } from './fakeSlackApi.js';
import { buttonClick, eventEnvelope, messageTs, slashCommand, startHarness, type Harness } from './harness.js';

let store: Store;
let h: Harness;

beforeAll(async () => {
  store = await openStore({ memory: true });
  h = await startHarness({ assistant: loadAssistant(), store });
});

afterAll(async () => {
  await h.close();
  await store.close();
});

afterEach(() => h.api.reset());

type Json = Record<string, unknown>;
const buttons = (blocks: unknown): Json[] =>
  (blocks as Json[]).flatMap((b) => (b['type'] === 'actions' ? (b['elements'] as Json[]) : []));

describe('/pdta', () => {
  it('acknowledges with an empty 200, then answers privately with a "Condividi nel canale" button', async () => {
    const res = await h.postForm(slashCommand('neridronato bambino 18 kg', h.api.responseUrl('cmd1')));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await h.api.waitFor(() => h.api.responses.length === 1);
    const [response] = h.api.responses;
    expect(response!.id).toBe('cmd1');
    expect(response!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(response!.body['blocks'])).toContain('*Dose calcolata*\\n36 mg');
    const share = buttons(response!.body['blocks']).find((b) => b['action_id'] === 'pdta:share');
    expect(share).toMatchObject({ text: { text: 'Condividi nel canale' } });
    expect(JSON.parse(String(share!['value']))).toEqual({ t: 'neridronato bambino 18 kg', l: 'it' });
    expect(h.api.calls).toEqual([]);
  });

  it('with no question, shows the menu; in English, "Share in channel"', async () => {
    await h.postForm(slashCommand('', h.api.responseUrl('cmd2')));
    await h.postForm(slashCommand('what does step 2 involve?', h.api.responseUrl('cmd3')));
    await h.api.waitFor(() => h.api.responses.length === 2);
    const menu = h.api.responses.find((r) => r.id === 'cmd2')!;
    expect(buttons(menu.body['blocks']).map((b) => b['value'])).toContain('pdta:walkthrough');
    const english = h.api.responses.find((r) => r.id === 'cmd3')!;
    expect(buttons(english.body['blocks']).find((b) => b['action_id'] === 'pdta:share')).toMatchObject({ text: { text: 'Share in channel' } });
  });

  it('"Condividi nel canale" posts the same answer in the channel, says who shared it, then removes the private copy', async () => {
    const value = JSON.stringify({ t: 'neridronato bambino 18 kg', l: 'it' });
    const res = await h.postForm(buttonClick({ action_id: 'pdta:share', value }, { ephemeral: true, responseUrl: h.api.responseUrl('eph1') }));
    expect(res.status).toBe(200);
    await h.api.waitFor(() => h.api.responses.length === 2);
    const [shared, removed] = h.api.responses;
    expect(shared!.body).toMatchObject({ response_type: 'in_channel', replace_original: false });
    const blocks = shared!.body['blocks'] as Json[];
    expect(blocks[0]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Condiviso da <@U0DOCTOR1> con /pdta', verbatim: true }] });
    expect(JSON.stringify(blocks)).toContain('*Dose calcolata*\\n36 mg');
    expect(buttons(blocks).some((b) => b['action_id'] === 'pdta:share')).toBe(false);
    expect(removed!.body).toEqual({ delete_original: true });
  });

  it('a forged or unreadable share value is ignored', async () => {
    await h.postForm(buttonClick({ action_id: 'pdta:share', value: '{"x":1}' }, { ephemeral: true, responseUrl: h.api.responseUrl('eph2') }));
    await h.postForm(buttonClick({ action_id: 'pdta:share', value: 'not json' }, { ephemeral: true, responseUrl: h.api.responseUrl('eph2') }));
    await new Promise((r) => setTimeout(r, 200));
    expect(h.api.responses).toEqual([]);
  });

  it('a response_url answering 429 is retried after Retry-After', async () => {
    h.api.rateLimit('response:busy', 1, 1);
    await h.postForm(slashCommand('acetazolamide adulto', h.api.responseUrl('busy')));
    await h.api.waitFor(() => h.api.responses.length === 1, 8_000);
    const limited = h.api.callsOf('response:busy#429');
    expect(limited).toHaveLength(1);
    expect(h.api.responses[0]!.at - limited[0]!.at).toBeGreaterThanOrEqual(1_000);
  });
});

describe('a button in a reply', () => {
  it('in a channel thread, answers in that thread, in the reply’s language', async () => {
    const thread = messageTs();
    const res = await h.postForm(buttonClick({ action_id: 'pdta:action:en:1', value: 'pdta:step:2' }, { messageTs: messageTs(), threadTs: thread, responseUrl: h.api.responseUrl('b1') }));
    expect(res.status).toBe(200);
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1);
    const [call] = h.api.callsOf('chat.postMessage');
    expect(call!.params).toMatchObject({ channel: 'C0TEAM001', thread_ts: thread });
    expect(blocksOf(call!)[0]).toMatchObject({ type: 'header', text: { text: 'Step 2 – Further diagnostic work-up and therapy planning' } });
  });

  it('on a message at the top of a channel (a shared answer), answers in a thread under it', async () => {
    const top = messageTs();
    await h.postForm(buttonClick({ action_id: 'pdta:action:it:0', value: 'pdta:step:2' }, { messageTs: top, responseUrl: h.api.responseUrl('b2') }));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1);
    const [call] = h.api.callsOf('chat.postMessage');
    expect(call!.params['thread_ts']).toBe(top);
    expect(blocksOf(call!)[0]).toMatchObject({ type: 'header', text: { text: 'Step 2 – Approfondimento diagnostico e programmazione della terapia' } });
  });

  it('in a direct message, answers in the conversation', async () => {
    await h.postForm(buttonClick({ action_id: 'pdta:action:it:0', value: 'pdta:menu' }, { channel: 'D0DOCTOR1', responseUrl: h.api.responseUrl('b3') }));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1);
    const [call] = h.api.callsOf('chat.postMessage');
    expect(call!.params['channel']).toBe('D0DOCTOR1');
    expect(call!.params['thread_ts']).toBeUndefined();
  });

  it('on a private /pdta answer, answers privately again, with its own share button', async () => {
    await h.postForm(buttonClick({ action_id: 'pdta:action:it:2', value: 'pdta:step:1' }, { ephemeral: true, responseUrl: h.api.responseUrl('b4') }));
    await h.api.waitFor(() => h.api.responses.length === 1);
    const [response] = h.api.responses;
    expect(response!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    const share = buttons(response!.body['blocks']).find((b) => b['action_id'] === 'pdta:share');
    expect(JSON.parse(String(share!['value']))).toEqual({ a: 'pdta:step:1', l: 'it' });
    expect(h.api.calls).toEqual([]);
  });

  it('in the Home tab, answers in the user’s direct messages with the app', async () => {
    await h.postForm(buttonClick({ action_id: 'pdta:action:it:0', value: 'pdta:walkthrough' }, { view: true, user: 'U0NURSE01', responseUrl: h.api.responseUrl('b5') }));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1);
    expect(h.api.callsOf('conversations.open')[0]!.params['users']).toBe('U0NURSE01');
    const [call] = h.api.callsOf('chat.postMessage');
    expect(call!.params['channel']).toBe('D0NURSE01');
    expect(call!.params['thread_ts']).toBeUndefined();
  });

  it('in a channel the app was never invited to, answers privately with a hint instead of nothing', async () => {
    h.api.channelErrors.set('C0NOTMEMBER', 'not_in_channel');
    await h.postForm(buttonClick({ action_id: 'pdta:action:it:0', value: 'pdta:step:1' }, { channel: 'C0NOTMEMBER', responseUrl: h.api.responseUrl('b7') }));
    await h.api.waitFor(() => h.api.responses.length === 1);
    const [response] = h.api.responses;
    expect(response!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(response!.body['blocks'])).toContain('/invite @PDTA');
    expect(JSON.stringify(response!.body['blocks'])).toContain('Step 1');
  });

  it('a click delivered twice (same trigger) is answered once', async () => {
    const click = buttonClick({ action_id: 'pdta:action:it:0', value: 'pdta:menu' }, { responseUrl: h.api.responseUrl('b6') });
    await h.postForm(click);
    await h.postForm(click);
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length >= 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.api.callsOf('chat.postMessage')).toHaveLength(1);
  });
});

describe('the App Home tab', () => {
  it('is published with the menu in both languages and the place for upcoming reminders', async () => {
    const res = await h.postEvent(eventEnvelope({ type: 'app_home_opened', user: 'U0COORD01', channel: 'D0COORD01', tab: 'home', event_ts: messageTs() }));
    expect(res.status).toBe(200);
    await h.api.waitFor(() => h.api.callsOf('views.publish').length === 1);
    const [call] = h.api.callsOf('views.publish');
    expect(call!.params['user_id']).toBe('U0COORD01');
    const view = JSON.parse(String(call!.params['view'])) as Json;
    expect(view['type']).toBe('home');
    const blocks = view['blocks'] as Json[];
    expect(blocks.length).toBeLessThanOrEqual(100);
    const ids = buttons(blocks).map((b) => b['action_id']);
    expect(ids).toContain('pdta:action:it:0');
    expect(ids).toContain('pdta:action:en:0');
    expect(new Set(ids).size).toBe(ids.length);
    expect(JSON.stringify(blocks)).toContain('Promemoria in arrivo · Upcoming reminders');
    // Every mrkdwn text is escaped: Slack would read "/pdta <domanda>" as a link and drop it.
    const mrkdwn = JSON.stringify(blocks).match(/"type":"mrkdwn","text":"(?:[^"\\]|\\.)*"/g) ?? [];
    expect(mrkdwn.length).toBeGreaterThan(0);
    for (const text of mrkdwn) expect(text, text).not.toMatch(/<(?![@#!]|https?:)/);
    expect(JSON.stringify(blocks)).toContain('`/pdta &lt;domanda&gt;`');
  });

  it('shows the coordinator’s reminders once a source provides them', async () => {
    const api = h.api;
    const withReminders = await startHarness({
      assistant: loadAssistant(),
      store,
      api,
      channelOptions: { reminders: async (actor) => (actor.userRef === 'U0COORD01' ? [{ due: '2027-03-01', patientCode: 'CT-0042', what: 'Ecografia articolare' }] : []) },
    });
    try {
      await withReminders.postEvent(eventEnvelope({ type: 'app_home_opened', user: 'U0COORD01', channel: 'D0COORD01', tab: 'home', event_ts: messageTs() }));
      await api.waitFor(() => api.callsOf('views.publish').length === 1);
      expect(String(api.callsOf('views.publish')[0]!.params['view'])).toContain('`CT-0042` · Ecografia articolare');
    } finally {
      await withReminders.close();
    }
  });

  it('is not published for the Messages tab', async () => {
    await h.postEvent(eventEnvelope({ type: 'app_home_opened', user: 'U0COORD01', channel: 'D0COORD01', tab: 'messages', event_ts: messageTs() }));
    await new Promise((r) => setTimeout(r, 200));
    expect(h.api.calls).toEqual([]);
  });
});
