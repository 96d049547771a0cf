/**
 * Nothing reaches a listener without Slack's signature. Each request here is what an attacker could
 * send to the public POST /slack/events: bodies smuggled behind `ssl_check` (a click, the enrolment
 * modal, a reminder button, a slash command, an event), `ssl_check` in a JSON body, duplicated, or
 * with a wrong signature, bodies re-signed with another secret, and a signed click whose
 * response_url points away from Slack. None may cause a Web API call, a response_url post, a
 * registry write or a reminder's change; the registry's audit and the stand-ins prove it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENROL_VIEW_CALLBACK_ID } from '../../../src/channels/slack/followup.js';
import { loadAssistant } from '../../../src/engine/loadAssistant.js';
import { FollowupService } from '../../../src/followup/service.js';
import { coordinatorPredicate, platformUser } from '../../../src/followup/settings.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { COORDINATOR, TestClock, content } from '../../followup/fixtures.js';
import { FakeSlackApi } from './fakeSlackApi.js';
import { appMention, BOT_USER, buttonClick, slashCommand, startHarness, TEAM, type Harness } from './harness.js';
import { slackSignedHeaders } from './slackSigner.js';

const FORM = 'application/x-www-form-urlencoded';
const COORDINATOR_ACTOR = platformUser('slack', COORDINATOR);

let store: Store;
let service: FollowupService;
let h: Harness;
/** Where an attacker's response_url would point: it must never be called. */
let elsewhere: FakeSlackApi;
let itemId: string;
const clock = new TestClock('2026-03-04');

beforeAll(async () => {
  store = await openStore({ memory: true });
  service = new FollowupService({ db: store.db, content: content(), clock: clock.now, isCoordinator: coordinatorPredicate([COORDINATOR_ACTOR]) });
  h = await startHarness({ assistant: loadAssistant(), store, channelOptions: { followup: service } });
  elsewhere = await new FakeSlackApi().start();
  const patient = await service.enrol(COORDINATOR_ACTOR, { code: 'TC-0700', lastExamsOn: '2025-09-11', therapy: null });
  itemId = patient.items[0]!.id;
});

afterAll(async () => {
  await h?.close();
  await elsewhere?.close();
  await store?.close();
});

beforeEach(() => {
  h.api.reset();
  elsewhere.reset();
});

function enrolmentSubmission(code: string): string {
  return JSON.stringify({
    type: 'view_submission',
    team: { id: TEAM, domain: 'ospedale' },
    user: { id: COORDINATOR, username: 'coordinatrice', team_id: TEAM },
    api_app_id: 'A0APP0001',
    trigger_id: '1.2.view',
    view: {
      id: 'V0MODAL01',
      type: 'modal',
      callback_id: ENROL_VIEW_CALLBACK_ID,
      private_metadata: '{"lang":"it"}',
      state: {
        values: {
          code: { value: { type: 'plain_text_input', value: code } },
          last_exams: { value: { type: 'datepicker', selected_date: '2026-03-01' } },
          therapy: { value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: '-' }, value: 'none' } } },
          therapy_since: { value: { type: 'datepicker', selected_date: null } },
        },
      },
    },
    response_urls: [],
  });
}

/** The payloads an attacker would smuggle, as the `payload` form field. */
function smuggled(): Record<string, string> {
  return {
    click: buttonClick({ action_id: 'pdta:action:it:0', value: 'pdta:menu' }, { responseUrl: elsewhere.responseUrl('ssrf') })['payload']!,
    ephemeralClick: buttonClick({ action_id: 'pdta:action:it:0', value: 'pdta:step:1' }, { ephemeral: true, responseUrl: elsewhere.responseUrl('ssrf2') })['payload']!,
    enrol: enrolmentSubmission('TC-6666'),
    notApplicable: buttonClick(
      { action_id: 'pdta:followup:not-applicable', value: `pdta:followup:not-applicable:${itemId}` },
      { channel: 'C0REMINDERS', responseUrl: h.api.responseUrl('na'), user: COORDINATOR },
    )['payload']!,
  };
}

/** Lets anything the server might still do in the background happen before looking. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 300));
}

async function expectNothingDone(): Promise<void> {
  await settle();
  expect(h.api.calls).toEqual([]);
  expect(h.api.responses).toEqual([]);
  expect(elsewhere.calls).toEqual([]);
  expect(elsewhere.responses).toEqual([]);
  expect((await service.list()).map((p) => p.code)).toEqual(['TC-0700']);
  const item = (await service.list())[0]!.items.find((i) => i.id === itemId)!;
  expect(item.status).toBe('open');
  expect((await service.audit({})).map((e) => e.action)).toEqual(['enrol']);
}

describe('ssl_check answers 200 with an empty body, and nothing riding on it is processed', () => {
  it('a payload (click, ephemeral click with a response_url of the sender’s choosing, enrolment modal, reminder button)', async () => {
    for (const [name, payload] of Object.entries(smuggled())) {
      const body = `ssl_check=1&payload=${encodeURIComponent(payload)}`;
      const res = await h.post(body, { contentType: FORM, unsigned: true });
      expect(res.status, name).toBe(200);
      expect(await res.text(), name).toBe('');
    }
    await expectNothingDone();
  });

  it('a slash command, an event as form fields, duplicated ssl_check fields, ssl_check=0', async () => {
    const command = new URLSearchParams(slashCommand('iscrivi TC-6666 esami 2026-03-01', elsewhere.responseUrl('cmd'), { user: COORDINATOR })).toString();
    const event = encodeURIComponent(JSON.stringify(appMention(`<@${BOT_USER}> neridronato bambino 18 kg`)));
    const bodies = [
      `ssl_check=1&${command}`,
      `${command}&ssl_check=1`,
      `ssl_check=1&type=event_callback&event=${event}`,
      `ssl_check=1&ssl_check=1&payload=${encodeURIComponent(smuggled()['notApplicable']!)}`,
      `ssl_check=0&payload=${encodeURIComponent(smuggled()['enrol']!)}`,
    ];
    for (const body of bodies) {
      const res = await h.post(body, { contentType: FORM, unsigned: true });
      expect(res.status, body.slice(0, 40)).toBe(200);
    }
    await expectNothingDone();
  });

  it('an ssl_check with a wrong signature is still only an ssl_check', async () => {
    const body = `ssl_check=1&payload=${encodeURIComponent(smuggled()['notApplicable']!)}`;
    const res = await fetch(`${h.url}/slack/events`, { method: 'POST', headers: slackSignedHeaders('a-wrong-secret', body, FORM), body });
    expect(res.status).toBe(200);
    await expectNothingDone();
  });
});

describe('without Slack’s signature nothing is processed', () => {
  it('ssl_check inside a JSON body is no ssl_check: unsigned, it is 401', async () => {
    const event = { ...appMention(`<@${BOT_USER}> neridronato bambino 18 kg`), ssl_check: '1' };
    expect((await h.post(JSON.stringify(event), { unsigned: true })).status).toBe(401);
    expect((await h.post(JSON.stringify({ ssl_check: 1, type: 'event_callback', event: {} }), { unsigned: true })).status).toBe(401);
    await expectNothingDone();
  });

  it('every smuggled body, sent plainly without a signature or re-signed with another secret, is 401', async () => {
    const forms = [
      ...Object.values(smuggled()).map((payload) => new URLSearchParams({ payload }).toString()),
      new URLSearchParams(slashCommand('iscrivi TC-6666 esami 2026-03-01', elsewhere.responseUrl('cmd'), { user: COORDINATOR })).toString(),
    ];
    for (const body of forms) {
      expect((await h.post(body, { contentType: FORM, unsigned: true })).status).toBe(401);
      const resigned = await fetch(`${h.url}/slack/events`, { method: 'POST', headers: slackSignedHeaders('a-wrong-secret', body, FORM), body });
      expect(resigned.status).toBe(401);
    }
    const mention = JSON.stringify(appMention(`<@${BOT_USER}> neridronato bambino 18 kg`));
    expect((await h.post(mention, { unsigned: true })).status).toBe(401);
    const resigned = await fetch(`${h.url}/slack/events`, { method: 'POST', headers: slackSignedHeaders('a-wrong-secret', mention, 'application/json'), body: mention });
    expect(resigned.status).toBe(401);
    await expectNothingDone();
  });
});

describe('a response_url is only ever Slack’s', () => {
  it('a signed click or command whose response_url points elsewhere is acknowledged and not answered', async () => {
    const click = buttonClick({ action_id: 'pdta:action:it:0', value: 'pdta:step:1' }, { ephemeral: true, responseUrl: elsewhere.responseUrl('ssrf3') });
    expect((await h.postForm(click)).status).toBe(200);
    const command = slashCommand('neridronato bambino 18 kg', 'http://169.254.169.254/latest/meta-data/');
    expect((await h.postForm(command)).status).toBe(200);
    await expectNothingDone();
    expect(h.logs.has('slack request with a response_url outside SLACK_HOOKS_URL ignored')).toBe(true);
  });

  it('the same click with Slack’s response_url is answered there', async () => {
    const click = buttonClick({ action_id: 'pdta:action:it:0', value: 'pdta:step:1' }, { ephemeral: true, responseUrl: h.api.responseUrl('ok') });
    expect((await h.postForm(click)).status).toBe(200);
    await h.api.waitFor(() => h.api.responses.length === 1);
    expect(elsewhere.responses).toEqual([]);
  });
});
