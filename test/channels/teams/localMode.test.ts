/**
 * Without MicrosoftAppId the Teams endpoint checks no token: it is for the Bot Framework Emulator on
 * this machine, and it must never act on what an activity merely claims. Over real HTTP: an
 * activity claiming a coordinator's id cannot enrol a patient, mark a reminder or read the
 * registry, and leaves nothing in the store; a request that came through a proxy is refused; with
 * HOST beyond loopback there is no endpoint at all. With authentication on, a Slack coordinator's id
 * on a Teams activity is nobody.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENROL_FORM_ACTION } from '../../../src/channels/teams/followup.js';
import { FollowupService } from '../../../src/followup/service.js';
import { coordinatorPredicate, platformUser } from '../../../src/followup/settings.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { TestClock, content } from '../../followup/fixtures.js';
import { DOCTOR, personalConversation, personalMessage, submit } from './support/activities.js';
import { BotFrameworkStandIn } from './support/botFramework.js';
import { ConnectorStandIn } from './support/connectorStandIn.js';
import { startTeams, type Harness } from './support/harness.js';

/** A Slack coordinator's id, as an attacker would put it in `from.aadObjectId`. */
const SLACK_COORDINATOR = 'U0COORD01';
const TEAMS_COORDINATOR = platformUser('teams', DOCTOR.aadObjectId);

let store: Store;
let standIn: ConnectorStandIn;
let service: FollowupService;
let local: Harness;
let itemId: string;
const clock = new TestClock('2026-03-04');

beforeAll(async () => {
  store = await openStore({ memory: true });
  standIn = await ConnectorStandIn.start();
  // The doctor of the activities IS a Teams coordinator: local mode must still not let their claimed id act.
  service = new FollowupService({
    db: store.db,
    content: content(),
    clock: clock.now,
    isCoordinator: coordinatorPredicate([TEAMS_COORDINATOR, platformUser('slack', SLACK_COORDINATOR)]),
  });
  const patient = await service.enrol(TEAMS_COORDINATOR, { code: 'TC-0800', lastExamsOn: '2025-09-11', therapy: null });
  itemId = patient.items[0]!.id;
  local = await startTeams({ store, channel: { followup: service } });
});

afterAll(async () => {
  await local?.close();
  await standIn?.close();
  await store?.close();
});

beforeEach(() => standIn.reset());

async function rows(table: 'conversation_refs' | 'processed_events' | 'reminder_outbox' | 'followup_patients' | 'followup_audit' | 'conversations' | 'audit_dosing'): Promise<number> {
  const [row] = await store.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).execute();
  return Number(row?.n ?? 0);
}

async function storeSnapshot(): Promise<Record<string, number>> {
  const tables = ['conversation_refs', 'processed_events', 'reminder_outbox', 'followup_patients', 'followup_audit', 'conversations', 'audit_dosing'] as const;
  return Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await rows(t)] as const)));
}

function textOf(): string {
  return JSON.stringify(standIn.received.map((r) => r.body));
}

describe('local mode (no MicrosoftAppId), HOST on loopback', () => {
  const o = () => ({ serviceUrl: standIn.url });

  it('runs unauthenticated', () => {
    expect(local.channel.mode).toBe('local');
  });

  it('a registry command from a claimed coordinator id is refused, and nothing is stored', async () => {
    const before = await storeSnapshot();
    for (const text of ['iscrivi TC-6666 esami 2026-03-01', 'promemoria della settimana', 'aggiorna TC-0800 esami 2026-03-02']) {
      const res = await local.post(personalMessage(text, o()));
      expect(res.status).toBe(200);
    }
    expect(textOf()).toContain('solo i coordinatori');
    expect(textOf()).not.toContain('TC-0800');
    for (const forged of [DOCTOR.aadObjectId, SLACK_COORDINATOR]) {
      await local.post({ ...personalMessage('iscrivi TC-6667 esami 2026-03-01', o()), from: { ...DOCTOR, aadObjectId: forged } });
    }
    expect((await service.list()).map((p) => p.code)).toEqual(['TC-0800']);
    expect(await storeSnapshot()).toEqual(before);
  });

  it('the enrolment card’s submit and a reminder button change nothing', async () => {
    const before = await storeSnapshot();
    await local.post(submit({ pdtaAction: ENROL_FORM_ACTION, pdtaLang: 'it', code: 'TC-6668', lastExams: '2026-03-01', therapy: 'none', therapySince: '' }, '', personalConversation(), o()));
    for (const verb of ['not-applicable', 'done', 'booked', 'snooze']) {
      await local.post(submit({ pdtaAction: `pdta:followup:${verb}:${itemId}` }, '', personalConversation(), o()));
    }
    const item = (await service.list())[0]!.items.find((i) => i.id === itemId)!;
    expect(item.status).toBe('open');
    expect((await service.audit({})).map((e) => e.action)).toEqual(['enrol']);
    expect(await storeSnapshot()).toEqual(before);
  });

  it('still answers a clinical question, keeping the conversation in memory only', async () => {
    const before = await storeSnapshot();
    expect((await local.post(personalMessage('neridronato bambino 18 kg', o()))).status).toBe(200);
    expect(textOf()).toContain('36 mg');
    expect(await storeSnapshot()).toEqual(before);
  });

  it('answers the Emulator’s channel as well as msteams, and no other', async () => {
    expect((await local.post({ ...personalMessage('ciao', o()), channelId: 'emulator' })).status).toBe(200);
    expect(standIn.received).toHaveLength(1);
    expect((await local.post({ ...personalMessage('ciao', o()), channelId: 'webchat' })).status).toBe(200);
    expect(standIn.received).toHaveLength(1);
  });

  it('refuses a request that came through a proxy with 403, and sends nothing', async () => {
    const proxied: Array<Record<string, string>> = [{ 'x-forwarded-for': '203.0.113.7' }, { forwarded: 'for=203.0.113.7' }, { 'x-real-ip': '203.0.113.7' }];
    for (const header of proxied) {
      const res = await local.post(personalMessage('neridronato bambino 18 kg', o()), { headers: header });
      expect(res.status).toBe(403);
    }
    expect(standIn.received).toEqual([]);
  });
});

describe('local mode with HOST beyond loopback', () => {
  it('has no endpoint: an activity gets 404 and reaches nothing', async () => {
    const exposed = await startTeams({ store, env: { HOST: '0.0.0.0' }, channel: { followup: service } });
    try {
      const res = await exposed.post(personalMessage('iscrivi TC-6669 esami 2026-03-01', { serviceUrl: standIn.url }));
      expect(res.status).toBe(404);
      expect(standIn.received).toEqual([]);
      expect(exposed.logs.some((l) => String(l['msg']).startsWith('Teams endpoint off'))).toBe(true);
    } finally {
      await exposed.close();
    }
  });
});

describe('authenticated, a Slack coordinator’s id on a Teams activity', () => {
  let botFramework: BotFrameworkStandIn;
  let authed: Harness;
  beforeAll(async () => {
    // Bot Framework's keys are endorsed for every channel a bot may be registered on.
    botFramework = BotFrameworkStandIn.start({ endorsements: ['msteams', 'webchat', 'directline', 'emulator'] });
    authed = await startTeams({ store, botFramework, channel: { followup: service } });
  });
  afterAll(async () => {
    await authed.close();
    botFramework.close();
  });

  it('is nobody: the command is refused and nothing is written', async () => {
    const forged = { ...personalMessage('iscrivi TC-6670 esami 2026-03-01', { serviceUrl: standIn.url }), from: { id: '29:1Other', name: 'x', aadObjectId: SLACK_COORDINATOR } };
    expect((await authed.post(forged)).status).toBe(200);
    expect(textOf()).toContain('solo i coordinatori');
    expect((await service.list()).map((p) => p.code)).toEqual(['TC-0800']);
  });

  it('answers msteams only: an activity from another Bot Framework channel is acknowledged, not answered, and logged', async () => {
    for (const channelId of ['webchat', 'emulator', 'directline']) {
      const res = await authed.post({ ...personalMessage('neridronato bambino 18 kg', { serviceUrl: standIn.url }), channelId });
      expect(res.status, channelId).toBe(200);
    }
    expect(standIn.received).toEqual([]);
    expect(authed.logs.filter((l) => l['msg'] === 'Teams activity from a Bot Framework channel not in TEAMS_CHANNEL_IDS refused')).toHaveLength(3);
  });

  it('while the Teams coordinator, authenticated, is one', async () => {
    expect((await authed.post(personalMessage('iscrivi TC-0801 esami 2026-03-01', { serviceUrl: standIn.url }))).status).toBe(200);
    expect(textOf()).toContain('TC-0801 iscritto al follow-up');
    expect((await service.audit({ code: 'TC-0801' }))[0]).toMatchObject({ actor: TEAMS_COORDINATOR, action: 'enrol' });
  });
});
