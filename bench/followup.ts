/**
 * Follow-up reminders at scale: with 100,000 enrolled patients, how long planning a day's
 * reminders into the outbox takes, and how fast the dispatcher delivers them to a loopback Slack
 * stand-in. On PGlite (in memory) always, and on PostgreSQL when TEST_DATABASE_URL is set.
 *
 * Baselines measured in the same run:
 * - planning: inserting the same number of outbox rows directly, nothing computed (the floor of
 *   writing them at all);
 * - delivery: a bare WebClient posting the same messages to the same stand-in with the same
 *   concurrency, no database (the floor of talking to Slack).
 */
import { randomBytes } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { sql } from 'kysely';
import { pino } from 'pino';
import { loadContent } from '../src/content/load.js';
import { addDays, zonedInstant } from '../src/followup/dates.js';
import { createDispatcher } from '../src/followup/dispatcher.js';
import { ReminderPlanner } from '../src/followup/planner.js';
import { FollowupService } from '../src/followup/service.js';
import { reminderReply } from '../src/followup/message.js';
import { createSlackReminderTransport, reminderSlackMessage } from '../src/channels/slack/reminderTransport.js';
import { scheduleRules } from '../src/followup/rules.js';
import { openStore, type Store } from '../src/store/database.js';
import { withMigrationLock } from '../src/store/migrate.js';
import { ReminderOutbox } from '../src/store/reminderOutbox.js';
import { samplePayload } from '../test/followup/fixtures.js';
import { startSlackStandIn } from '../test/followup/slackStandIn.js';
import { report } from './stats.js';

const PATIENTS = Number(process.env['BENCH_FOLLOWUP_PATIENTS'] ?? 100_000);
const CONCURRENCY = 4;
/** Enrolment day; the bench plans the next day as "a day". */
const ENROLLED_ON = '2026-03-16';

/** A registry of `n` patients: exams in the last 6 months, a third on neridronate, a third on zoledronate. */
function registryCsv(n: number): string {
  const lines = ['code,last_exams,therapy,therapy_last_given'];
  for (let i = 0; i < n; i += 1) {
    const exams = addDays(ENROLLED_ON, -(i % 180));
    // Each third of the patients with a last administration spread evenly over the therapy's own interval.
    const k = Math.floor(i / 3);
    const therapy = i % 3 === 0 ? `neridronato,${addDays(ENROLLED_ON, -(k % 90))}` : i % 3 === 1 ? `zoledronato,${addDays(ENROLLED_ON, -(k % 365))}` : ',';
    lines.push(`BN-${String(i).padStart(6, '0')},${exams},${therapy}`);
  }
  return lines.join('\n') + '\n';
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function runOn(engine: 'pglite' | 'postgres', store: Store): Promise<Record<string, number>> {
  const content = loadContent();
  const at = (day: string, hour = 10) => zonedInstant(day, hour);
  let now = at(ENROLLED_ON);
  const clock = () => now;
  const service = new FollowupService({ db: store.db, content, clock, isCoordinator: () => true });

  let t = process.hrtime.bigint();
  const imported = await service.importCsv('bench', registryCsv(PATIENTS), { dryRun: false });
  const enrolMs = ms(t);
  if (imported.counts.added !== PATIENTS) throw new Error(`enrolled ${imported.counts.added} of ${PATIENTS}`);

  const planner = new ReminderPlanner({ db: store.db, content, targets: ['slack'] });
  // Enrolment day: everything due within the lead time is reminded at once (the catch-up).
  now = at(ENROLLED_ON);
  t = process.hrtime.bigint();
  const first = await planner.plan(now);
  const firstMs = ms(t);
  // The next day: a day's reminders in the steady state.
  now = at(addDays(ENROLLED_ON, 1));
  t = process.hrtime.bigint();
  const day = await planner.plan(now);
  const dayMs = ms(t);

  // Baseline: the same number of outbox rows, inserted as they are.
  const outbox = new ReminderOutbox(store.db);
  const rows = Array.from({ length: day.items }, (_, i) => ({
    dedupeKey: `baseline:${i}`,
    target: 'baseline',
    kind: 'due' as const,
    itemId: null,
    payload: samplePayload(i + 1),
    sendAt: now,
  }));
  t = process.hrtime.bigint();
  await outbox.enqueue(rows, now);
  const insertMs = ms(t);
  await store.db.deleteFrom('reminder_outbox').where('target', '=', 'baseline').execute();

  // Delivery of everything planned (both days), one dispatcher, against the stand-in.
  const standIn = await startSlackStandIn();
  const pending = first.enqueued + day.enqueued;
  const logger = pino({ level: 'silent' });
  const dispatcher = createDispatcher({
    store,
    transport: createSlackReminderTransport({ token: 'xoxb-bench', channel: 'C0BENCH', slackApiUrl: standIn.url, logger }),
    logger,
    planner: false,
    content,
    clock: () => new Date(Math.max(Date.now(), now.getTime())),
    concurrency: CONCURRENCY,
  });
  t = process.hrtime.bigint();
  while ((await dispatcher.runOnce()).claimed > 0);
  const dispatchMs = ms(t);
  const delivered = standIn.keyCounts().size;
  if (delivered !== pending) throw new Error(`delivered ${delivered} of ${pending}`);

  // Baseline: the same number of messages with the same blocks, bare WebClient, same concurrency.
  const { text, blocks } = reminderSlackMessage({ reply: reminderReply(samplePayload(1), scheduleRules(content)), idempotencyKey: 'baseline' });
  const client = new WebClient('xoxb-bench', { slackApiUrl: standIn.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  let next = 0;
  t = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < pending) {
        next += 1;
        await client.chat.postMessage({ channel: 'C0BENCH', text, blocks, metadata: { event_type: 'bench', event_payload: { key: String(next) } } });
      }
    }),
  );
  const bareMs = ms(t);
  await standIn.close();

  const figures = {
    [`followup.${engine}.patients`]: PATIENTS,
    [`followup.${engine}.enrol_all_ms`]: enrolMs,
    [`followup.${engine}.plan_first_day_reminders`]: first.items,
    [`followup.${engine}.plan_first_day_ms`]: firstMs,
    [`followup.${engine}.plan_day_reminders`]: day.items,
    [`followup.${engine}.plan_day_ms`]: dayMs,
    [`followup.${engine}.baseline_insert_rows_ms`]: insertMs,
    [`followup.${engine}.dispatch_per_s`]: (pending / dispatchMs) * 1000,
    [`followup.${engine}.baseline_bare_webclient_per_s`]: (pending / bareMs) * 1000,
  };
  report(`follow-up reminders on ${engine} (${PATIENTS.toLocaleString('en')} patients)`, figures, [
    `enrolling ${PATIENTS.toLocaleString('en')} patients by CSV import: ${(enrolMs / 1000).toFixed(1)} s`,
    `a day's reminders (${day.items} items): planned and enqueued in ${dayMs.toFixed(0)} ms; inserting as many rows bare: ${insertMs.toFixed(0)} ms, ratio ${(dayMs / insertMs).toFixed(2)}×`,
    `the enrolment day's catch-up (${first.items} items): ${firstMs.toFixed(0)} ms`,
    `delivery of ${pending} reminders: ${figures[`followup.${engine}.dispatch_per_s`]!.toFixed(0)}/s; bare WebClient to the same stand-in: ${figures[`followup.${engine}.baseline_bare_webclient_per_s`]!.toFixed(0)}/s, ratio ${(bareMs / dispatchMs).toFixed(2)}`,
  ]);
  return figures;
}

export async function benchFollowup(): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  const pglite = await openStore({ memory: true });
  try {
    Object.assign(results, await runOn('pglite', pglite));
  } finally {
    await pglite.close();
  }
  const url = process.env['TEST_DATABASE_URL'];
  if (!url) {
    console.log('- PostgreSQL skipped: set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)');
    return results;
  }
  const schema = `bench_followup_${randomBytes(4).toString('hex')}`;
  const postgres = await openStore({ databaseUrl: url, schema, maxConnections: 4 });
  try {
    Object.assign(results, await runOn('postgres', postgres));
  } finally {
    await postgres.db.connection().execute((db) => withMigrationLock(db, () => sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)));
    await postgres.close();
  }
  return results;
}
