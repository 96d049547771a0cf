/**
 * Graceful shutdown: a turn in flight when the server is told to stop completes and its answer
 * reaches the user; nothing new is accepted meanwhile; the store is closed last. Once in-process
 * (close(), what SIGTERM calls) and once as a real process receiving a real SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/reply/model.js';
import type { ConversationService } from '../../src/core/turn.js';
import { TrackedConversationService } from '../../src/server/trackedService.js';
import { builtCliExists, captureLogs, cleanEnv, postChat, root, run, signalGroup, startTestServer, tempDir, waitFor, type RunningProcess } from './serverHarness.js';

/** A service whose turns wait until the test releases them. */
function gated(): { decorate: (inner: ConversationService) => ConversationService; started: Promise<void>; release: () => void } {
  let release!: () => void;
  let markStarted!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const started = new Promise<void>((r) => (markStarted = r));
  return {
    started,
    release: () => release(),
    decorate: (inner) => ({
      handle: async (request) => {
        markStarted();
        await gate;
        return inner.handle(request);
      },
    }),
  };
}

describe('graceful shutdown, in-process', () => {
  it('lets the turn in flight finish and answer, refuses new connections, then closes the store', async () => {
    const gate = gated();
    const server = await startTestServer('drain', { decorateService: gate.decorate });
    const inFlight = postChat(server.url, { conversationId: 'drain-1', text: 'neridronato bambino 18 kg' });
    await gate.started;
    const closed = server.served.close();
    // New connections are refused at once (no readiness delay asked for here).
    await waitFor('the listener to close', async () => (await fetch(`${server.url}/healthz`).then(() => undefined, () => true)), 5_000);
    let closeDone = false;
    void closed.then(() => (closeDone = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(closeDone).toBe(false);

    gate.release();
    const { status, json } = await inFlight;
    expect(status).toBe(200);
    expect(JSON.stringify((json['replies'] as Reply[])[0]?.blocks)).toContain('36 mg');
    await closed;
    // The store is closed: PGlite has flushed and released the data directory.
    await expect(server.served.store.db.selectFrom('conversations' as never).selectAll().execute()).rejects.toThrow();
    const messages = server.logs.lines().map((l) => l['msg']);
    expect(messages).toContain('shutting down: draining turns in flight');
    expect(messages.at(-1)).toBe('stopped');
    await server.stop();
  }, 120_000);
});

describe('TrackedConversationService.drain', () => {
  it('gives up after its timeout on a turn that never ends, and says how many were left', async () => {
    const logs = captureLogs('silent');
    const stuck: ConversationService = { handle: () => new Promise<Reply[]>(() => undefined) };
    const tracked = new TrackedConversationService(stuck, logs.logger);
    void tracked.handle({ channel: 'web', conversationId: 'stuck', userRef: 't', input: { text: 'x' } });
    const started = Date.now();
    expect(await tracked.drain(300)).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('returns at once when nothing is in flight', async () => {
    const tracked = new TrackedConversationService({ handle: async () => [] }, captureLogs('silent').logger);
    expect(await tracked.drain(10_000)).toBe(0);
    expect(tracked.isDraining).toBe(true);
  });
});

describe('graceful shutdown, a real process and a real SIGTERM', () => {
  beforeAll(() => {
    if (!builtCliExists()) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  });
  let proc: RunningProcess | undefined;
  const dir = tempDir('sigterm');
  afterAll(() => {
    if (proc) signalGroup(proc, 'SIGKILL');
    dir.remove();
  });

  it('SIGTERM while a turn is in flight: the turn completes, the process exits 0', async () => {
    proc = run(process.execPath, ['test/server/fixtures/slowServe.mjs'], {
      cwd: root,
      env: cleanEnv({ PORT: '0', DATA_DIR: dir.path, LOG_LEVEL: 'info', SLOW_TURN_MS: '1500' }),
    });
    const p = proc;
    const url = await waitFor('the URL on stdout', async () => p.stdout().match(/listening on (http:\/\/\S+)/)?.[1], 45_000);
    const answer = postChat(url, { conversationId: 'sigterm-1', text: 'neridronato bambino 18 kg' });
    await waitFor(
      'the turn to be in flight',
      async () => {
        const ready = (await (await fetch(`${url}/readyz`)).json()) as { turnsInFlight: number };
        return ready.turnsInFlight === 1 ? true : undefined;
      },
      5_000,
      20,
    );
    p.child.kill('SIGTERM');
    const { status, json } = await answer;
    expect(status).toBe(200);
    expect(JSON.stringify((json['replies'] as Reply[])[0]?.blocks)).toContain('36 mg');
    const exit = await p.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(p.stdout()).toContain('"msg":"stopped"');
  }, 120_000);
});
