/**
 * A flood on the playground's API, as an overloaded deployment sees it: work in flight is bounded
 * (MAX_TURNS_IN_FLIGHT; MAX_EVENT_LOOP_BUSY_PERCENT and MAX_EVENT_LOOP_DELAY_MS for the event
 * loop's own queue, here with the loop's load handed in rather than produced), what is beyond it gets 503 with Retry-After at once, and the health
 * probes keep answering, so that a liveness probe never kills a server that is only busy. A client
 * that hangs up mid-body is no server error. Bounded in count, on loopback; no timing is asserted
 * (latency under load is measured by `npm run bench -- playground`).
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationService } from '../../src/core/turn.js';
import { postChat, sample, startTestServer, waitFor, type TestServer } from './serverHarness.js';

/**
 * Sends the headers of a chat request and only part of its declared body, and returns what the
 * server answers meanwhile (the body's end is never sent).
 */
function answerToHalfABody(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(Number(port), hostname, () => {
      socket.write('POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"conversationId":"late","te');
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
      if (answer.includes('\r\n\r\n')) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.once('error', reject);
  });
}

/** Turns that wait until the test releases them, and how many are waiting. */
function held(): { decorate: (inner: ConversationService) => ConversationService; waiting: () => number; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let waiting = 0;
  return {
    waiting: () => waiting,
    release: () => release(),
    decorate: (inner) => ({
      handle: async (request) => {
        waiting += 1;
        await gate;
        return inner.handle(request);
      },
    }),
  };
}

describe('overload', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('past MAX_TURNS_IN_FLIGHT a request gets 503 with Retry-After at once, /healthz and /readyz still answer, and the held turns are answered', async () => {
    const gate = held();
    server = await startTestServer('overload', { env: { MAX_TURNS_IN_FLIGHT: '4' }, decorateService: gate.decorate });
    const url = server.url;
    const admitted = Array.from({ length: 4 }, (_, i) => postChat(url, { conversationId: `held-${i}`, text: 'neridronato bambino 18 kg' }));
    await waitFor('four turns in flight', async () => (gate.waiting() === 4 ? true : undefined), 30_000, 20);

    const refused = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId: `flood-${i}`, text: 'ciao' }) }),
      ),
    );
    for (const res of refused) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(sample(await (await fetch(`${url}/metrics`)).text(), 'pdta_errors_total{kind="overloaded"}')).toBeGreaterThanOrEqual(20);

    gate.release();
    for (const answer of await Promise.all(admitted)) {
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.json['replies'])).toContain('36 mg');
    }
    // Room again: the next request is served.
    expect((await postChat(url, { conversationId: 'after', text: 'neridronato bambino 18 kg' })).status).toBe(200);
  }, 120_000);

  it('while the event loop is saturated, channel requests get 503 with Retry-After before their body is read, the probes 200; with nothing in flight or once it is idle, it serves', async () => {
    const load = { utilization: 1, delayMs: 0 };
    const gate = held();
    server = await startTestServer('loop-load', {
      decorateService: gate.decorate,
      env: { MAX_EVENT_LOOP_BUSY_PERCENT: '90', MAX_EVENT_LOOP_DELAY_MS: '250' },
      eventLoop: { utilization: () => load.utilization, delayMs: () => load.delayMs },
    });
    const url = server.url;

    // One turn in flight, far below MAX_TURNS_IN_FLIGHT: only the loop's load refuses, and before the rest of the body was sent.
    const first = postChat(url, { conversationId: 'first', text: 'neridronato bambino 18 kg' });
    await waitFor('a turn in flight', async () => (gate.waiting() === 1 ? true : undefined), 30_000, 20);
    const head = await answerToHalfABody(url);
    expect(head).toMatch(/^HTTP\/1\.1 503 /);
    expect(head.toLowerCase()).toContain('retry-after: 1');
    const chat = await fetch(`${url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId: 'lag', text: 'ciao' }) });
    expect(chat.status).toBe(503);
    expect(chat.headers.get('retry-after')).toBe('1');
    expect((await fetch(`${url}/`)).status).toBe(503);

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(sample(await metrics.text(), 'pdta_errors_total{kind="overloaded"}')).toBeGreaterThanOrEqual(3);

    // Idle but far behind (one long stretch of work): refused too.
    load.utilization = 0;
    load.delayMs = 5_000;
    expect((await fetch(`${url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId: 'lag', text: 'ciao' }) })).status).toBe(503);

    gate.release();
    expect((await first).status).toBe(200);
    // Saturated, but nothing in flight: admitted, so that a loop busy with refusals alone still answers someone.
    load.utilization = 1;
    const admittedAlone = await postChat(url, { conversationId: 'alone', text: 'neridronato bambino 18 kg' });
    expect(admittedAlone.status).toBe(200);
    expect(JSON.stringify(admittedAlone.json['replies'])).toContain('36 mg');
    load.utilization = 0;
    load.delayMs = 0;
    expect((await postChat(url, { conversationId: 'lag', text: 'neridronato bambino 18 kg' })).status).toBe(200);
  }, 120_000);

  it('a bounded flood: every request is answered 200 or refused 503 with Retry-After, and a fresh /healthz answers meanwhile', async () => {
    server = await startTestServer('flood', { env: { MAX_TURNS_IN_FLIGHT: '8' } });
    const url = server.url;
    let healthy = 0;
    let flooding = true;
    const probes = (async () => {
      while (flooding) {
        // A new connection each time, as a kubelet's probe makes.
        const res = await fetch(`${url}/healthz`, { headers: { connection: 'close' } });
        if (res.status === 200) healthy += 1;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const statuses = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const res = await fetch(`${url}/api/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ conversationId: `flood-${i % 50}`, text: i % 2 ? 'neridronato bambino 18 kg' : 'differenza con la tendinite calcifica?' }),
        });
        if (res.status === 503) expect(res.headers.get('retry-after')).toBe('1');
        await res.arrayBuffer();
        return res.status;
      }),
    );
    flooding = false;
    await probes;
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(healthy).toBeGreaterThan(0);
    expect(sample(await (await fetch(`${url}/metrics`)).text(), 'pdta_errors_total{kind="request_failed"}')).toBe(0);
  }, 120_000);

  it('a client that hangs up in the middle of its body is neither an error log line nor a request_failed', async () => {
    server = await startTestServer('hangup');
    const url = new URL(server.url);
    const before = sample(await (await fetch(`${server.url}/metrics`)).text(), 'pdta_errors_total{kind="request_failed"}');
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write('POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"conversationId":"gone","te');
        setImmediate(() => socket.destroy());
      });
      socket.once('close', () => resolve());
      socket.once('error', reject);
    });
    // The server has seen the hang-up once the next request on a new connection is answered.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const after = sample(await (await fetch(`${server.url}/metrics`)).text(), 'pdta_errors_total{kind="request_failed"}');
    expect(after).toBe(before);
    expect(server.logs.lines().filter((l) => Number(l['level']) >= 50)).toEqual([]);
  }, 120_000);
});
