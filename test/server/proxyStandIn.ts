/**
 * A loopback stand-in for the hospital's outbound HTTP proxy. It records what every proxy sees:
 * absolute-form requests (`POST http://slack.test/api/chat.postMessage`) and CONNECT tunnels
 * (`login.botframework.com:443`), and ws:// handshakes in absolute form. A host named in `routes` is forwarded to its loopback stand-in
 * (so the call still gets its answer); any other gets 502, as a proxy that cannot reach it would
 * answer. The names it is asked for need not resolve anywhere: only the proxy ever sees them.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { ConditionWaiters } from '../channels/slack/conditionWaiters.js';

export interface ProxiedCall {
  /** 'CONNECT' for a tunnel, 'UPGRADE' for a ws:// handshake, else the request's method. */
  method: string;
  /** `http://host/path` for a request, `host:port` for a tunnel. */
  target: string;
  proxyAuthorization: string | undefined;
}

export class ProxyStandIn {
  readonly calls: ProxiedCall[] = [];
  private readonly waiters = new ConditionWaiters();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  url = '';

  /** `host` (absolute-form) or `host:port` (CONNECT) → the loopback `host:port` to forward to. */
  constructor(private readonly routes: Record<string, string> = {}) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.forward(req, res));
    this.server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => this.tunnel(req, client, head));
    this.server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => this.upgrade(req, client, head));
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  targets(): string[] {
    return this.calls.map((c) => c.target);
  }

  /** Resolves when a call whose target starts with `prefix` has reached the proxy. */
  waitFor(prefix: string, timeoutMs = 10_000): Promise<void> {
    return this.waiters.waitFor(() => this.calls.some((c) => c.target.startsWith(prefix)), timeoutMs, () => `proxy stand-in: ${prefix} (saw ${this.targets().join(', ') || 'nothing'})`);
  }

  private record(call: ProxiedCall): void {
    this.calls.push(call);
    this.waiters.notify();
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const target = req.url ?? '';
    this.record({ method: req.method ?? 'GET', target, proxyAuthorization: header(req, 'proxy-authorization') });
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      res.writeHead(400).end('a proxy takes absolute-form requests');
      return;
    }
    const to = this.routes[url.host] ?? this.routes[url.hostname];
    if (!to) {
      res.writeHead(502).end('the proxy stand-in has no route there');
      return;
    }
    const [host, port] = to.split(':');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = request({ host, port: Number(port), method: req.method, path: `${url.pathname}${url.search}`, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  }

  /** An absolute-form WebSocket handshake (ws://): passed on in origin-form, then bytes both ways. */
  private upgrade(req: IncomingMessage, client: Socket, head: Buffer): void {
    const target = req.url ?? '';
    this.record({ method: 'UPGRADE', target, proxyAuthorization: header(req, 'proxy-authorization') });
    let url: URL | undefined;
    try {
      url = new URL(target);
    } catch {
      url = undefined;
    }
    const to = url ? (this.routes[url.host] ?? this.routes[url.hostname]) : undefined;
    if (!url || !to) {
      client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    const lines = [`${req.method ?? 'GET'} ${url.pathname}${url.search} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (!/^proxy-/i.test(req.rawHeaders[i]!)) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    }
    const [host, port] = to.split(':');
    const upstream = connect({ host: host!, port: Number(port) }, () => {
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  }

  private tunnel(req: IncomingMessage, client: Socket, head: Buffer): void {
    const target = req.url ?? '';
    this.record({ method: 'CONNECT', target, proxyAuthorization: header(req, 'proxy-authorization') });
    const to = this.routes[target];
    if (!to) {
      client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    const [host, port] = to.split(':');
    const upstream = connect({ host: host!, port: Number(port) }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}
