/**
 * Socket Mode (SLACK_APP_TOKEN set): the app opens a connection through apps.connections.open,
 * acknowledges each envelope over the WebSocket, answers through the Web API, and answers a
 * redelivered envelope once, and posts only to response_urls on Slack's hooks host. Slack's side is
 * played on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssistant } from '../../../src/engine/loadAssistant.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { FakeSlackApi } from './fakeSlackApi.js';
import { FakeSocketMode } from './fakeSocketMode.js';
import { appMention, BOT_USER, slashCommand, startHarness, type Harness } from './harness.js';

const APP_TOKEN = 'xapp-1-A0APP0001-test';
let store: Store;
let api: FakeSlackApi;
let socket: FakeSocketMode;
let h: Harness;

beforeAll(async () => {
  store = await openStore({ memory: true });
  api = await new FakeSlackApi().start();
  socket = await new FakeSocketMode().start();
  api.socketModeUrl = socket.url;
  h = await startHarness({ assistant: loadAssistant(), store, api, env: { SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: APP_TOKEN } });
  await h.channel.start?.();
  await socket.waitFor(() => socket.connections === 1);
});

afterAll(async () => {
  await h.close();
  await socket.close();
  await api.close();
  await store.close();
});

describe('Socket Mode', () => {
  it('connects with the app-level token and mounts no HTTP route', () => {
    expect(h.channel.routes).toEqual([]);
    expect(api.callsOf('apps.connections.open')[0]!.authorization).toBe(`Bearer ${APP_TOKEN}`);
  });

  it('acknowledges an event envelope and answers the mention in its thread, once even when redelivered', async () => {
    const payload = appMention(`<@${BOT_USER}> neridronato bambino 18 kg`, { ts: '1700000100.000001' });
    socket.push({ envelope_id: 'env-1', type: 'events_api', accepts_response_payload: false, retry_attempt: 0, retry_reason: '', payload });
    await socket.waitFor(() => socket.received.some((m) => m['envelope_id'] === 'env-1'));
    await api.waitFor(() => api.callsOf('chat.postMessage').length === 1);
    expect(api.callsOf('chat.postMessage')[0]!.params).toMatchObject({ channel: 'C0TEAM001', thread_ts: '1700000100.000001' });
    socket.push({ envelope_id: 'env-2', type: 'events_api', accepts_response_payload: false, retry_attempt: 1, retry_reason: 'timeout', payload });
    await socket.waitFor(() => socket.received.some((m) => m['envelope_id'] === 'env-2'));
    await new Promise((r) => setTimeout(r, 300));
    expect(api.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('acknowledges /pdta and answers privately through its response_url', async () => {
    socket.push({ envelope_id: 'env-3', type: 'slash_commands', accepts_response_payload: true, payload: slashCommand('acetazolamide adulto', api.responseUrl('sm1')) });
    await socket.waitFor(() => socket.received.some((m) => m['envelope_id'] === 'env-3'));
    await api.waitFor(() => api.responses.some((r) => r.id === 'sm1'));
    expect(api.responses.find((r) => r.id === 'sm1')!.body).toMatchObject({ response_type: 'ephemeral' });
  });

  it('acknowledges but never answers a command whose response_url is not Slack’s', async () => {
    const elsewhere = await new FakeSlackApi().start();
    try {
      socket.push({ envelope_id: 'env-4', type: 'slash_commands', accepts_response_payload: true, payload: slashCommand('acetazolamide adulto', elsewhere.responseUrl('sm2')) });
      await socket.waitFor(() => socket.received.some((m) => m['envelope_id'] === 'env-4'));
      await new Promise((r) => setTimeout(r, 300));
      expect(elsewhere.responses).toEqual([]);
      expect(api.responses.filter((r) => r.id !== 'sm1')).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });
});
