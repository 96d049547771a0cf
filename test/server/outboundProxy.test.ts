/**
 * The outbound-proxy decision (src/server/outboundProxy.ts): which proxy a URL goes through under
 * proxy-from-env's rules, and the clients built from it reaching a loopback proxy stand-in that
 * must see each call. The whole server through a proxy: test/server/outboundProxy.serve.test.ts.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config.js';
import { OutboundProxy, proxyFor, proxySettings, type ProxyVariables } from '../../src/server/outboundProxy.js';
import { FakeSlackApi } from '../channels/slack/fakeSlackApi.js';
import { ProxyStandIn } from './proxyStandIn.js';

const P = 'http://proxy.hospital.example:3128/';

function decide(vars: Partial<ProxyVariables>, url: string): string | undefined {
  return proxyFor(proxySettings(ConfigSchema.parse(vars)), url)?.href;
}

describe('which calls go through the proxy', () => {
  it('the proxy for the URL’s scheme; none without the variables', () => {
    expect(decide({}, 'https://slack.com/api/chat.postMessage')).toBeUndefined();
    expect(decide({ HTTPS_PROXY: P }, 'https://slack.com/api/')).toBe(P);
    expect(decide({ HTTPS_PROXY: P }, 'wss://wss-primary.slack.com/link')).toBe(P);
    expect(decide({ HTTPS_PROXY: P }, 'http://slack.test/api/')).toBeUndefined();
    expect(decide({ HTTP_PROXY: P }, 'http://slack.test/api/')).toBe(P);
    expect(decide({ HTTP_PROXY: P }, 'https://slack.com/api/')).toBeUndefined();
  });

  it('lower case wins over upper case; a bare host:port is an http:// proxy', () => {
    expect(decide({ HTTPS_PROXY: 'http://upper:1/', https_proxy: 'http://lower:2/' }, 'https://slack.com/')).toBe('http://lower:2/');
    expect(decide({ HTTPS_PROXY: 'proxy.hospital.example:3128' }, 'https://slack.com/')).toBe(P);
    expect(decide({ NO_PROXY: 'slack.com', no_proxy: 'example.org', HTTPS_PROXY: P }, 'https://slack.com/')).toBe(P);
  });

  it('NO_PROXY: exact names, suffixes, ports, *', () => {
    const vars = { HTTPS_PROXY: P, HTTP_PROXY: P, NO_PROXY: 'localhost, 127.0.0.1 .intranet.example,*.lan.example,teams.example:8443,[::1]' };
    expect(decide(vars, 'http://localhost:3978/')).toBeUndefined();
    expect(decide(vars, 'http://127.0.0.1:9/')).toBeUndefined();
    expect(decide(vars, 'http://[::1]:9/')).toBeUndefined();
    expect(decide(vars, 'https://wiki.intranet.example/')).toBeUndefined();
    expect(decide(vars, 'https://a.b.lan.example/')).toBeUndefined();
    // An exact name is that host only, not its subdomains (proxy-from-env's rule).
    expect(decide({ ...vars, NO_PROXY: 'slack.com' }, 'https://api.slack.com/')).toBe(P);
    expect(decide({ ...vars, NO_PROXY: 'slack.com' }, 'https://slack.com/')).toBeUndefined();
    expect(decide(vars, 'https://teams.example:8443/')).toBeUndefined();
    expect(decide(vars, 'https://teams.example/')).toBe(P);
    expect(decide(vars, 'https://login.botframework.com/')).toBe(P);
    expect(decide({ ...vars, NO_PROXY: '*' }, 'https://login.botframework.com/')).toBeUndefined();
  });

  it('refuses a proxy that is not http(s), naming the variable and not echoing the value', () => {
    expect(() => ConfigSchema.parse({ HTTPS_PROXY: 'socks5://user:secret@proxy:1080' })).toThrow(/http:\/\/ or https:\/\/ proxy address/);
  });
});

describe('the clients built from the decision reach the proxy', () => {
  let proxy: ProxyStandIn;
  let slack: FakeSlackApi;

  beforeAll(async () => {
    slack = await new FakeSlackApi().start();
    proxy = await new ProxyStandIn({ 'slack.test': new URL(slack.url).host }).start();
  });

  afterAll(async () => {
    await proxy.close();
    await slack.close();
  });

  const outbound = (extra: Partial<ProxyVariables> = {}): OutboundProxy =>
    new OutboundProxy(proxySettings(ConfigSchema.parse({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, ...extra })));

  it('fetch (Slack’s WebClient) sends an http: call as an absolute-form request, and gets the answer', async () => {
    const res = await outbound().fetch!('http://slack.test/api/auth.test', { method: 'POST', headers: { authorization: 'Bearer xoxb-1' } });
    expect(res.status).toBe(200);
    expect(proxy.targets()).toContain('http://slack.test/api/auth.test');
    expect(slack.callsOf('auth.test')).toHaveLength(1);
  });

  it('an https: call is a CONNECT tunnel to host:port, for undici and for node’s agents alike', async () => {
    await expect(outbound().fetch!('https://slack.com/api/auth.test')).rejects.toThrow();
    await proxy.waitFor('slack.com:443');
    const agent = outbound().agentFor('https://login.botframework.com/');
    await new Promise<void>((resolve) => {
      const req = httpsRequest('https://login.botframework.com/v1/.well-known/openidconfiguration', { agent }, () => resolve());
      req.on('error', () => resolve());
      req.end();
    });
    await proxy.waitFor('login.botframework.com:443');
  });

  it('node’s http agent sends absolute-form requests through the proxy', async () => {
    const agent = outbound().agentFor('http://slack.test/');
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest('http://slack.test/api/auth.test', { method: 'POST', agent }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(proxy.targets()).toContain('http://slack.test/api/auth.test');
  });

  it('a NO_PROXY host goes direct: the proxy sees nothing of it', async () => {
    const before = proxy.calls.length;
    const direct = outbound({ NO_PROXY: '127.0.0.1' });
    const res = await direct.fetch!(`${slack.apiUrl}auth.test`, { method: 'POST' });
    expect(res.status).toBe(200);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${slack.apiUrl}auth.test`, { method: 'POST', agent: direct.agentFor(slack.apiUrl) }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(proxy.calls.length).toBe(before);
  });

  it('without the variables nothing is built: every client goes direct as before', () => {
    const none = new OutboundProxy(proxySettings(ConfigSchema.parse({})));
    expect(none.enabled).toBe(false);
    expect(none.dispatcher).toBeUndefined();
    expect(none.fetch).toBeUndefined();
    expect(none.agentFor('https://slack.com/')).toBeUndefined();
    expect(none.connectorPolicy).toBeUndefined();
  });
});

describe('a proxy that asks for credentials', () => {
  let proxy: ProxyStandIn;
  let slack: FakeSlackApi;

  beforeAll(async () => {
    slack = await new FakeSlackApi().start();
    proxy = await new ProxyStandIn({ 'slack.test': new URL(slack.url).host }).start();
  });

  afterAll(async () => {
    await proxy.close();
    await slack.close();
  });

  it('gets them from the proxy URL, percent-decoded, from every client', async () => {
    const withCredentials = new URL(proxy.url);
    withCredentials.username = 'pdta';
    withCredentials.password = 'p%40ss';
    const outbound = new OutboundProxy(proxySettings(ConfigSchema.parse({ HTTP_PROXY: withCredentials.href, HTTPS_PROXY: withCredentials.href })));
    expect((await outbound.fetch!('http://slack.test/api/auth.test', { method: 'POST' })).status).toBe(200);
    await new Promise<void>((resolve) => {
      const req = httpsRequest('https://login.botframework.com/', { agent: outbound.agentFor('https://login.botframework.com/') }, () => resolve());
      req.on('error', () => resolve());
      req.end();
    });
    await proxy.waitFor('login.botframework.com:443');
    const expected = `Basic ${Buffer.from('pdta:p@ss').toString('base64')}`;
    expect(proxy.calls.map((c) => c.proxyAuthorization)).toEqual([expected, expected]);
  });
});
