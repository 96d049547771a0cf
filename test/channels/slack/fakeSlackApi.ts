/**
 * A loopback stand-in for Slack's side of the conversation: the Web API (chat.postMessage,
 * views.publish, conversations.open, …) at `${url}/api/`, and response_urls at `${url}/response/<id>`.
 * It records every call, answers like Slack does, and can answer 429 with Retry-After to test
 * that the bot waits and retries. Used by the Slack tests and bench/slack.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConditionWaiters } from './conditionWaiters.js';

export interface ApiCall {
  method: string;
  /** Form fields or JSON body, as sent; `blocks` and `view` stay as sent (JSON text in a form). */
  params: Record<string, unknown>;
  authorization: string | undefined;
  at: number;
}

export interface ResponseUrlCall {
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export class FakeSlackApi {
  readonly calls: ApiCall[] = [];
  private readonly counts = new Map<string, number>();
  private readonly failures = new Map<string, { remaining: number; status: number; body: string }>();
  readonly responses: ResponseUrlCall[] = [];
  /** Rate-limited answers still to give, per method, with their Retry-After in seconds. */
  private readonly rateLimits = new Map<string, { remaining: number; retryAfterS: number }>();
  private readonly waiters = new ConditionWaiters();
  private server: Server | undefined;
  private nextTs = 1_700_000_000_000_000;
  url = '';
  /** chat.postMessage to these channels answers ok: false with this error (e.g. not_in_channel). */
  readonly channelErrors = new Map<string, string>();
  /** What apps.connections.open answers (a FakeSocketMode's url). */
  socketModeUrl = '';

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** What SLACK_HOOKS_URL is set to, so that the channel posts to this stand-in's response_urls. */
  get hooksUrl(): string {
    return `${this.url}/response/`;
  }

  responseUrl(id: string): string {
    return `${this.url}/response/${id}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The next `times` calls of `method` (or of `response:<id>`, a response_url) get 429 with Retry-After: `retryAfterS`. */
  rateLimit(method: string, times: number, retryAfterS: number): void {
    this.rateLimits.set(method, { remaining: times, retryAfterS });
  }

  /** The next `times` calls of `method` get HTTP `status` with `body` (a 5xx, a proxy's page, …). */
  fail(method: string, times: number, status: number, body = ''): void {
    this.failures.set(method, { remaining: times, status, body });
  }

  reset(): void {
    this.failures.clear();
    this.calls.length = 0;
    this.counts.clear();
    this.responses.length = 0;
    this.rateLimits.clear();
    this.channelErrors.clear();
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** How many calls of `method` arrived, without a scan (a waitFor condition runs after every call). */
  countOf(method: string): number {
    return this.counts.get(method) ?? 0;
  }

  /** Resolves when `ready()` holds, checked after every call received; rejects after `timeoutMs`. */
  waitFor(ready: () => boolean, timeoutMs = 5_000): Promise<void> {
    return this.waiters.waitFor(ready, timeoutMs, () => `fake Slack API (calls: ${this.calls.map((c) => c.method).join(', ') || 'none'}; responses: ${this.responses.length})`);
  }


  private notify(): void {
    this.waiters.notify();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/response/')) {
      const id = path.slice('/response/'.length);
      const limitedUrl = this.rateLimits.get(`response:${id}`);
      if (limitedUrl && limitedUrl.remaining > 0) {
        limitedUrl.remaining -= 1;
        this.calls.push({ method: `response:${id}#429`, params: {}, authorization: undefined, at: Date.now() });
        res.writeHead(429, { 'retry-after': String(limitedUrl.retryAfterS) }).end();
        this.notify();
        return;
      }
      this.responses.push({ id: path.slice('/response/'.length), body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {}, at: Date.now() });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      this.notify();
      return;
    }
    if (!path.startsWith('/api/')) {
      res.writeHead(404).end();
      return;
    }
    const method = path.slice('/api/'.length);
    const limited = this.rateLimits.get(method);
    if (limited && limited.remaining > 0) {
      limited.remaining -= 1;
      res.writeHead(429, { 'retry-after': String(limited.retryAfterS), 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      this.calls.push({ method: `${method}#429`, params: {}, authorization: req.headers.authorization, at: Date.now() });
      this.notify();
      return;
    }
    const failure = this.failures.get(method);
    if (failure && failure.remaining > 0) {
      failure.remaining -= 1;
      res.writeHead(failure.status, { 'content-type': 'text/html' }).end(failure.body);
      this.calls.push({ method: `${method}#${failure.status}`, params: {}, authorization: req.headers.authorization, at: Date.now() });
      this.notify();
      return;
    }
    const params: Record<string, unknown> = (req.headers['content-type'] ?? '').startsWith('application/json')
      ? (JSON.parse(raw || '{}') as Record<string, unknown>)
      : Object.fromEntries(new URLSearchParams(raw));
    this.calls.push({ method, params, authorization: req.headers.authorization, at: Date.now() });
    this.counts.set(method, this.countOf(method) + 1);
    const body = this.answer(method, params);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    this.notify();
  }

  private answer(method: string, params: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'chat.postMessage':
      case 'chat.postEphemeral': {
        const error = this.channelErrors.get(String(params['channel']));
        if (error) return { ok: false, error };
        this.nextTs += 1;
        return { ok: true, channel: params['channel'], ts: `${Math.floor(this.nextTs / 1e6)}.${String(this.nextTs % 1e6).padStart(6, '0')}` };
      }
      case 'views.publish':
        return { ok: true, view: { id: 'V0001' } };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(params['users'] ?? 'X').replace(/^U/, '')}` } };
      case 'apps.connections.open':
        return { ok: true, url: this.socketModeUrl };
      case 'auth.test':
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' };
      default:
        return { ok: true };
    }
  }
}

/** The blocks of a recorded chat.postMessage (sent as JSON text in a form field). */
export function blocksOf(call: ApiCall): Array<Record<string, unknown>> {
  const blocks = call.params['blocks'];
  if (typeof blocks === 'string') return JSON.parse(blocks) as Array<Record<string, unknown>>;
  return Array.isArray(blocks) ? (blocks as Array<Record<string, unknown>>) : [];
}
