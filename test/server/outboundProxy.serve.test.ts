/**
 * `pdta serve` on a host that reaches the internet only through the hospital's HTTP proxy: every
 * outbound call goes through the proxy stand-in, which must see it. The Slack Web API lives at an
 * http:// name only the proxy can resolve (slack.test), so an answer that arrives went through it;
 * Microsoft's hosts (login.botframework.com, login.microsoftonline.com, the service URL) are reached
 * through CONNECT tunnels to a loopback TLS stand-in whose certificate the process trusts through
 * NODE_EXTRA_CA_CERTS, so a Teams message is checked and answered end to end through the proxy.
 * (The response_url's name, hooks.test, is the proxy's alone too.)
 * A NO_PROXY host goes direct, and without the variables nothing goes to a proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackApi } from '../channels/slack/fakeSlackApi.js';
import { appMention, eventEnvelope, slashCommand } from '../channels/slack/harness.js';
import { slackSignedHeaders } from '../channels/slack/slackSigner.js';
import { personalMessage } from '../channels/teams/support/activities.js';
import { APP_ID, APP_PASSWORD, BOT_FRAMEWORK_HOSTS, BotFrameworkTlsStandIn, opensslAvailable, SERVICE_URL } from './botFrameworkTlsStandIn.js';
import { ProxyStandIn } from './proxyStandIn.js';
import { bin, builtCliExists, cleanEnv, freePort, run, signalGroup, tempDir, waitFor, type RunningProcess } from './serverHarness.js';

const SIGNING_SECRET = 'proxy-test-signing-secret';

interface Server {
  url: string;
  process: RunningProcess;
  stop(): Promise<void>;
}

async function startServe(label: string, env: Record<string, string>): Promise<Server> {
  const dir = tempDir(label);
  const port = await freePort();
  const process = run('node', [bin, 'serve'], {
    env: cleanEnv({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dir.path, LOG_LEVEL: 'info', SHUTDOWN_DELAY_SECONDS: '0', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxb-proxy-test', ...env }),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${label} ready`, async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined), 60_000, 200);
  return {
    url,
    process,
    stop: async () => {
      signalGroup(process, 'SIGTERM');
      await process.exited;
      dir.remove();
    },
  };
}

async function postSlack(url: string, body: Record<string, unknown>): Promise<number> {
  const raw = JSON.stringify(body);
  const res = await fetch(`${url}/slack/events`, { method: 'POST', headers: slackSignedHeaders(SIGNING_SECRET, raw, 'application/json'), body: raw });
  return res.status;
}

describe.skipIf(!builtCliExists() || !opensslAvailable())('pdta serve behind an outbound proxy', () => {
  let slack: FakeSlackApi;
  let microsoft: BotFrameworkTlsStandIn;
  let proxy: ProxyStandIn;
  let certDir: ReturnType<typeof tempDir>;
  let server: Server;

  beforeAll(async () => {
    slack = await new FakeSlackApi().start();
    certDir = tempDir('proxy-cert');
    microsoft = await new BotFrameworkTlsStandIn(certDir.path).start();
    proxy = await new ProxyStandIn({
      'slack.test': new URL(slack.url).host,
      'hooks.test': new URL(slack.url).host,
      ...Object.fromEntries(BOT_FRAMEWORK_HOSTS.map((host) => [`${host}:443`, microsoft.address])),
    }).start();
    server = await startServe('proxied', {
      HTTPS_PROXY: proxy.url,
      http_proxy: proxy.url,
      SLACK_API_URL: 'http://slack.test/api/',
      SLACK_HOOKS_URL: 'http://hooks.test/response/',
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: APP_PASSWORD,
      MicrosoftAppType: 'MultiTenant',
      NODE_EXTRA_CA_CERTS: microsoft.caFile,
    });
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await proxy?.close();
    await microsoft?.close();
    await slack?.close();
    certDir?.remove();
  });

  it('a Slack answer (chat.postMessage) goes through the proxy and arrives', async () => {
    expect(await postSlack(server.url, appMention('<@U0BOT0001> neridronato bambino 18 kg'))).toBe(200);
    await slack.waitFor(() => slack.countOf('chat.postMessage') >= 1, 20_000);
    expect(proxy.targets()).toContain('http://slack.test/api/chat.postMessage');
  });

  it('the Web API client (views.publish for the Home tab) goes through the proxy too', async () => {
    expect(await postSlack(server.url, eventEnvelope({ type: 'app_home_opened', user: 'U0DOCTOR1', channel: 'D0HOME001', tab: 'home' }))).toBe(200);
    await slack.waitFor(() => slack.countOf('views.publish') >= 1, 20_000);
    expect(proxy.targets()).toContain('http://slack.test/api/views.publish');
  });

  it('an answer to /pdta (fetch to the response_url) goes through the proxy too', async () => {
    const form = new URLSearchParams(slashCommand('neridronato bambino 18 kg', 'http://hooks.test/response/proxied-1')).toString();
    const res = await fetch(`${server.url}/slack/events`, { method: 'POST', headers: slackSignedHeaders(SIGNING_SECRET, form, 'application/x-www-form-urlencoded'), body: form });
    expect(res.status).toBe(200);
    await slack.waitFor(() => slack.responses.some((r) => r.id === 'proxied-1'), 20_000);
    expect(proxy.targets()).toContain('http://hooks.test/response/proxied-1');
  });

  it('a Teams message: token keys, the bot’s own token and the reply all go through CONNECT tunnels, and the reply arrives', async () => {
    const activity = personalMessage('neridronato bambino 18 kg', { serviceUrl: SERVICE_URL });
    const res = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: microsoft.authorization() },
      body: JSON.stringify(activity),
    });
    expect(res.status).toBe(200);
    await waitFor('the reply at the Bot Connector', async () => (microsoft.activities.length > 0 ? true : undefined), 20_000);
    expect(JSON.stringify(microsoft.activities[0])).toContain('mg');
    const tunnels = proxy.calls.filter((c) => c.method === 'CONNECT').map((c) => c.target);
    expect(tunnels).toEqual(expect.arrayContaining(['login.botframework.com:443', 'login.microsoftonline.com:443', 'smba.test:443']));
    // Each of Microsoft's calls reached the stand-in only through a tunnel: the names resolve nowhere else.
    expect(new Set(microsoft.seen.map((s) => s.host))).toEqual(new Set(BOT_FRAMEWORK_HOSTS));
  });
});

describe.skipIf(!builtCliExists())('pdta serve with NO_PROXY, and without a proxy', () => {
  let slack: FakeSlackApi;
  let proxy: ProxyStandIn;

  beforeAll(async () => {
    slack = await new FakeSlackApi().start();
    proxy = await new ProxyStandIn({}).start();
  });

  afterAll(async () => {
    await proxy?.close();
    await slack?.close();
  });

  const cases: Array<{ name: string; env: () => Record<string, string> }> = [
    { name: 'a NO_PROXY host goes direct: the proxy sees nothing', env: () => ({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' }) },
    { name: 'without the variables nothing goes to a proxy', env: () => ({}) },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const server = await startServe('no-proxy', { SLACK_API_URL: slack.apiUrl, ...c.env() });
      try {
        const before = slack.countOf('chat.postMessage');
        expect(await postSlack(server.url, appMention('<@U0BOT0001> neridronato bambino 18 kg'))).toBe(200);
        await slack.waitFor(() => slack.countOf('chat.postMessage') > before, 20_000);
        expect(proxy.calls).toEqual([]);
      } finally {
        await server.stop();
      }
    }, 90_000);
  }
});
