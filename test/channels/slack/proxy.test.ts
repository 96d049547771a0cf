/**
 * The Slack channel's own clients through the outbound proxy, as the channel builds them from its
 * configuration (HTTP_PROXY here, src/server/outboundProxy.ts): in Socket Mode, apps.connections.open
 * (the WebClient's fetch), the WebSocket's handshake (Socket Mode's dispatcher) and the answer
 * (the paced WebClient's fetch) all reach Slack's stand-ins only through the proxy stand-in, under names that
 * resolve nowhere else. `pdta serve` as a whole behind a proxy: test/server/outboundProxy.serve.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssistant } from '../../../src/engine/loadAssistant.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { ProxyStandIn } from '../../server/proxyStandIn.js';
import { FakeSlackApi } from './fakeSlackApi.js';
import { FakeSocketMode } from './fakeSocketMode.js';
import { appMention, BOT_USER, startHarness, type Harness } from './harness.js';

let store: Store;
let api: FakeSlackApi;
let socket: FakeSocketMode;
let proxy: ProxyStandIn;
let h: Harness;

beforeAll(async () => {
  store = await openStore({ memory: true });
  api = await new FakeSlackApi().start();
  socket = await new FakeSocketMode().start();
  const socketHost = new URL(socket.url).host;
  api.socketModeUrl = socket.url.replace('127.0.0.1', 'wss-primary.slack.test');
  proxy = await new ProxyStandIn({ 'slack.test': new URL(api.url).host, [`wss-primary.slack.test:${new URL(socket.url).port}`]: socketHost }).start();
  h = await startHarness({
    assistant: loadAssistant(),
    store,
    api,
    env: { SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: 'xapp-1-A0APP0001-proxy', SLACK_API_URL: 'http://slack.test/api/', HTTP_PROXY: proxy.url },
  });
  await h.channel.start?.();
  await socket.waitFor(() => socket.connections === 1, 10_000);
});

afterAll(async () => {
  await h.close();
  await socket.close();
  await proxy.close();
  await api.close();
  await store.close();
});

describe('Socket Mode behind an outbound proxy', () => {
  it('opens the connection and its WebSocket through the proxy', () => {
    expect(proxy.targets()).toContain('http://slack.test/api/apps.connections.open');
    expect(proxy.calls.some((c) => c.method === 'UPGRADE' && c.target.startsWith('http://wss-primary.slack.test:'))).toBe(true);
  });

  it('answers an event through the proxy', async () => {
    socket.push({ envelope_id: 'proxy-env-1', type: 'events_api', accepts_response_payload: false, retry_attempt: 0, retry_reason: '', payload: appMention(`<@${BOT_USER}> neridronato bambino 18 kg`) });
    await socket.waitFor(() => socket.received.some((m) => m['envelope_id'] === 'proxy-env-1'));
    await api.waitFor(() => api.callsOf('chat.postMessage').length === 1, 10_000);
    expect(proxy.targets()).toContain('http://slack.test/api/chat.postMessage');
  });
});
