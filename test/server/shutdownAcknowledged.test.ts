/**
 * What a deployment relies on when the server is stopped (docs/serve.md, "Stopping"): every
 * request acknowledged before the shutdown began is answered before the process ends, however
 * far it had got (the dedup write included: Slack never sends an acknowledged event again), and
 * /readyz turns 503 while the listener still accepts, for the load balancer to notice first.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TURN_FAILED } from '../../src/channels/slack/messages.js';
import { serve, type Served } from '../../src/server/serve.js';
import { openStore } from '../../src/store/database.js';
import { withMigrationLock } from '../../src/store/migrate.js';
import { testDatabaseUrl, uniqueSchemaName } from '../store/engines.js';
import { directMessage, SIGNING_SECRET, BOT_TOKEN } from '../channels/slack/harness.js';
import { FakeSlackApi } from '../channels/slack/fakeSlackApi.js';
import { slackSignedHeaders } from '../channels/slack/slackSigner.js';
import { captureLogs, tempDir, waitFor } from './serverHarness.js';

const MESSAGES = 10;

describe('shutdown with acknowledged Slack messages', () => {
  let api: FakeSlackApi;
  let dir: ReturnType<typeof tempDir>;
  let served: Served | undefined;

  beforeEach(async () => {
    api = await new FakeSlackApi().start();
    dir = tempDir('shutdown-ack');
  });
  afterEach(async () => {
    await served?.close();
    await api.close();
    dir.remove();
  });

  async function start(databaseUrl?: string): Promise<Served> {
    served = await serve({
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dir.path,
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        LOG_LEVEL: 'silent',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: api.apiUrl,
        SLACK_HOOKS_URL: api.hooksUrl,
      },
      logger: captureLogs('silent').logger,
    });
    return served;
  }

  function postEvent(url: string, envelope: object): Promise<Response> {
    const body = JSON.stringify(envelope);
    return fetch(`${url}/slack/events`, { method: 'POST', headers: slackSignedHeaders(SIGNING_SECRET, body, 'application/json'), body });
  }

  it.skipIf(testDatabaseUrl === undefined)(
    `${MESSAGES} direct messages acknowledged, still in their dedup write when the shutdown begins: all ${MESSAGES} answered, none with "could not answer" (PostgreSQL)`,
    async () => {
      const schema = uniqueSchemaName('shutdown_ack');
      const setup = await openStore({ databaseUrl: testDatabaseUrl!, schema, maxConnections: 1 });
      const url = new URL(testDatabaseUrl!);
      url.searchParams.set('options', `-c search_path=${schema}`);
      // The test holds the processed-events table, so every dedup write waits: the requests are
      // acknowledged and nowhere near their turn when the server is told to stop.
      const holder = new pg.Client({ connectionString: url.toString() });
      await holder.connect();
      try {
        await holder.query('begin');
        await holder.query('lock table processed_events in exclusive mode');
        const server = await start(url.toString());
        const channels = Array.from({ length: MESSAGES }, (_, i) => `D0SHUT${String(i).padStart(4, '0')}`);
        const acks = await Promise.all(channels.map((channel) => postEvent(server.url, directMessage('neridronato bambino 18 kg', { channel }))));
        expect(acks.map((a) => a.status)).toEqual(channels.map(() => 200));
        const closed = server.close();
        await waitFor('the listener to close', async () => (await fetch(`${server.url}/healthz`).then(() => undefined, () => true)), 10_000);
        await holder.query('commit');
        await closed;
        served = undefined;
        const answered = api.callsOf('chat.postMessage');
        const byChannel = new Map(answered.map((c) => [String(c.params['channel']), JSON.stringify(c.params)]));
        expect([...byChannel.keys()].sort()).toEqual([...channels].sort());
        for (const [channel, text] of byChannel) {
          expect(text, channel).not.toContain(TURN_FAILED);
          expect(text, channel).toContain('36 mg');
        }
      } finally {
        await holder.end();
        await setup.db.connection().execute((db) => withMigrationLock(db, () => sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)));
        await setup.close();
      }
    },
    120_000,
  );

  it('during the readiness delay /readyz answers 503 and new connections are still served; then the listener closes', async () => {
    const server = await start();
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const closed = server.close({ readinessDelayMs: 5_000 });
    const ready = await fetch(`${server.url}/readyz`, { headers: { connection: 'close' } });
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { status: string }).status).toBe('draining');
    // A Slack event arriving now, on a new connection, is still acknowledged and answered.
    const late = await postEvent(server.url, directMessage('neridronato bambino 18 kg', { channel: 'D0LATE0001' }));
    expect(late.status).toBe(200);
    await closed;
    served = undefined;
    await waitFor('the listener to be closed', async () => (await fetch(`${server.url}/healthz`).then(() => undefined, () => true)), 5_000);
    expect(api.callsOf('chat.postMessage').map((c) => c.params['channel'])).toContain('D0LATE0001');
  }, 120_000);
});
