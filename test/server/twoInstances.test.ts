/**
 * Two `pdta serve` processes on one PostgreSQL, as a deployment behind a load balancer runs them:
 * two people in one walkthrough press "avanti" at the same moment, one request reaching each
 * instance. Both steps must count (the walkthrough, opened on step 1, ends two steps on, at step 3), never one lost
 * because both turns read the same snapshot and the last write won. PostgreSQL only: PGlite is one
 * process by design.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { withMigrationLock } from '../../src/store/migrate.js';
import { testDatabaseUrl, uniqueSchemaName } from '../store/engines.js';
import { bin, builtCliExists, cleanEnv, postChat, run, signalGroup, waitFor, type RunningProcess } from './serverHarness.js';

const TRIALS = 20;

function listeningUrl(p: RunningProcess): string | undefined {
  for (const line of p.stdout().split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: string; url?: string };
    if (entry.msg === 'pdta assistant listening' && entry.url) return entry.url;
  }
  return undefined;
}

function replyText(json: Record<string, unknown>): string {
  return JSON.stringify(json['replies'] ?? []);
}

/** The walkthrough's step as the summary ("riepilogo") states it. */
function currentStep(json: Record<string, unknown>): string | undefined {
  const replies = (json['replies'] ?? []) as Array<{ blocks: Array<{ type: string; facts?: Array<{ label: string; value: string }> }> }>;
  for (const block of replies.flatMap((r) => r.blocks)) {
    const fact = block.facts?.find((f) => f.label === 'Step corrente');
    if (fact) return fact.value;
  }
  return undefined;
}

if (testDatabaseUrl === undefined || !builtCliExists()) {
  describe.skip('two pdta serve instances on one PostgreSQL: skipped without TEST_DATABASE_URL or without dist/ (npm run build)', () => {
    it('answers concurrent turns of one conversation on two instances without losing one', () => {});
  });
} else {
  const databaseUrl = testDatabaseUrl;

  describe('two pdta serve instances on one PostgreSQL', () => {
    const schema = uniqueSchemaName('two_instances');
    let store: Store;
    const servers: RunningProcess[] = [];

    beforeAll(async () => {
      // Migrated once here; the servers reach the schema through their connection's search_path.
      store = await openStore({ databaseUrl, schema, maxConnections: 2 });
      const url = new URL(databaseUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      for (let i = 0; i < 2; i += 1) {
        servers.push(
          run(process.execPath, [bin, 'serve'], {
            env: cleanEnv({ PORT: '0', HOST: '127.0.0.1', PLAYGROUND: 'on', DATABASE_URL: url.toString(), LOG_LEVEL: 'info' }),
          }),
        );
      }
      await Promise.all(servers.map((s) => waitFor('a server listening and ready', async () => (listeningUrl(s) ? true : undefined), 120_000)));
    }, 150_000);

    afterAll(async () => {
      for (const s of servers) signalGroup(s, 'SIGTERM');
      await Promise.all(servers.map((s) => s.exited));
      await store.db.connection().execute((db) => withMigrationLock(db, () => sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)));
      await store.close();
    }, 60_000);

    it(`two "avanti" at once, one on each instance, advance the walkthrough twice (${TRIALS} conversations)`, async () => {
      const [a, b] = servers.map((s) => listeningUrl(s)!);
      const conversations = Array.from({ length: TRIALS }, (_, i) => `two-instances-${i}-${Date.now()}`);
      for (const conversationId of conversations) {
        expect(replyText((await postChat(a!, { conversationId, text: 'percorso guidato' })).json)).toContain('Avanti');
      }
      // Every conversation gets its two clicks in the same instant, 40 requests in flight.
      const clicks = await Promise.all(
        conversations.flatMap((conversationId) => [postChat(a!, { conversationId, text: 'avanti' }), postChat(b!, { conversationId, text: 'avanti' })]),
      );
      expect(clicks.map((c) => c.status)).toEqual(clicks.map(() => 200));
      const steps: Array<string | undefined> = [];
      for (const conversationId of conversations) steps.push(currentStep((await postChat(b!, { conversationId, text: 'riepilogo' })).json));
      expect(steps).toEqual(conversations.map(() => '3'));
    }, 120_000);
  });
}
