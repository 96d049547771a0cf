/**
 * `pdta serve` over real HTTP on loopback, as an operator and a developer meet it: health,
 * readiness, metrics that move with use, the playground API answering a clinician's question, the
 * pathway picture, and garbage to every endpoint answered with a 4xx, never a crash.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/reply/model.js';
import { postChat, sample, startTestServer, type TestServer } from './serverHarness.js';

let server: TestServer;
beforeAll(async () => {
  // Slack configured too (offline: its Web API pointed at a closed loopback port), so that its
  // endpoint is among those the garbage reaches; on loopback the playground stays on.
  server = await startTestServer('endpoints', {
    env: { SLACK_SIGNING_SECRET: 'test-signing-secret', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: 'http://127.0.0.1:9/api/' },
  });
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

/**
 * A request fetch() would refuse to send (a GET with a body, odd methods), on a connection of its
 * own so that one answer cannot be mistaken for another's.
 */
function raw(url: string, options: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<{ status: number; body: string }> {
  const target = new URL(options.path, url);
  const length = options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) };
  return new Promise((resolve, reject) => {
    const req = request(target, { method: options.method, agent: false, headers: { ...length, ...options.headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

describe('health and readiness', () => {
  it('/healthz says the process is alive', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz says it is ready, with its channels, store and content version', async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body['status']).toBe('ready');
    expect(body['channels']).toEqual(expect.arrayContaining(['web', 'slack', 'teams']));
    expect(body['store']).toBe('pglite');
    expect(String(body['contentVersion'])).toContain('RCO230');
  });

  it('HEAD works where GET does (load balancers probe with it)', async () => {
    const res = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
    expect(res.status).toBe(200);
  });

  it('an unknown path is 404, a known one with the wrong method 405 with Allow', async () => {
    const missing = await fetch(`${server.url}/no/such/page`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not found' });
    const wrong = await fetch(`${server.url}/api/chat`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    const post = await fetch(`${server.url}/healthz`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
  });
});

describe('the playground API', () => {
  it('answers a dosing question with the reply model, the Slack blocks and the Teams card', async () => {
    const { status, json } = await postChat(server.url, { conversationId: 'api-dose', text: 'neridronato bambino 18 kg' });
    expect(status).toBe(200);
    const replies = json['replies'] as Reply[];
    expect(replies[0]?.kind).toBe('dose');
    expect(JSON.stringify(replies[0]?.blocks)).toContain('36 mg');
    expect(replies[0]?.citations[0]?.section).toMatch(/^4\./);
    const slack = json['slack'] as Array<{ text: string; blocks: unknown[] }>;
    expect(slack.length).toBeGreaterThan(0);
    expect(JSON.stringify(slack[0]?.blocks)).toContain('36 mg');
    const teams = json['teams'] as Array<{ type: string; version: string }>;
    expect(teams[0]).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(JSON.stringify(teams)).toContain('36 mg');
  });

  it('a button value is a turn too, answered in the language asked', async () => {
    const { status, json } = await postChat(server.url, { conversationId: 'api-action', action: 'pdta:dose:therapy.neridronate:adult', lang: 'en' });
    expect(status).toBe(200);
    const replies = json['replies'] as Reply[];
    expect(replies[0]?.lang).toBe('en');
    expect(JSON.stringify(replies[0])).toContain('100 mg');
  });

  it('answers in English when asked in English and lang is auto', async () => {
    const { json } = await postChat(server.url, { conversationId: 'api-en', text: 'what does step 2 involve?', lang: 'auto' });
    expect((json['replies'] as Reply[])[0]?.lang).toBe('en');
  });
});

describe('metrics', () => {
  it('turn counters, latency and HTTP counts move with use', async () => {
    const before = await (await fetch(`${server.url}/metrics`)).text();
    await postChat(server.url, { conversationId: 'metrics-1', text: 'neridronato bambino 18 kg' });
    await postChat(server.url, { conversationId: 'metrics-1', text: 'zoledronato adulto' });
    await postChat(server.url, { conversationId: 'metrics-1', text: '{' }).catch(() => undefined);
    await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'not json' });
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const after = await res.text();
    const doses = 'pdta_turns_total{channel="web",kind="dose"}';
    expect(sample(after, doses) - sample(before, doses)).toBe(2);
    const latency = 'pdta_turn_duration_seconds_count{channel="web"}';
    expect(sample(after, latency) - sample(before, latency)).toBeGreaterThanOrEqual(3);
    const bad = 'pdta_errors_total{kind="bad_request"}';
    expect(sample(after, bad) - sample(before, bad)).toBe(1);
    const ok = 'pdta_http_requests_total{route="/api/chat",method="POST",status="200"}';
    expect(sample(after, ok) - sample(before, ok)).toBeGreaterThanOrEqual(3);
    // Exported for the reminders dispatcher, present (at 0) before the first reminder.
    expect(after).toContain('# TYPE pdta_reminders_sent_total counter');
    expect(after).toContain('pdta_errors_total{kind="turn_failed"} 0');
    expect(after).toContain('process_cpu_user_seconds_total');
  });
});

describe('the pathway picture', () => {
  it('is an SVG in Italian by default and in English on request', async () => {
    const it = await fetch(`${server.url}/pathway.svg`);
    expect(it.status).toBe(200);
    expect(it.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    const svg = await it.text();
    expect(svg).toContain('Step 1 – Visite ed esami iniziali');
    const en = await (await fetch(`${server.url}/pathway.svg?lang=en`)).text();
    expect(en).toContain('Step 3 – Follow-up');
    expect(en).toContain('Orthopaedic visit');
  });

  it('refuses a language it does not have', async () => {
    const res = await fetch(`${server.url}/pathway.svg?lang=fr`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('lang');
  });
});

describe('garbage in, a clear 4xx out, never a crash', () => {
  const chatCases: Array<[string, string | Buffer, RegExp]> = [
    ['bad JSON', '{"conversationId": "x", "text": ', /must be JSON/],
    ['an array', '[1,2,3]', /JSON object/],
    ['null', 'null', /JSON object/],
    ['no fields', '{}', /conversationId/],
    ['no text or action', '{"conversationId":"g1"}', /exactly one of "text".*"action"/],
    ['both text and action', '{"conversationId":"g1","text":"a","action":"b"}', /exactly one/],
    ['wrong types', '{"conversationId":42,"text":["a"]}', /conversationId.*text: must be a string/],
    ['an unknown field', '{"conversationId":"g1","message":"ciao"}', /unknown field "message"/],
    ['a bad language', '{"conversationId":"g1","text":"ciao","lang":"de"}', /lang: must be "it", "en" or "auto"/],
    ['a bad conversation id', '{"conversationId":"a b/../c","text":"ciao"}', /conversationId: must be/],
    ['a too long message', JSON.stringify({ conversationId: 'g1', text: 'x'.repeat(4001) }), /at most 4,000/],
    ['binary', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]), /must be JSON/],
  ];
  it.each(chatCases)('POST /api/chat with %s → 400 saying what to fix', async (_name, body, message) => {
    const res = await raw(server.url, { method: 'POST', path: '/api/chat', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect((JSON.parse(res.body) as { error: string }).error).toMatch(message);
  });

  it('anything but JSON is 415: a page on another site cannot post to the playground without a preflight', async () => {
    const res = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"conversationId":"csrf","text":"ciao"}' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: string }).error).toContain('application/json');
    const preflight = await fetch(`${server.url}/api/chat`, { method: 'OPTIONS', headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a body over the limit is 413, whether declared or streamed', async () => {
    const json = { 'content-type': 'application/json' };
    const declared = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: json, body: JSON.stringify({ conversationId: 'big', text: 'x'.repeat(100_000) }) });
    expect(declared.status).toBe(413);
    // Chunked, no Content-Length: the limit is counted as the body arrives.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i += 1) controller.enqueue(new TextEncoder().encode('y'.repeat(4096)));
        controller.close();
      },
    });
    const streamed = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: json, body: stream, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('every route answers garbage with a status below 500 and the server stays up', async () => {
    const paths = ['/', '/api/chat', '/slack/events', '/api/messages', '/healthz', '/readyz', '/metrics', '/pathway.svg', '/vendor/adaptivecards.min.js', ...server.served.channels.flatMap((c) => c.routes.map((r) => r.path.replace(/\/\*$/, '/x')))];
    const garbage: Array<{ method: string; headers?: Record<string, string>; body?: string | Buffer }> = [
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{{{' },
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' },
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from([0, 1, 2, 255]) },
      { method: 'PUT', body: '{}' },
      { method: 'DELETE' },
      { method: 'PATCH', body: '[]' },
      { method: 'OPTIONS' },
      { method: 'GET', headers: { 'content-type': 'application/json' }, body: '{"a":' },
    ];
    for (const path of [...new Set(paths)]) {
      for (const g of garbage) {
        const res = await raw(server.url, { method: g.method, path: `${path}?lang=%ZZ&x=${'%'.repeat(3)}`, ...(g.headers ? { headers: g.headers } : {}), ...(g.body !== undefined ? { body: g.body } : {}) });
        expect(res.status, `${g.method} ${path} → ${res.status} ${res.body.slice(0, 200)}`).toBeLessThan(500);
      }
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const { status } = await postChat(server.url, { conversationId: 'after-garbage', text: 'ciao' });
    expect(status).toBe(200);
  });

  it('bytes that are not HTTP at all get 400 and a closed connection, and the server stays up', async () => {
    const { hostname, port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => socket.end('\u0000\u00ff GARBAGE \r\n\r\n'));
      let data = '';
      socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('logs', () => {
  it('carry the conversation as a hash, the reply kinds and the latency, never what was typed', async () => {
    const secret = 'neridronato bambino 18 kg paziente PZ-0042';
    await postChat(server.url, { conversationId: 'log-conv-7', text: secret });
    const text = server.logs.text();
    expect(text).not.toContain('PZ-0042');
    expect(text).not.toContain('neridronato');
    expect(text).not.toContain('log-conv-7');
    const turn = server.logs.lines().filter((l) => l['msg'] === 'turn').at(-1);
    expect(turn).toMatchObject({ channel: 'web', input: 'text', kinds: ['dose'] });
    expect(turn?.['conversation']).toMatch(/^[0-9a-f]{12}$/);
    expect(typeof turn?.['ms']).toBe('number');
  });

  it('at LOG_LEVEL=debug, and only then, show what was typed', async () => {
    server.logs.logger.level = 'debug';
    try {
      await postChat(server.url, { conversationId: 'log-conv-8', text: 'alendronato PZ-0043' });
    } finally {
      server.logs.logger.level = 'info';
    }
    const turn = server.logs.lines().filter((l) => l['msg'] === 'turn').at(-1);
    expect(turn?.['typed']).toBe('alendronato PZ-0043');
  });
});
