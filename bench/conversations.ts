/**
 * Conversation turns with persistence, on PGlite and on PostgreSQL (TEST_DATABASE_URL or
 * DATABASE_URL): the cost of one turn (load snapshot, understand, transition, render, save), the
 * largest snapshot stored, and the process's memory while 100,000 conversations are stored.
 * Baseline in the same run: the same turns without persistence (in-memory snapshots).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAssistant } from '../src/engine/openAssistant.js';
import { MemoryConversationSnapshots, SqlConversationSnapshots, type ConversationSnapshots } from '../src/server/conversationSnapshots.js';
import { TurnConversationService } from '../src/server/turnConversationService.js';
import { ConversationStore } from '../src/store/conversations.js';
import { openStore, type StoreConfig } from '../src/store/database.js';
import { sql } from 'kysely';
import { median, percentile, report } from './stats.js';

// A conversation as a team has it: a walkthrough with findings, a dose, a differential, a topic
// change, and TmP/GFR values given one per message (the largest context a snapshot carries).
const SCRIPT = [
  'percorso guidato', 'fosforo alto', 'no', 'sì', 'riepilogo', 'step 2', 'FGF23',
  'neridronato', 'bambino', '18 kg', 'diagnosi differenziale guidata', 'no', 'no', 'non è in un tendine',
  'cosa prevede lo step 3?', 'calcolo TmP/GFR', 'fosforo sierico 2,0 mmol/L', 'creatinina sierica 80 µmol/L',
  'ogni quanto i controlli?', 'menu',
];

class MeasuredSnapshots implements ConversationSnapshots {
  maxBytes = 0;
  sizes: number[] = [];
  constructor(private readonly inner: ConversationSnapshots) {}
  load(...args: Parameters<ConversationSnapshots['load']>) {
    return this.inner.load(...args);
  }
  commit(...[key, write]: Parameters<ConversationSnapshots['commit']>) {
    const bytes = Buffer.byteLength(JSON.stringify(write.snapshot));
    this.sizes.push(bytes);
    this.maxBytes = Math.max(this.maxBytes, bytes);
    return this.inner.commit(key, write);
  }
}

async function turns(service: TurnConversationService, conversations: number, label: string): Promise<number[]> {
  const times: number[] = [];
  for (let c = 0; c < conversations; c += 1) {
    for (const text of SCRIPT) {
      const start = process.hrtime.bigint();
      await service.handle({ channel: 'web', conversationId: `${label}-${c}`, userRef: 'bench', input: { text } });
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return times;
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

async function onEngine(name: string, config: StoreConfig, stored: number): Promise<Record<string, number>> {
  const assistant = await openAssistant();
  const store = await openStore(config);
  const ttl = 24 * 60 * 60_000;
  const snapshots = new MeasuredSnapshots(new SqlConversationSnapshots(new ConversationStore(store.db, { serverDatabase: store.engine === 'postgres' }), ttl));
  const service = new TurnConversationService({ assistant, snapshots });
  const run = `${name}-${Date.now()}`;
  await turns(service, 5, `${run}-warm`);
  const perTurn = await turns(service, 50, run);

  // Memory while many conversations are stored: one turn each, heap sampled after GC.
  const samples: number[] = [heapMb()];
  const step = Math.max(1, Math.floor(stored / 10));
  for (let c = 0; c < stored; c += 1) {
    await service.handle({ channel: 'web', conversationId: `${run}-many-${c}`, userRef: 'bench', input: { text: c % 2 ? 'neridronato bambino 18 kg' : 'percorso guidato' } });
    if ((c + 1) % step === 0) samples.push(heapMb());
  }
  const count = await sql<{ n: string }>`select count(*)::text as n from conversations`.execute(store.db);
  await store.close();
  const first = samples[1] ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  return {
    [`conversations.${name}.turn_median_ms`]: median(perTurn),
    [`conversations.${name}.turn_p99_ms`]: percentile(perTurn, 0.99),
    [`conversations.${name}.snapshot_max_bytes`]: snapshots.maxBytes,
    [`conversations.${name}.snapshot_median_bytes`]: median(snapshots.sizes),
    [`conversations.${name}.stored_conversations`]: Number(count.rows[0]?.n ?? 0),
    [`conversations.${name}.heap_first_tenth_mb`]: first,
    [`conversations.${name}.heap_end_mb`]: last,
    [`conversations.${name}.heap_growth_mb`]: last - first,
  };
}

export async function benchConversations(): Promise<Record<string, number>> {
  const stored = Number(process.env['BENCH_CONVERSATIONS'] ?? 100_000);
  const assistant = await openAssistant();
  const memory = new TurnConversationService({ assistant, snapshots: new MemoryConversationSnapshots() });
  await turns(memory, 5, 'warm');
  const baseline = await turns(memory, 50, 'mem');
  const figures: Record<string, number> = { 'conversations.in_memory.turn_median_ms': median(baseline) };

  const dir = mkdtempSync(join(tmpdir(), 'pdta-bench-'));
  try {
    Object.assign(figures, await onEngine('pglite', { dataDir: dir }, stored));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env['TEST_DATABASE_URL'] || process.env['DATABASE_URL'];
  if (url) {
    const schema = `bench_${Date.now()}`;
    Object.assign(figures, await onEngine('postgres', { databaseUrl: url, schema }, stored));
    const cleanup = await openStore({ databaseUrl: url, schema });
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(cleanup.db);
    await cleanup.close();
  }
  const lines = [`in-memory turn median ${figures['conversations.in_memory.turn_median_ms']!.toFixed(3)} ms (baseline: no persistence)`];
  for (const engine of ['pglite', 'postgres']) {
    const m = (k: string) => figures[`conversations.${engine}.${k}`];
    if (m('turn_median_ms') === undefined) continue;
    lines.push(
      `${engine}: turn median ${m('turn_median_ms')!.toFixed(3)} ms (p99 ${m('turn_p99_ms')!.toFixed(2)} ms; target ≤ 2 ms on PostgreSQL), ` +
        `largest snapshot ${m('snapshot_max_bytes')} B (target ≤ 2048), ${m('stored_conversations')} conversations stored, ` +
        `heap ${m('heap_first_tenth_mb')!.toFixed(1)} → ${m('heap_end_mb')!.toFixed(1)} MB`,
    );
  }
  report('conversations (turn with persistence)', figures, lines);
  return figures;
}
