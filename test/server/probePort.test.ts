/**
 * The probes on a port of their own (HEALTH_PORT): answered by a worker thread, so that a main
 * thread held by work (a flood, one long turn) does not hold them; liveness says "stalled" when the
 * main thread has been silent too long; readiness follows the phases of `pdta serve` (starting,
 * ready, draining). The main thread is held here with Atomics.wait, and the probe is sent from a
 * worker thread of the test's own that wakes it: a probe port that needed the main thread would
 * never answer, and the wait would run out. No timing is asserted.
 */
import { createServer } from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { startProbePort, type ProbePort } from '../../src/server/probePort.js';
import { captureLogs, postChat, startTestServer, waitFor, type TestServer } from './serverHarness.js';

/** How long the main thread is held at most; the probe wakes it much sooner when it is answered. */
const HOLD_MS = 20_000;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Holds this (the main) thread until a GET of `url`, sent from a worker thread `afterMs` after the
 * hold starts, is answered; returns the answer, or undefined when the hold ran out unanswered.
 */
async function probeWhileMainThreadHeld(url: string, afterMs = 0, holdMs = HOLD_MS): Promise<Answer | undefined> {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const client = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const signal = new Int32Array(workerData.signal);
     parentPort.once('message', () => setTimeout(() => fetch(workerData.url)
       .then(async (r) => ({ status: r.status, body: await r.json() }), (e) => ({ status: 0, body: { error: String(e) } }))
       .then((answer) => { parentPort.postMessage(answer); Atomics.store(signal, 0, 1); Atomics.notify(signal, 0); }), workerData.afterMs));`,
    { eval: true, workerData: { url, signal: signal.buffer, afterMs } },
  );
  const answered = new Promise<Answer>((resolve) => client.once('message', resolve));
  await new Promise<void>((resolve) => client.once('online', () => resolve()));
  client.postMessage('go');
  const woke = Atomics.wait(signal, 0, 0, holdMs);
  try {
    return woke === 'timed-out' ? undefined : await answered;
  } finally {
    await client.terminate();
  }
}

describe('the probes on HEALTH_PORT', () => {
  let server: TestServer | undefined;
  let probes: ProbePort | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await probes?.close();
    probes = undefined;
  });

  it('answers /healthz and /readyz as the main port does, and nothing else', async () => {
    server = await startTestServer('probe-port', { env: { HEALTH_PORT: '0' } });
    const healthUrl = server.served.healthUrl!;
    expect(healthUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(healthUrl).port).not.toBe(new URL(server.url).port);
    const live = await fetch(`${healthUrl}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    // The worker learns the database's state from the main thread's checks: wait for the first.
    const ready = await waitFor('readiness on the probe port', async () => {
      const r = await fetch(`${healthUrl}/readyz`);
      return r.status === 200 ? ((await r.json()) as Record<string, unknown>) : undefined;
    }, 10_000);
    const onMain = (await (await fetch(`${server.url}/readyz`)).json()) as Record<string, unknown>;
    expect(ready).toMatchObject({ status: 'ready', store: 'pglite', channels: onMain['channels'], contentVersion: onMain['contentVersion'] });
    expect(ready['channels']).toContain('web');

    expect((await fetch(`${healthUrl}/metrics`)).status).toBe(404);
    expect((await fetch(`${healthUrl}/api/chat`, { method: 'POST', body: '{}' })).status).toBe(404);
    const post = await fetch(`${healthUrl}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    // The main port still answers everything, probes included.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await postChat(server.url, { conversationId: 'probe-port', text: 'ciao' })).status).toBe(200);
  });

  it('answers while the main thread is held by work', async () => {
    server = await startTestServer('probe-port-held', { env: { HEALTH_PORT: '0' } });
    const healthUrl = server.served.healthUrl!;
    await waitFor('readiness on the probe port', async () => ((await fetch(`${healthUrl}/readyz`)).status === 200 ? true : undefined), 10_000);

    expect(await probeWhileMainThreadHeld(`${healthUrl}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await probeWhileMainThreadHeld(`${healthUrl}/readyz`)).toMatchObject({ status: 200, body: { status: 'ready' } });
    // On the main port the same probe waits for the main thread: held for a second, it is not answered.
    expect(await probeWhileMainThreadHeld(`${server.url}/healthz`, 0, 1_000)).toBeUndefined();
  });

  it('says the main thread has stalled when its heartbeat stops, and recovers when it resumes', async () => {
    probes = await startProbePort({ host: '127.0.0.1', port: 0, contentVersion: 'test', logger: captureLogs().logger, stalledAfterMs: 500 });
    probes.phase('ready');
    probes.storeChecked(true);
    // Held for longer than the stall bound before the probe is sent: no heartbeat meanwhile.
    const held = await probeWhileMainThreadHeld(`${probes.url}/healthz`, 1_500);
    expect(held?.status).toBe(503);
    expect(held?.body).toMatchObject({ status: 'stalled' });
    expect(held?.body['silentMs']).toBeGreaterThan(500);
    const readiness = await probeWhileMainThreadHeld(`${probes.url}/readyz`, 1_500);
    expect(readiness).toMatchObject({ status: 503, body: { status: 'stalled' } });
    // Free again: the next heartbeat brings liveness back.
    const back = await waitFor('liveness back', async () => ((await fetch(`${probes!.url}/healthz`)).status === 200 ? true : undefined), 5_000);
    expect(back).toBe(true);
  });

  it('reports starting, then ready only once the database has answered, then draining', async () => {
    probes = await startProbePort({ host: '127.0.0.1', port: 0, contentVersion: 'test', logger: captureLogs().logger });
    const read = async (path: string): Promise<[number, unknown]> => {
      const r = await fetch(`${probes!.url}${path}`);
      return [r.status, ((await r.json()) as Record<string, unknown>)['status']];
    };
    expect(await read('/healthz')).toEqual([200, 'starting']);
    expect(await read('/readyz')).toEqual([503, 'starting']);
    probes.phase('ready');
    expect(await read('/healthz')).toEqual([200, 'ok']);
    expect(await read('/readyz')).toEqual([503, 'store unavailable']);
    probes.storeChecked(true);
    expect(await read('/readyz')).toEqual([200, 'ready']);
    probes.storeChecked(false);
    expect(await read('/readyz')).toEqual([503, 'store unavailable']);
    probes.storeChecked(true);
    probes.phase('draining');
    expect(await read('/healthz')).toEqual([200, 'draining']);
    expect(await read('/readyz')).toEqual([503, 'draining']);
    const url = probes.url;
    await probes.close();
    probes = undefined;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('keeps answering through a drain, with readiness at 503, until the process has stopped', async () => {
    server = await startTestServer('probe-port-drain', { env: { HEALTH_PORT: '0' } });
    const healthUrl = server.served.healthUrl!;
    const closed = server.served.close({ readinessDelayMs: 1_000 });
    const draining = await waitFor('readiness 503 on the probe port', async () => {
      const r = await fetch(`${healthUrl}/readyz`);
      return r.status === 503 ? ((await r.json()) as Record<string, unknown>)['status'] : undefined;
    }, 5_000);
    expect(draining).toBe('draining');
    expect(await (await fetch(`${healthUrl}/healthz`)).json()).toEqual({ status: 'draining' });
    await closed;
    await expect(fetch(`${healthUrl}/healthz`)).rejects.toThrow();
    const dir = server.dataDir;
    server = undefined;
    const { rmSync } = await import('node:fs');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a HEALTH_PORT already in use stops start-up naming HEALTH_PORT, before the main port listens', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(startTestServer('probe-port-busy', { env: { HEALTH_PORT: String(port) } })).rejects.toThrow(`HEALTH_PORT: ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});
