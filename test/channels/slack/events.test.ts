/**
 * Events over real HTTP on loopback, signed as Slack signs them, through Bolt's own receiver: a
 * mention answered in its thread, direct messages, the noise that must not be answered, retries
 * answered once (also across two instances sharing the store), the workspace allowlist, Slack's
 * rate limit ridden out, and acknowledgement before the work.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { composeSlackChannel, routerFor } from '../../../src/app/compose.js';
import type { Assistant } from '../../../src/engine/assistant.js';
import { loadAssistant } from '../../../src/engine/loadAssistant.js';
import type { Reply } from '../../../src/reply/model.js';
import type { ConversationService, TurnRequest } from '../../../src/core/turn.js';
import { StatelessConversationService } from '../../../src/server/statelessConversationService.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { ENROL_VIEW_CALLBACK_ID } from '../../../src/channels/slack/followup.js';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logging.js';
import { blocksOf, FakeSlackApi } from './fakeSlackApi.js';
import { appMention, BOT_TOKEN, BOT_USER, directMessage, messageTs, startHarness, TEAM, type Harness } from './harness.js';

let assistant: Assistant;
let store: Store;
let h: Harness;

beforeAll(async () => {
  assistant = loadAssistant();
  store = await openStore({ memory: true });
  h = await startHarness({ assistant, store });
});

afterAll(async () => {
  await h.close();
  await store.close();
});

afterEach(() => h.api.reset());

const settle = (ms = 150): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('configuration', () => {
  const deps = (env: Record<string, string>) => ({
    config: loadConfig(env),
    assistant,
    router: routerFor(new StatelessConversationService(assistant)),
    store,
    logger: createLogger('silent'),
  });

  it('no Slack channel without a signing secret or an app token', async () => {
    expect(await composeSlackChannel(deps({ SLACK_BOT_TOKEN: BOT_TOKEN }))).toBeNull();
  });

  it('refuses to start without the bot token, naming the variable', async () => {
    // Found with the rest of the configuration, before the server listens.
    expect(() => loadConfig({ SLACK_SIGNING_SECRET: 'secret' })).toThrow(ConfigError);
    expect(() => loadConfig({ SLACK_APP_TOKEN: 'xapp-1' })).toThrow(/SLACK_BOT_TOKEN/);
    // And by the channel itself, for a caller that builds its configuration another way.
    const withoutToken = { ...deps({}), config: { ...loadConfig({}), SLACK_SIGNING_SECRET: 'secret' } };
    await expect(composeSlackChannel(withoutToken)).rejects.toThrow(/SLACK_BOT_TOKEN/);
  });

  it('HTTP mode mounts POST /slack/events', () => {
    expect(h.channel.routes.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /slack/events']);
  });
});

describe('an @mention in a channel', () => {
  it('is acknowledged and answered in the thread of the message, with the dose as Block Kit', async () => {
    const ts = messageTs();
    const res = await h.postEvent(appMention(`<@${BOT_USER}> neridronato bambino 18 kg`, { ts }));
    expect(res.status).toBe(200);
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1);
    const [call] = h.api.callsOf('chat.postMessage');
    expect(call!.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    // The WebClient form-encodes its calls, as Slack's Web API accepts them.
    expect(call!.params).toMatchObject({ channel: 'C0TEAM001', thread_ts: ts, unfurl_links: 'false', unfurl_media: 'false' });
    expect(call!.params['text']).toContain('Neridronato');
    const blocks = blocksOf(call!);
    expect(JSON.stringify(blocks[0])).toContain('Neridronato · Pediatrico: 36 mg');
    expect(JSON.stringify(blocks[1])).toContain('*Neridronato · Pediatrico*');
    expect(JSON.stringify(blocks)).toContain('*Dose calcolata*\\n36 mg');
    expect(blocks.some((b) => b['type'] === 'section' && JSON.stringify(b).includes('⚠️ Attenzione'))).toBe(true);
    expect(blocks.some((b) => b['type'] === 'context' && JSON.stringify(b).includes('PDTA § 4. Criteri terapeutici'))).toBe(true);
    expect(blocks.at(-1)).toMatchObject({ type: 'actions', elements: [{ type: 'button', action_id: 'pdta:action:it:0', value: 'pdta:dose:therapy.neridronate:adult' }, {}, {}, { value: 'pdta:full:therapy.neridronate' }] });
  });

  it('inside a thread, is answered in that thread; the mention itself is not read as words', async () => {
    const root = messageTs();
    await h.postEvent(appMention(`<@${BOT_USER}>   ciao`, { threadTs: root }));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1);
    const [call] = h.api.callsOf('chat.postMessage');
    expect(call!.params['thread_ts']).toBe(root);
    expect(JSON.stringify(blocksOf(call!))).toContain('Buongiorno');
  });

  it('answers in English when asked in English', async () => {
    await h.postEvent(appMention(`<@${BOT_USER}> zoledronate child 40 lb`));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1);
    const blocks = blocksOf(h.api.callsOf('chat.postMessage')[0]!);
    expect(JSON.stringify(blocks)).toContain('pdta:action:en:');
    expect(JSON.stringify(blocks)).toMatch(/Source: PDTA/);
  });

  it('from another bot, is not answered (bots never talk to bots)', async () => {
    const mention = appMention(`<@${BOT_USER}> ciao`);
    (mention['event'] as Record<string, unknown>)['bot_id'] = 'B0OTHER';
    expect((await h.postEvent(mention)).status).toBe(200);
    await settle();
    expect(h.api.calls).toEqual([]);
  });
});

describe('a direct message', () => {
  it('is answered in the conversation, not in a thread', async () => {
    expect((await h.postEvent(directMessage('neridronato adulto'))).status).toBe(200);
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1);
    const [call] = h.api.callsOf('chat.postMessage');
    expect(call!.params['channel']).toBe('D0DOCTOR1');
    expect(call!.params['thread_ts']).toBeUndefined();
    expect(call!.params['text']).toContain('Neridronato');
  });

  it('in a thread of the DM, is answered in that thread', async () => {
    const root = messageTs();
    await h.postEvent(directMessage('step 2', { threadTs: root }));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1);
    expect(h.api.callsOf('chat.postMessage')[0]!.params['thread_ts']).toBe(root);
  });

  it('ignores edits, bot messages, its own messages and other subtypes, but not the person who writes next', async () => {
    const noise = [
      directMessage('neridronato', { subtype: 'message_changed' }),
      directMessage('neridronato', { subtype: 'bot_message', botId: 'B0OTHER' }),
      directMessage('neridronato', { botId: 'B0OURS', user: BOT_USER }),
      directMessage('neridronato', { user: BOT_USER }),
      directMessage('neridronato', { subtype: 'message_deleted' }),
      directMessage('neridronato', { subtype: 'file_share' }),
    ];
    for (const n of noise) expect((await h.postEvent(n)).status).toBe(200);
    const real = messageTs();
    await h.postEvent(directMessage('acetazolamide adulto', { ts: real }));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length >= 1);
    await settle();
    expect(h.api.callsOf('chat.postMessage')).toHaveLength(1);
    expect(h.api.callsOf('chat.postMessage')[0]!.params['text']).toMatch(/Acetazolamide/i);
  });
});

describe('Slack retries', () => {
  it('a retried event (same event_id, X-Slack-Retry-Num) is acknowledged and answered once', async () => {
    const event = appMention(`<@${BOT_USER}> neridronato bambino 18 kg`);
    expect((await h.postEvent(event)).status).toBe(200);
    expect((await h.postEvent(event, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } })).status).toBe(200);
    expect((await h.postEvent(event, { headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' } })).status).toBe(200);
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length >= 1);
    await settle(300);
    expect(h.api.callsOf('chat.postMessage')).toHaveLength(1);
    expect(h.logs.lines.filter((l) => l['msg'] === 'slack duplicate ignored').length).toBeGreaterThanOrEqual(2);
  });

  it('retries arriving together, at two instances sharing the store, are answered once', async () => {
    const api = h.api;
    const other = await startHarness({ assistant, store, api });
    try {
      const event = appMention(`<@${BOT_USER}> differenza con la tendinite calcifica?`);
      const sends = [h, other, h, other, other, h].map((instance, i) =>
        instance.postEvent(event, i === 0 ? {} : { headers: { 'x-slack-retry-num': String(i), 'x-slack-retry-reason': 'http_timeout' } }),
      );
      for (const res of await Promise.all(sends)) expect(res.status).toBe(200);
      await api.waitFor(() => api.callsOf('chat.postMessage').length >= 1);
      await settle(300);
      expect(api.callsOf('chat.postMessage')).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('the same message delivered as app_mention and as message.im is answered once', async () => {
    const ts = messageTs();
    await h.postEvent(directMessage(`<@${BOT_USER}> ciao`, { ts }));
    await h.postEvent(appMention(`<@${BOT_USER}> ciao`, { ts, channel: 'D0DOCTOR1' }));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length >= 1);
    await settle(300);
    expect(h.api.callsOf('chat.postMessage')).toHaveLength(1);
    expect(h.api.callsOf('chat.postMessage')[0]!.params['thread_ts']).toBeUndefined();
  });
});

/** A service whose answers wait until `release()` is called: a turn still running. */
function heldService(): { service: ConversationService; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const service: ConversationService = {
    handle: async (request: TurnRequest): Promise<Reply[]> => {
      await gate;
      return new StatelessConversationService(assistant).handle(request);
    },
  };
  return { service, release };
}

describe('acknowledgement comes before the work', () => {
  it('acks within Slack’s 3 seconds even when the answer takes longer', async () => {
    const { service: slow, release } = heldService();
    const api = await new FakeSlackApi().start();
    const slowBot = await startHarness({ assistant, store, service: slow, api });
    try {
      const started = Date.now();
      const res = await slowBot.postEvent(appMention(`<@${BOT_USER}> ciao`));
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1_000);
      await settle(100);
      expect(api.calls).toEqual([]);
      release();
      await api.waitFor(() => api.callsOf('chat.postMessage').length === 1);
    } finally {
      release();
      await slowBot.close();
      await api.close();
    }
  });

  it('on shutdown, questions already acknowledged are still answered', async () => {
    const { service: slow, release } = heldService();
    const api = await new FakeSlackApi().start();
    const bot = await startHarness({ assistant, store, service: slow, api });
    try {
      expect((await bot.postEvent(appMention(`<@${BOT_USER}> ciao`))).status).toBe(200);
      const stopping = bot.channel.stop!();
      setTimeout(release, 200);
      await stopping;
      expect(api.callsOf('chat.postMessage')).toHaveLength(1);
    } finally {
      release();
      await bot.close();
      await api.close();
    }
  });

  it('while the server shuts down, an event is refused with 503 so that Slack sends it again', async () => {
    class DrainingService implements ConversationService {
      readonly isDraining = true;
      async handle(): Promise<Reply[]> {
        throw new Error('shutting down');
      }
    }
    const api = await new FakeSlackApi().start();
    const bot = await startHarness({ assistant, store, service: new DrainingService(), api });
    try {
      const event = appMention(`<@${BOT_USER}> ciao`);
      expect((await bot.postEvent(event)).status).toBe(503);
      await settle(200);
      expect(api.calls).toEqual([]);
      // Not recorded as processed: the retry, at a live instance, is answered.
      expect((await h.postEvent(event, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_error' } })).status).toBe(200);
      await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1);
    } finally {
      await bot.close();
      await api.close();
    }
  });

  it('a turn that fails is not silent: the user is told to try again', async () => {
    const failing: ConversationService = { handle: async () => Promise.reject(new Error('engine down')) };
    const api = await new FakeSlackApi().start();
    const bot = await startHarness({ assistant, store, service: failing, api });
    try {
      await bot.postEvent(appMention(`<@${BOT_USER}> ciao`));
      await api.waitFor(() => api.callsOf('chat.postMessage').length === 1);
      expect(api.callsOf('chat.postMessage')[0]!.params['text']).toMatch(/riprova tra poco.*try again/);
      expect(bot.logs.has('slack turn failed')).toBe(true);
    } finally {
      await bot.close();
      await api.close();
    }
  });
});

describe('Slack rate limits', () => {
  it('a 429 with Retry-After is waited out and the answer is posted once', async () => {
    h.api.rateLimit('chat.postMessage', 1, 1);
    const started = Date.now();
    await h.postEvent(appMention(`<@${BOT_USER}> neridronato adulto`));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1, 10_000);
    expect(h.api.callsOf('chat.postMessage#429')).toHaveLength(1);
    const retried = h.api.callsOf('chat.postMessage')[0]!;
    const limited = h.api.callsOf('chat.postMessage#429')[0]!;
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - started).toBeLessThan(8_000);
    await settle(300);
    expect(h.api.callsOf('chat.postMessage')).toHaveLength(1);
  });
});

describe('the workspace allowlist (SLACK_TEAM_IDS)', () => {
  let gated: Harness;
  beforeAll(async () => {
    gated = await startHarness({ assistant, store, env: { SLACK_TEAM_IDS: `${TEAM},T0SECOND` } });
  });
  afterAll(async () => gated.close());

  it('refuses an event from another workspace: acknowledged, not answered, logged without the text', async () => {
    const secret = 'neridronato paziente ROSSI MARIO 18 kg';
    const res = await gated.postEvent(appMention(`<@${BOT_USER}> ${secret}`, { team: 'T0STRANGER' }));
    expect(res.status).toBe(200);
    await settle(300);
    expect(gated.api.calls).toEqual([]);
    const refusal = gated.logs.lines.find((l) => l['msg'] === 'slack request from a workspace not in SLACK_TEAM_IDS ignored');
    expect(refusal).toMatchObject({ teamId: 'T0STRANGER', type: 'event:app_mention' });
    expect(JSON.stringify(gated.logs.lines)).not.toContain('ROSSI');
  });

  it('acknowledges the enrolment form submitted from another workspace at once, with the reason on the form', async () => {
    const payload = {
      type: 'view_submission',
      team: { id: 'T0STRANGER', domain: 'altrove' },
      user: { id: 'U0STRANGER', team_id: 'T0STRANGER' },
      api_app_id: 'A0APP0001',
      trigger_id: '1.2.view',
      view: { id: 'V0MODAL09', type: 'modal', callback_id: ENROL_VIEW_CALLBACK_ID, private_metadata: '{"lang":"it"}', state: { values: {} } },
      response_urls: [],
    };
    // Left unacknowledged, Bolt would answer 404 after its 3-second wait, and Slack show a generic error.
    const res = await gated.postForm({ payload: JSON.stringify(payload) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ response_action: 'errors', errors: { code: expect.stringContaining('non è abilitata per questo workspace') } });
    expect(gated.api.calls).toEqual([]);
  });

  it('answers a workspace on the list', async () => {
    await gated.postEvent(appMention(`<@${BOT_USER}> ciao`, { team: 'T0SECOND' }));
    await gated.api.waitFor(() => gated.api.callsOf('chat.postMessage').length === 1);
  });
});

describe('logs', () => {
  it('never carry what a user typed at info level', async () => {
    await h.postEvent(appMention(`<@${BOT_USER}> neridronato per il paziente BIANCHI 18 kg`));
    await h.api.waitFor(() => h.api.callsOf('chat.postMessage').length === 1);
    await settle();
    expect(h.logs.has('slack turn answered')).toBe(true);
    expect(JSON.stringify(h.logs.lines)).not.toContain('BIANCHI');
  });
});
