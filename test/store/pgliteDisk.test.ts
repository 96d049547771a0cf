import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createActor } from 'xstate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DosingAudit } from '../../src/store/audit.js';
import { ConversationStore } from '../../src/store/conversations.js';
import { openStore, type Store } from '../../src/store/database.js';
import { createPgliteDataDir, isInitialised } from '../../src/store/pgliteDataDir.js';
import { ProcessedEvents } from '../../src/store/events.js';
import { walkthroughMachine } from './walkthroughMachine.js';
import { writeSnapshot } from './writeSnapshot.js';

const MACHINE = { machineId: 'walkthrough', machineVersion: 1 };
const now = new Date('2030-03-04T08:00:00Z');
const key = { channel: 'slack', conversationId: 'C024BE91L', threadId: '1712345678.000100' };

describe('PGlite on disk', () => {
  let dataDir: string;
  const open: Store[] = [];

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pdta-store-'));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
    await rm(dataDir, { recursive: true, force: true });
  });

  async function openAt(dir: string): Promise<Store> {
    const store = await openStore({ dataDir: dir });
    open.push(store);
    return store;
  }

  it('keeps a walkthrough, an audit entry and an event id across a restart', async () => {
    const before = await openAt(dataDir);
    expect(before.engine).toBe('pglite');
    const actor = createActor(walkthroughMachine).start();
    actor.send({ type: 'NEXT' });
    actor.send({ type: 'WEIGHT', kg: 18 });
    // The turn that showed the dose wrote it with the snapshot, as every turn does.
    await writeSnapshot(
      before,
      new ConversationStore(before.db),
      key,
      { ...MACHINE, snapshot: actor.getPersistedSnapshot(), lang: 'it', now, ttlMs: 3_600_000 },
      [
        {
          at: now,
          channel: 'slack',
          userRef: 'U0123ABCD',
          drug: 'neridronate',
          population: 'child',
          weightKg: 18,
          result: '36 mg every 3 months i.v.',
          rule: '2 mg/kg every 3 months i.v.',
          contentVersion: '2024.1',
        },
      ],
    );
    actor.stop();
    await new ProcessedEvents(before.db).markProcessed('slack', 'Ev0PV52K21', now);
    await before.close();
    expect(existsSync(join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);

    const after = await openAt(dataDir);
    // The reopen ran the migrator again: it found nothing to do.
    const { rows: migrations } = await sql<{ name: string }>`select name from kysely_migration`.execute(after.db);
    expect(migrations).toEqual([{ name: '001_initial' }, { name: '003_followup' }, { name: '004_followup_last_given' }, { name: '005_followup_code_format' }]);
    const loaded = await new ConversationStore(after.db).load(key, { ...MACHINE, now });
    if (loaded.status !== 'found') throw new Error(`expected the walkthrough back, got ${loaded.status}`);
    const restored = createActor(walkthroughMachine, { snapshot: loaded.snapshot });
    expect(restored.getSnapshot().value).toBe('dosing');
    expect(restored.getSnapshot().context.weightKg).toBe(18);
    expect(await new DosingAudit(after.db).listDosing({ limit: 10 })).toMatchObject([
      { userRef: 'U0123ABCD', result: '36 mg every 3 months i.v.', weightKg: 18 },
    ]);
    expect(await new ProcessedEvents(after.db).markProcessed('slack', 'Ev0PV52K21', now)).toBe(false);
  });

  it('refuses a second store on a data directory that is open, and frees it at close', async () => {
    const first = await openAt(dataDir);
    await expect(openStore({ dataDir })).rejects.toMatchObject({ code: 'DATA_DIR_IN_USE' });
    expect(await readFile(join(dataDir, 'pglite.lock'), 'utf8')).toBe(`${process.pid}\n`);

    await first.close();
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);
    await openAt(dataDir);
  });

  it('takes over the lock of a process that died without closing', async () => {
    await (await openAt(dataDir)).close();
    // No live process has this pid: above the kernel's default pid_max.
    await writeFile(join(dataDir, 'pglite.lock'), '4194305\n');

    const store = await openAt(dataDir);
    expect(await new ProcessedEvents(store.db).markProcessed('slack', 'Ev1', now)).toBe(true);
  });

  it('creates a new data directory (in a worker thread of its own) and opens an existing one as it is', async () => {
    const dir = join(dataDir, 'pglite');
    expect(isInitialised(dir)).toBe(false);
    await createPgliteDataDir(dir, ['shared_buffers=16MB']);
    expect(isInitialised(dir)).toBe(true);
    const stamp = await readFile(join(dir, 'PG_VERSION'), 'utf8');
    // Already a database: left as it is.
    await createPgliteDataDir(dir, ['shared_buffers=16MB']);
    expect(await readFile(join(dir, 'PG_VERSION'), 'utf8')).toBe(stamp);
    // openStore() takes the directory created so, and keeps what is written across a reopen.
    const store = await openAt(dataDir);
    expect(await new ProcessedEvents(store.db).markProcessed('slack', 'EvNew', now)).toBe(true);
    await store.close();
    open.splice(0);
    const again = await openAt(dataDir);
    expect(await new ProcessedEvents(again.db).markProcessed('slack', 'EvNew', now)).toBe(false);
  });

  it('says which directory could not be created', async () => {
    const blocked = join(dataDir, 'a-file');
    await writeFile(blocked, 'not a directory');
    await expect(createPgliteDataDir(join(blocked, 'pglite'), [])).rejects.toThrow(`could not create the PGlite data directory ${join(blocked, 'pglite')}`);
  });
});
