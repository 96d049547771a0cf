/**
 * Conversations survive the process: in-process across a closed and reopened store, and a real
 * `pdta chat --conversation` killed with SIGKILL mid-walkthrough and started again, on PGlite (on
 * disk) and on the PostgreSQL server (TEST_DATABASE_URL).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssistant } from '../../src/engine/loadAssistant.js';
import { renderPlainText } from '../../src/reply/plainText.js';
import type { Reply } from '../../src/reply/model.js';
import { SqlConversationSnapshots } from '../../src/server/conversationSnapshots.js';
import { TurnConversationService } from '../../src/server/turnConversationService.js';
import { DosingAudit } from '../../src/store/audit.js';
import { ConversationStore } from '../../src/store/conversations.js';
import { openStore, type StoreConfig } from '../../src/store/database.js';
import { withMigrationLock } from '../../src/store/migrate.js';
import { uniqueSchemaName } from '../store/engines.js';

const assistant = loadAssistant();
const bin = fileURLToPath(new URL('../../bin/pdta.js', import.meta.url));
const databaseUrl = process.env['TEST_DATABASE_URL'] || undefined;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pdta-restart-'));
  dirs.push(d);
  return d;
}

const engines: Array<{ name: string; config: () => StoreConfig; env: () => Record<string, string> }> = [
  { name: 'pglite', config: () => ({ dataDir: tempDir() }), env: () => ({ DATA_DIR: tempDir() }) },
];
if (databaseUrl) {
  // A schema of its own, as every store test has (test/store/engines.ts): the shared database's
  // public schema may hold another branch's migrations. The CLI reaches it through its connection's search_path.
  const schema = uniqueSchemaName('restart');
  const cliUrl = new URL(databaseUrl);
  cliUrl.searchParams.set('options', `-c search_path=${schema}`);
  beforeAll(async () => {
    await (await openStore({ databaseUrl, schema, maxConnections: 1 })).close();
  });
  afterAll(async () => {
    const store = await openStore({ databaseUrl, schema, maxConnections: 1 });
    await store.db.connection().execute((db) => withMigrationLock(db, () => sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)));
    await store.close();
  });
  engines.push({ name: 'postgres', config: () => ({ databaseUrl, schema }), env: () => ({ DATABASE_URL: cliUrl.toString(), DATA_DIR: tempDir() }) });
} else it.skip('postgres: skipped because TEST_DATABASE_URL is not set (CI sets it)', () => undefined);

const text = (replies: Reply[]) => replies.map(renderPlainText).join('\n');
const unique = (label: string) => `${label}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

// Bounds, not waits: each test opens real stores (and processes), which a loaded CI machine makes slow.
describe.each(engines)('a conversation on $name', ({ config }) => {
  it('continues a walkthrough after the store is closed and reopened, and audits doses', async () => {
    const cfg = config();
    const conversationId = unique('walk');
    const request = (t: string) => ({ channel: 'slack' as const, conversationId, threadId: '1700000000.000100', userRef: 'U012ABCDEF', input: { text: t } });
    let store = await openStore(cfg);
    let service = new TurnConversationService({
      assistant,
      snapshots: new SqlConversationSnapshots(new ConversationStore(store.db, { serverDatabase: store.engine === 'postgres' }), 60 * 60_000),
    });
    for (const t of ['percorso guidato', 'fosforo alto']) await service.handle(request(t));
    await store.close();

    store = await openStore(cfg);
    service = new TurnConversationService({
      assistant,
      snapshots: new SqlConversationSnapshots(new ConversationStore(store.db, { serverDatabase: store.engine === 'postgres' }), 60 * 60_000),
    });
    const summary = text(await service.handle(request('riepilogo')));
    expect(summary).toContain('Fosforo sierico: alto');
    expect(summary).toContain('Step corrente: 1');

    const dose = text(await service.handle(request('neridronato bambino 18 kg')));
    expect(dose).toContain('36 mg');
    const audit = await new DosingAudit(store.db).listDosing({ limit: 50 });
    expect(audit.find((a) => a.userRef === 'U012ABCDEF' && a.drug === 'therapy.neridronate')).toMatchObject({
      channel: 'slack',
      population: 'paediatric',
      rule: '2 mg/kg body weight every 3 months i.v.',
    });
    await store.close();
  }, 120_000);

  it('restarts an expired or outdated conversation politely, never with a crash', async () => {
    const store = await openStore(config());
    const conversationId = unique('old');
    let now = new Date('2026-11-25T10:00:00Z');
    const service = new TurnConversationService({
      assistant,
      snapshots: new SqlConversationSnapshots(new ConversationStore(store.db, { serverDatabase: store.engine === 'postgres' }), 30 * 60_000),
      now: () => now,
    });
    const request = (t: string) => ({ channel: 'teams' as const, conversationId, userRef: 'aad-1', input: { text: t } });
    await service.handle(request('percorso guidato'));
    now = new Date('2026-11-25T11:00:00Z');
    expect(text(await service.handle(request('avanti')))).toContain('inattiva da troppo tempo');

    await sql`update conversations set machine_version = 0 where conversation_id = ${conversationId}`.execute(store.db);
    expect(text(await service.handle(request('avanti')))).toContain('L’assistente è stato aggiornato');
    await sql`update conversations set snapshot = '{"not":"a snapshot"}'::jsonb where conversation_id = ${conversationId}`.execute(store.db);
    expect(text(await service.handle(request('riepilogo')))).toContain('ricominciamo');
    await store.close();
  }, 120_000);
});

/**
 * A `pdta chat --json --conversation` process, fed one line at a time, read one reply at a time.
 * It waits for the reply line or for the process to end, never for a fixed time: on a loaded
 * machine PGlite's start alone can take tens of seconds (the test's own timeout bounds the whole).
 */
class ChatProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private stderr = '';
  private readonly waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  private readonly lines: string[] = [];
  private exited: string | undefined;

  constructor(conversation: string, env: Record<string, string>) {
    this.child = spawn(process.execPath, [bin, 'chat', '--json', '--conversation', conversation], { env: { ...process.env, ...env }, stdio: 'pipe' });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => (this.stderr += chunk));
    this.child.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        const next = this.waiting.shift();
        if (next) next.resolve(line);
        else this.lines.push(line);
      }
    });
    this.child.once('exit', (code, signal) => {
      this.exited = `pdta chat exited (${signal ?? code}) before replying: ${this.stderr.trim()}`;
      for (const w of this.waiting.splice(0)) w.reject(new Error(this.exited));
    });
  }

  say(message: string): Promise<Reply> {
    this.child.stdin.write(`${message}\n`);
    return new Promise<string>((resolve, reject) => {
      const ready = this.lines.shift();
      if (ready !== undefined) return resolve(ready);
      if (this.exited !== undefined) return reject(new Error(this.exited));
      this.waiting.push({ resolve, reject });
    }).then((line) => JSON.parse(line) as Reply);
  }

  kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }
}

describe.each(engines)('pdta chat killed with SIGKILL on $name', ({ env }) => {
  it('continues the walkthrough where it was', async () => {
    const vars = env();
    const conversation = unique('kill');
    const first = new ChatProcess(conversation, vars);
    await first.say('percorso guidato');
    const recorded = await first.say('fosforo alto');
    expect(renderPlainText(recorded)).toContain('TmP/GFR');
    await first.kill();

    const second = new ChatProcess(conversation, vars);
    const summary = renderPlainText(await second.say('riepilogo'));
    expect(summary).toContain('Fosforo sierico: alto');
    const next = renderPlainText(await second.say('no'));
    expect(next).toContain('Insufficienza renale cronica: no');
    await second.kill();
  }, 180_000);
});
