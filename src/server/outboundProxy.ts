/**
 * Every call the server makes to the outside (Slack's Web API and Socket Mode, the Bot Connector,
 * the Bot Framework's token and signing-key fetches, reminders) goes through the hospital's HTTP
 * proxy when HTTPS_PROXY / HTTP_PROXY are set, except to the hosts NO_PROXY names. The decision is
 * made here, per URL, with proxy-from-env's rules (what axios, npm and most Node tools follow):
 *
 * - the proxy is the one for the URL's scheme (`https_proxy` for https: and wss:, `http_proxy` for
 *   http: and ws:); lower case wins over upper case;
 * - NO_PROXY is a list separated by commas or spaces: `*` means no proxy at all; `name` that host
 *   exactly; `.name` or `*.name` any host ending so; any entry with `:port` only that port.
 *
 * The libraries reach the network three ways, and each gets the decision its own way:
 * - undici (Slack's WebClient through `fetch`, Socket Mode's WebSocket):
 *   `dispatcher`, and `fetch` built on it;
 * - node's http/https with an agent (the Bot Connector's client, through `connectorPolicy`):
 *   `agentFor`;
 * - node's http/https with no agent at all: botframework-connector creates MSAL's client (the
 *   bot's token) with no network option, and fetches the OpenID metadata and signing keys with
 *   node-fetch taking at most a proxy's host and port (no credentials, no NO_PROXY), so `install()`
 *   puts the decision into node's global agents, and into undici's global dispatcher for any
 *   `fetch` that names none (the response_urls' posts, the reminders' WebClients).
 *
 * Without the variables nothing here is installed or passed, and every call goes direct as before.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { Agent as AgentBase, type AgentConnectOpts } from 'agent-base';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { Agent as UndiciAgent, Pool, ProxyAgent, fetch as undiciFetch, setGlobalDispatcher, type Dispatcher } from 'undici';
import type { Config } from '../config.js';
import type { Logger } from '../logging.js';

export type ProxyVariables = Pick<Config, 'HTTPS_PROXY' | 'https_proxy' | 'HTTP_PROXY' | 'http_proxy' | 'NO_PROXY' | 'no_proxy'>;

export interface ProxySettings {
  httpsProxy: URL | undefined;
  httpProxy: URL | undefined;
  /** NO_PROXY's entries, lower case. */
  noProxy: readonly string[];
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };

export function proxySettings(vars: ProxyVariables): ProxySettings {
  const url = (value: string | undefined): URL | undefined => (value ? new URL(value) : undefined);
  return {
    httpsProxy: url(vars.https_proxy ?? vars.HTTPS_PROXY),
    httpProxy: url(vars.http_proxy ?? vars.HTTP_PROXY),
    noProxy: (vars.no_proxy ?? vars.NO_PROXY ?? '')
      .toLowerCase()
      .split(/[,\s]+/)
      .filter(Boolean),
  };
}

/** Does NO_PROXY send this host and port direct? */
function bypassed(noProxy: readonly string[], hostname: string, port: number): boolean {
  return noProxy.some((entry) => {
    if (entry === '*') return true;
    const withPort = /^(.+):(\d+)$/.exec(entry);
    const host = withPort ? withPort[1]! : entry;
    if (withPort && Number(withPort[2]) !== port) return false;
    if (host.startsWith('*')) return hostname.endsWith(host.slice(1));
    if (host.startsWith('.')) return hostname.endsWith(host);
    return hostname === host;
  });
}

/** The proxy a call to `target` goes through, or undefined when it goes direct. */
export function proxyFor(settings: ProxySettings, target: string | URL): URL | undefined {
  const url = typeof target === 'string' ? new URL(target) : target;
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  const proxy = secure ? settings.httpsProxy : url.protocol === 'http:' || url.protocol === 'ws:' ? settings.httpProxy : undefined;
  if (!proxy) return undefined;
  // URL.hostname keeps an IPv6 address's brackets, as NO_PROXY writes it ([::1]).
  const port = url.port ? Number(url.port) : (DEFAULT_PORTS[url.protocol] ?? 0);
  return bypassed(settings.noProxy, url.hostname.toLowerCase(), port) ? undefined : proxy;
}

/**
 * A node agent that decides per request: through a proxy agent (CONNECT for https, absolute-form
 * requests for http), or a plain keep-alive agent of its own.
 */
class RoutingAgent extends AgentBase {
  private readonly direct: http.Agent;
  private readonly viaProxy = new Map<string, http.Agent>();

  constructor(
    private readonly settings: ProxySettings,
    secure: boolean,
  ) {
    super({ keepAlive: true });
    this.protocol = secure ? 'https:' : 'http:';
    this.direct = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  connect(_req: http.ClientRequest, options: AgentConnectOpts): http.Agent | Duplex {
    const scheme = options.secureEndpoint ? 'https:' : 'http:';
    const host = options.host ?? 'localhost';
    const target = new URL(`${scheme}//${host.includes(':') ? `[${host}]` : host}:${options.port}/`);
    const proxy = proxyFor(this.settings, target);
    if (!proxy) return this.direct;
    const key = `${scheme}${proxy.href}`;
    let agent = this.viaProxy.get(key);
    if (!agent) {
      agent = options.secureEndpoint ? new HttpsProxyAgent(proxy, { keepAlive: true }) : new HttpProxyAgent(proxy, { keepAlive: true });
      this.viaProxy.set(key, agent);
    }
    return agent;
  }

  override destroy(): void {
    this.direct.destroy();
    for (const agent of this.viaProxy.values()) agent.destroy();
    super.destroy();
  }
}

/** The request-policy factory shape botframework-connector's clients take (`requestPolicyFactories`). */
export interface ConnectorRequestPolicyFactory {
  create(nextPolicy: { sendRequest(request: { url: string; agent?: unknown }): Promise<unknown> }): {
    sendRequest(request: { url: string; agent?: unknown }): Promise<unknown>;
  };
}

export class OutboundProxy {
  private agents: { http: RoutingAgent; https: RoutingAgent } | undefined;
  private routingDispatcher: Dispatcher | undefined;

  constructor(readonly settings: ProxySettings) {}

  /** True when HTTPS_PROXY or HTTP_PROXY is set: something may go through a proxy. */
  get enabled(): boolean {
    return this.settings.httpsProxy !== undefined || this.settings.httpProxy !== undefined;
  }

  proxyFor(target: string | URL): URL | undefined {
    return proxyFor(this.settings, target);
  }

  /** A node agent for calls to URLs of `target`'s scheme; undefined without a proxy configured. */
  agentFor(target: string | URL): http.Agent | undefined {
    if (!this.enabled) return undefined;
    this.agents ??= { http: new RoutingAgent(this.settings, false), https: new RoutingAgent(this.settings, true) };
    const protocol = (typeof target === 'string' ? new URL(target) : target).protocol;
    return protocol === 'https:' || protocol === 'wss:' ? this.agents.https : this.agents.http;
  }

  /**
   * An undici dispatcher that sends each origin through its proxy (http: origins as absolute-form
   * requests, https: ones through a CONNECT tunnel) or direct; undefined without a proxy configured.
   */
  get dispatcher(): Dispatcher | undefined {
    if (!this.enabled) return undefined;
    this.routingDispatcher ??= new UndiciAgent({
      factory: (origin: string | URL, options: object): Dispatcher => {
        const url = new URL(origin);
        const proxy = this.proxyFor(url);
        if (!proxy) return new Pool(url, options);
        return new ProxyAgent({ ...options, uri: proxy.href, proxyTunnel: url.protocol !== 'http:' });
      },
    });
    return this.routingDispatcher;
  }

  /** `fetch` over `dispatcher` (for Slack's WebClient); undefined without a proxy configured. */
  get fetch(): typeof globalThis.fetch | undefined {
    const dispatcher = this.dispatcher;
    if (!dispatcher) return undefined;
    return ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
      undiciFetch(input, { ...init, dispatcher })) as unknown as typeof globalThis.fetch;
  }

  /**
   * For botframework-connector's Bot Connector client: its pipeline would otherwise read the
   * proxy variables itself, with rules of its own (no `*`, no ports). Undefined without a proxy.
   */
  get connectorPolicy(): ConnectorRequestPolicyFactory | undefined {
    if (!this.enabled) return undefined;
    return {
      create: (nextPolicy) => ({
        sendRequest: (request) => {
          request.agent = this.agentFor(request.url);
          return nextPolicy.sendRequest(request);
        },
      }),
    };
  }

  /**
   * Puts the decision into node's global agents and undici's global dispatcher, for the calls that
   * take no agent from us (see above). Once per process, by the composition root; nothing without a
   * proxy configured.
   */
  install(): void {
    if (!this.enabled) return;
    this.agentFor('http://x');
    const agents = this.agents!;
    http.globalAgent = agents.http;
    // An https agent in all but its class: node's https module only calls addRequest() on it.
    https.globalAgent = agents.https as unknown as https.Agent;
    setGlobalDispatcher(this.dispatcher!);
  }
}

const byVariables = new Map<string, OutboundProxy>();

/** The process's OutboundProxy for these variables: one set of agents and pools, however many clients use it. */
export function outboundProxy(vars: ProxyVariables): OutboundProxy {
  const settings = proxySettings(vars);
  const key = JSON.stringify([settings.httpsProxy?.href, settings.httpProxy?.href, settings.noProxy]);
  let proxy = byVariables.get(key);
  if (!proxy) {
    proxy = new OutboundProxy(settings);
    byVariables.set(key, proxy);
  }
  return proxy;
}

/**
 * For `pdta serve`: the process's outbound calls follow the proxy variables from here on, and the
 * start-up log says where they go (the proxies' addresses without their credentials).
 */
export function routeOutboundCalls(vars: ProxyVariables, logger: Logger): OutboundProxy {
  const proxy = outboundProxy(vars);
  if (!proxy.enabled) return proxy;
  proxy.install();
  const shown = (url: URL | undefined): string | undefined => (url ? `${url.protocol}//${url.host}` : undefined);
  logger.info({ httpsProxy: shown(proxy.settings.httpsProxy), httpProxy: shown(proxy.settings.httpProxy), noProxy: proxy.settings.noProxy }, 'outbound calls go through the proxy');
  return proxy;
}
