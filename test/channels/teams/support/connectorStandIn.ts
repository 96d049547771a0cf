/**
 * A loopback stand-in for the Bot Framework connector (the `serviceUrl` of an activity): records
 * every activity the bot posts and answers as the connector does, or with the failures a test
 * queues (a 429 with or without Retry-After).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  /** Decoded from the path. */
  conversationId: string;
  /** Set when the bot replied to an activity: POST /v3/conversations/{id}/activities/{replyToId}. */
  replyToId?: string;
  /** Set when the bot replaced one of its activities (updateActivity): PUT /v3/conversations/{id}/activities/{activityId}. */
  updatedActivityId?: string;
  body: Record<string, unknown>;
  /** Size of the request body as sent. */
  bytes: number;
  authorization?: string;
  at: number;
}

interface Failure {
  status: number;
  headers: Record<string, string>;
}

const ACTIVITIES = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;

export class ConnectorStandIn {
  readonly received: Recorded[] = [];
  /** Every send attempt, refused ones included. */
  readonly attempts: Array<{ path: string; status: number; at: number }> = [];
  private readonly failures: Failure[] = [];
  private waiters: Array<() => void> = [];
  private counter = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ConnectorStandIn> {
    // The server's handler needs the stand-in, and the stand-in the server's port: assigned below.
    // eslint-disable-next-line prefer-const
    let standIn: ConnectorStandIn | undefined;
    const server = createServer((req, res) => void standIn!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    standIn = new ConnectorStandIn(server, `http://127.0.0.1:${port}/`);
    return standIn;
  }

  /** The next `count` sends get this answer instead of success. */
  failNext(count: number, status: number, headers: Record<string, string> = {}): void {
    for (let i = 0; i < count; i += 1) this.failures.push({ status, headers });
  }

  reset(): void {
    this.received.length = 0;
    this.attempts.length = 0;
    this.failures.length = 0;
  }

  /** Resolves when at least `count` activities have been recorded. */
  async waitFor(count: number, timeoutMs = 5_000): Promise<Recorded[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`stand-in connector: expected ${count} activities, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.received.slice(0, count);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const match = ACTIVITIES.exec(path);
    const update = req.method === 'PUT' && match?.[2] !== undefined;
    if ((req.method !== 'POST' && !update) || !match) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"NotFound"}}');
      return;
    }
    const failure = this.failures.shift();
    const at = Date.now();
    if (failure) {
      this.attempts.push({ path, status: failure.status, at });
      res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
      res.end(JSON.stringify({ error: { code: 'Throttled', message: 'Too many requests' } }));
      return;
    }
    this.attempts.push({ path, status: 200, at });
    this.counter += 1;
    const recorded: Recorded = {
      method: req.method ?? 'POST',
      path,
      conversationId: decodeURIComponent(match[1]!),
      ...(match[2] ? (update ? { updatedActivityId: decodeURIComponent(match[2]) } : { replyToId: decodeURIComponent(match[2]) }) : {}),
      body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
      bytes: raw.length,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      at,
    };
    this.received.push(recorded);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `sent-${this.counter}` }));
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
