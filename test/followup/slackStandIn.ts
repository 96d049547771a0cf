/**
 * A loopback stand-in for the Slack Web API methods reminders use: chat.postMessage (stores
 * the message with its metadata, answers a unique ts), chat.update (replaces a stored message's
 * text and blocks, and its metadata when the update carries some), conversations.history (newest first,
 * oldest/latest/inclusive, cursor pages, metadata only with include_all_metadata, as Slack does)
 * and conversations.members (the coordinators' channel, from `members`).
 * Point a WebClient at it with slackApiUrl = standIn.url.
 *
 * Faults on demand: answer 429 with Retry-After until a given instant, and "hold" the responses
 * to one token (the message is stored, the answer never comes): the state of a worker that
 * crashed after Slack posted its message and before it could record the send.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredMessage {
  ts: string;
  channel: string;
  text: string;
  blocks: unknown;
  metadata: { event_type: string; event_payload: Record<string, unknown> } | null;
  token: string;
}

export interface SlackStandIn {
  url: string;
  messages: StoredMessage[];
  /** chat.postMessage requests answered 429. */
  rateLimited: number;
  historyCalls: number;
  membersCalls: number;
  /** Every chat.update, as asked for. */
  updates: Array<{ channel: string; ts: string; text: string; blocks: unknown; metadata: StoredMessage['metadata'] }>;
  /** Who conversations.members says is in the channel. */
  members: string[];
  /** Messages whose response was held (never answered). */
  held: number;
  /** How many messages carry each idempotency key. */
  keyCounts(): Map<string, number>;
  rateLimitUntil(instant: number, retryAfterSeconds: number): void;
  holdResponsesFor(token: string): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  const params = new URLSearchParams(raw);
  const out: Record<string, unknown> = {};
  for (const [k, v] of params) {
    // WebClient form-encodes objects and arrays as JSON strings.
    out[k] = (k === 'metadata' || k === 'blocks') && (v.startsWith('{') || v.startsWith('[')) ? JSON.parse(v) : v;
  }
  return out;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function tsNumber(ts: string): number {
  return Number(ts);
}

export async function startSlackStandIn(options: { now?: () => number; members?: string[] } = {}): Promise<SlackStandIn> {
  const now = options.now ?? Date.now;
  const messages: StoredMessage[] = [];
  let lastMicros = 0;
  let rateLimit: { until: number; retryAfter: number } | null = null;
  const heldTokens = new Set<string>();

  const standIn: SlackStandIn = {
    url: '',
    messages,
    rateLimited: 0,
    historyCalls: 0,
    membersCalls: 0,
    updates: [],
    members: options.members ?? [],
    held: 0,
    keyCounts() {
      const counts = new Map<string, number>();
      for (const m of messages) {
        const key = m.metadata?.event_payload['key'];
        if (typeof key === 'string') counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    },
    rateLimitUntil(instant, retryAfterSeconds) {
      rateLimit = { until: instant, retryAfter: retryAfterSeconds };
    },
    holdResponsesFor(token) {
      heldTokens.add(token);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  function nextTs(): string {
    const micros = Math.max(now() * 1000, lastMicros + 1);
    lastMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const body = await readBody(req);
    if (method === 'chat.postMessage') {
      if (rateLimit !== null && now() < rateLimit.until) {
        standIn.rateLimited += 1;
        json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(rateLimit.retryAfter) });
        return;
      }
      const channel = String(body['channel'] ?? '');
      if (channel === '') {
        json(res, 200, { ok: false, error: 'channel_not_found' });
        return;
      }
      const metadata = body['metadata'] as StoredMessage['metadata'] | undefined;
      const ts = nextTs();
      messages.push({ ts, channel, text: String(body['text'] ?? ''), blocks: body['blocks'], metadata: metadata ?? null, token });
      if (heldTokens.has(token)) {
        standIn.held += 1;
        return; // stored, never answered: the worker dies waiting
      }
      json(res, 200, { ok: true, channel, ts, message: { ts, text: body['text'] } });
      return;
    }
    if (method === 'chat.update') {
      const channel = String(body['channel'] ?? '');
      const ts = String(body['ts'] ?? '');
      const metadata = (body['metadata'] as StoredMessage['metadata'] | undefined) ?? null;
      standIn.updates.push({ channel, ts, text: String(body['text'] ?? ''), blocks: body['blocks'], metadata });
      const message = messages.find((m) => m.channel === channel && m.ts === ts);
      if (message === undefined) {
        json(res, 200, { ok: false, error: 'message_not_found' });
        return;
      }
      message.text = String(body['text'] ?? '');
      message.blocks = body['blocks'];
      if (metadata !== null) message.metadata = metadata;
      json(res, 200, { ok: true, channel, ts, text: message.text });
      return;
    }
    if (method === 'conversations.history') {
      standIn.historyCalls += 1;
      const channel = String(body['channel'] ?? '');
      const inclusive = body['inclusive'] === true || body['inclusive'] === 'true' || body['inclusive'] === '1';
      const oldest = body['oldest'] === undefined ? 0 : Number(body['oldest']);
      const latest = body['latest'] === undefined ? Number.POSITIVE_INFINITY : Number(body['latest']);
      const limit = Math.min(999, Math.max(1, Number(body['limit'] ?? 100)));
      const withMetadata = body['include_all_metadata'] === true || body['include_all_metadata'] === 'true';
      const offset = body['cursor'] ? Number(Buffer.from(String(body['cursor']), 'base64').toString('utf8')) : 0;
      const inRange = messages.filter((m) => {
        const t = tsNumber(m.ts);
        return m.channel === channel && (inclusive ? t >= oldest && t <= latest : t > oldest && t < latest);
      });
      inRange.reverse();
      const page = inRange.slice(offset, offset + limit);
      const more = offset + limit < inRange.length;
      json(res, 200, {
        ok: true,
        messages: page.map((m) => ({ type: 'message', ts: m.ts, text: m.text, ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}) })),
        has_more: more,
        response_metadata: { next_cursor: more ? Buffer.from(String(offset + limit)).toString('base64') : '' },
      });
      return;
    }
    if (method === 'conversations.members') {
      standIn.membersCalls += 1;
      json(res, 200, { ok: true, members: standIn.members, response_metadata: { next_cursor: '' } });
      return;
    }
    json(res, 200, { ok: false, error: 'unknown_method' });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { ok: false, error: 'internal' });
    });
  });
  // A killed client leaves held sockets behind; they must not keep the server from closing.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  standIn.url = `http://127.0.0.1:${port}/api/`;
  const close = standIn.close;
  standIn.close = async () => {
    server.closeAllConnections();
    await close();
  };
  return standIn;
}
