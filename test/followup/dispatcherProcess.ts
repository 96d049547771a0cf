/**
 * One dispatcher as its own process, for the multi-process tests:
 *   DATABASE_URL=… STORE_SCHEMA=… SLACK_API_URL=… SLACK_BOT_TOKEN=… REMINDER_SLACK_CHANNEL=… \
 *   npx tsx test/followup/dispatcherProcess.ts
 * Prints "ready" once it runs, stops cleanly on SIGTERM (printing its figures as JSON), and is
 * killed with SIGKILL by the crash test.
 */
import { pino } from 'pino';
import { startDispatcher } from '../../src/followup/dispatcher.js';
import { createSlackReminderTransport } from '../../src/channels/slack/reminderTransport.js';
import { openStore } from '../../src/store/database.js';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const store = await openStore({ databaseUrl: env('DATABASE_URL'), schema: env('STORE_SCHEMA'), maxConnections: 4 });
const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' }, process.stderr);
const transport = createSlackReminderTransport({
  token: env('SLACK_BOT_TOKEN'),
  channel: env('REMINDER_SLACK_CHANNEL'),
  slackApiUrl: env('SLACK_API_URL'),
  timeoutMs: Number(process.env['SEND_TIMEOUT_MS'] ?? 2_000),
  logger,
});
const dispatcher = startDispatcher({
  store,
  transport,
  logger,
  planner: false,
  batchSize: Number(process.env['BATCH_SIZE'] ?? 50),
  pollMs: Number(process.env['POLL_MS'] ?? 50),
  leaseMs: Number(process.env['LEASE_MS'] ?? 60_000),
  sendTimeoutMs: Number(process.env['SEND_TIMEOUT_MS'] ?? 2_000),
  concurrency: Number(process.env['CONCURRENCY'] ?? 4),
});
process.stdout.write('ready\n');

process.once('SIGTERM', () => {
  void dispatcher
    .stop()
    .then(() => store.close())
    .then(() => {
      process.stdout.write(`${JSON.stringify(dispatcher.stats())}\n`);
      process.exit(0);
    });
});
