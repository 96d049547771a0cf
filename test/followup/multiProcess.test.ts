/**
 * Several server instances on one PostgreSQL, as real processes: two dispatchers share 10,000 due
 * reminders, and one killed with SIGKILL in the middle of a batch is replaced without a reminder
 * lost or sent twice. PostgreSQL only: PGlite is one process by design.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DispatcherStats } from '../../src/followup/dispatcher.js';
import { openStore, type Store } from '../../src/store/database.js';
import { withMigrationLock } from '../../src/store/migrate.js';
import { ReminderOutbox } from '../../src/store/reminderOutbox.js';
import { testDatabaseUrl, uniqueSchemaName } from '../store/engines.js';
import { samplePayload } from './fixtures.js';
import { startSlackStandIn, type SlackStandIn } from './slackStandIn.js';

const script = fileURLToPath(new URL('./dispatcherProcess.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const CHANNEL = 'C0REMINDERS';

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stats: DispatcherStats | null }>;
}

if (testDatabaseUrl === undefined) {
  describe.skip('dispatcher processes on PostgreSQL: skipped because TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)', () => {
    it('runs two dispatcher processes against one PostgreSQL', () => {});
  });
} else {
  const databaseUrl = testDatabaseUrl;

  describe('dispatcher processes sharing one PostgreSQL', () => {
    const schema = uniqueSchemaName('followup_processes');
    let store: Store;
    let standIn: SlackStandIn;
    const workers: Worker[] = [];

    beforeAll(async () => {
      store = await openStore({ databaseUrl, schema, maxConnections: 4 });
    });
    afterEach(async () => {
      for (const w of workers.splice(0)) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await standIn?.close();
    });
    afterAll(async () => {
      await store.db.connection().execute((db) => withMigrationLock(db, () => sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)));
      await store.close();
    });

    function startWorker(token: string, env: Record<string, string> = {}): Worker {
      // node --import tsx, not npx tsx: one process, so SIGKILL kills the dispatcher itself, not a wrapper.
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        cwd: root,
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          STORE_SCHEMA: schema,
          SLACK_API_URL: standIn.url,
          SLACK_BOT_TOKEN: token,
          REMINDER_SLACK_CHANNEL: CHANNEL,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('ready\n')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`dispatcher exited (${code}) before it was ready: ${err}`)));
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stats: DispatcherStats | null }>((resolve) => {
        child.once('exit', (code, signal) => {
          const line = out.split('\n').find((l) => l.startsWith('{'));
          resolve({ code, signal, stats: line ? (JSON.parse(line) as DispatcherStats) : null });
        });
      });
      ready.catch(() => undefined);
      const worker = { child, ready, exited };
      workers.push(worker);
      return worker;
    }

    async function enqueue(n: number): Promise<void> {
      const outbox = new ReminderOutbox(store.db);
      const sendAt = new Date(Date.now() - 1_000);
      await outbox.enqueue(
        Array.from({ length: n }, (_, i) => ({
          dedupeKey: `slack:load:${sendAt.getTime()}:${i}`,
          target: 'slack',
          kind: 'due' as const,
          itemId: null,
          payload: samplePayload(i + 1),
          sendAt,
        })),
        new Date(),
      );
    }

    async function pending(): Promise<number> {
      const row = await store.db
        .selectFrom('reminder_outbox')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }

    async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string, everyMs = 100): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, everyMs));
      }
    }

    async function stop(worker: Worker): Promise<DispatcherStats> {
      worker.child.kill('SIGTERM');
      const { stats } = await worker.exited;
      if (stats === null) throw new Error('a dispatcher stopped without its figures');
      return stats;
    }

    async function expectAllSentOnce(n: number): Promise<void> {
      const counts = standIn.keyCounts();
      const duplicates = [...counts.entries()].filter(([, c]) => c > 1);
      expect(duplicates).toEqual([]);
      expect(counts.size).toBe(n);
      const rows = await store.db.selectFrom('reminder_outbox').select(['id', 'status', 'message_id']).execute();
      expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
      const tsByKey = new Map(standIn.messages.map((m) => [m.metadata?.event_payload['key'], m.ts]));
      for (const row of rows) expect(row.message_id).toBe(tsByKey.get(`reminder:${row.id}`));
    }

    it(
      'two processes deliver 10,000 due reminders: none twice, none lost, a spell of 429s ridden out',
      async () => {
        await sql`truncate reminder_outbox restart identity`.execute(store.db);
        standIn = await startSlackStandIn();
        await enqueue(10_000);
        // Slack says "slow down" as the two start: both must wait the Retry-After and carry on.
        standIn.rateLimitUntil(Date.now() + 60_000, 1);
        const a = startWorker('xoxb-a');
        const b = startWorker('xoxb-b');
        await Promise.all([a.ready, b.ready]);
        await until(() => standIn.rateLimited >= 2, 10_000, 'both to be rate limited', 10);
        standIn.rateLimitUntil(Date.now() + 1_500, 1);
        const started = Date.now();
        await until(async () => (await pending()) === 0, 150_000, 'every reminder to be sent', 250);
        const seconds = (Date.now() - started) / 1000;
        const [sa, sb] = await Promise.all([stop(a), stop(b)]);
        await expectAllSentOnce(10_000);
        expect(sa.sent + sb.sent).toBe(10_000);
        expect(sa.sent).toBeGreaterThan(1_000);
        expect(sb.sent).toBeGreaterThan(1_000);
        expect(sa.failed + sb.failed).toBe(standIn.rateLimited);
        console.log(`10,000 reminders by two processes in ${seconds.toFixed(1)} s (${Math.round(10_000 / seconds)}/s); ${standIn.rateLimited} answered 429`);
      },
      180_000,
    );

    it(
      'a dispatcher killed with SIGKILL mid-batch and replaced loses nothing and sends nothing twice',
      async () => {
        await sql`truncate reminder_outbox restart identity`.execute(store.db);
        standIn = await startSlackStandIn();
        await enqueue(3_000);
        const lease = { LEASE_MS: '4000', SEND_TIMEOUT_MS: '1000' };
        const a = startWorker('xoxb-a', lease);
        const b = startWorker('xoxb-b', lease);
        await Promise.all([a.ready, b.ready]);
        await until(() => standIn.messages.length >= 600, 60_000, '600 reminders', 10);
        // From now on Slack posts what A sends but A never hears back: A dies in exactly the window
        // between "Slack has the message" and "the outbox knows".
        standIn.holdResponsesFor('xoxb-a');
        await until(() => standIn.held >= 1, 10_000, 'a send of A to be in flight', 2);
        a.child.kill('SIGKILL');
        const killed = await a.exited;
        expect(killed.signal).toBe('SIGKILL');
        const held = standIn.held;
        const replacement = startWorker('xoxb-a2', lease);
        await replacement.ready;
        await until(async () => (await pending()) === 0, 120_000, 'every reminder to be sent', 200);
        const [sb, sr] = await Promise.all([stop(b), stop(replacement)]);
        await expectAllSentOnce(3_000);
        // Each message Slack posted for the dead worker was found by its key, not posted again.
        expect(sb.alreadyDelivered + sr.alreadyDelivered).toBeGreaterThanOrEqual(held);
        console.log(`killed mid-batch with ${held} sends in flight; recognised as delivered: ${sb.alreadyDelivered + sr.alreadyDelivered}`);
      },
      180_000,
    );
  });
}
