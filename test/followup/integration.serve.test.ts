/**
 * `pdta serve` with REMINDER_SLACK_CHANNEL: the server starts the reminder dispatcher, a due
 * reminder reaches a loopback Slack stand-in once (and not again after a restart on the same
 * data), /metrics counts it, the members of the reminders' channel count as coordinators, and
 * shutdown stops the dispatcher before the store closes. The clock is injected: 10:00 in Rome on
 * Wednesday 4 March 2026, an hour after the reminder hour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMINDER_EVENT_TYPE } from '../../src/channels/slack/reminderTransport.js';
import { serve, type Served } from '../../src/server/serve.js';
import { buttonClick } from '../channels/slack/harness.js';
import { slackSignedHeaders } from '../channels/slack/slackSigner.js';
import { captureLogs, sample, tempDir, waitFor, type LogCapture } from '../server/serverHarness.js';
import { TestClock } from './fixtures.js';
import { startSlackStandIn, type SlackStandIn, type StoredMessage } from './slackStandIn.js';

const CHANNEL = 'C0REMINDERS';
const SIGNING_SECRET = 'serve-test-signing-secret-0123456789';
const SERIES = 'pdta_reminders_sent_total{channel="slack"}';

let standIn: SlackStandIn;
let dir: { path: string; remove(): void };
const clock = new TestClock('2026-03-04');

beforeAll(async () => {
  standIn = await startSlackStandIn({ members: ['U0MEMBER1'] });
  dir = tempDir('followup-serve');
});

afterAll(async () => {
  await standIn?.close();
  dir?.remove();
});

function start(logs: LogCapture): Promise<Served> {
  return serve({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir.path,
      LOG_LEVEL: 'info',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-serve-test',
      SLACK_API_URL: standIn.url,
      REMINDER_SLACK_CHANNEL: CHANNEL,
      COORDINATOR_USER_IDS: 'slack:U0COORD01',
      PSEUDONYM_PATTERN: 'TC-[0-9]{4}',
    },
    logger: logs.logger,
    followup: { clock: clock.now, pollMs: 50, planEveryMs: 100 },
  });
}

async function metric(url: string): Promise<number> {
  return sample(await (await fetch(`${url}/metrics`)).text(), SERIES);
}

function itemReminders(code: string): StoredMessage[] {
  return standIn.messages.filter((m) => JSON.stringify(m.blocks).includes(`Promemoria follow-up · ${code}`));
}

describe('pdta serve with REMINDER_SLACK_CHANNEL', () => {
  it('delivers a due reminder once, counts it in /metrics, and does not send it again after a restart', async () => {
    const logs = captureLogs();
    const served = await start(logs);
    let closed = false;
    try {
      expect(served.reminders).toBeDefined();
      const before = await metric(served.url);

      // Coordinators: COORDINATOR_USER_IDS and the members of the reminders' channel.
      expect(await served.followup.isCoordinator('slack:U0COORD01')).toBe(true);
      expect(await served.followup.isCoordinator('slack:U0MEMBER1')).toBe(true);
      expect(await served.followup.isCoordinator('slack:U0STRANGER')).toBe(false);
      // Identities are per platform: a Slack coordinator's id on a Teams activity is nobody.
      expect(await served.followup.isCoordinator('teams:U0COORD01')).toBe(false);
      expect(await served.followup.isCoordinator('teams:U0MEMBER1')).toBe(false);
      expect(await served.followup.isCoordinator('U0COORD01')).toBe(false);
      expect(standIn.membersCalls).toBe(1); // read once, then kept
      // The codes' format from PSEUDONYM_PATTERN.
      expect(served.followup.codeFormat.source).toBe('TC-[0-9]{4}');

      // Phosphate metabolism due 11 March: first reminder on 4 March at 09:00, already past.
      await served.followup.enrol('slack:U0MEMBER1', { code: 'TC-0200', lastExamsOn: '2025-09-11', therapy: null });
      // The dispatcher plans every planEveryMs by its clock, which stands still until moved.
      clock.advance(1_000);
      await waitFor('the reminder in Slack', async () => (itemReminders('TC-0200').length > 0 ? true : undefined), 10_000, 50);
      // The week's digest (Monday's, not sent yet since nobody was enrolled) goes out too.
      await waitFor('the digest in Slack', async () => (standIn.messages.length >= 2 ? true : undefined), 10_000, 50);
      await waitFor('the counter', async () => ((await metric(served.url)) - before === standIn.messages.length ? true : undefined), 5_000, 50);
      // Many more rounds and planning passes: nothing more is sent.
      await new Promise((r) => setTimeout(r, 800));

      const [reminder] = itemReminders('TC-0200');
      expect(itemReminders('TC-0200')).toHaveLength(1);
      expect(reminder).toMatchObject({ channel: CHANNEL, token: 'xoxb-serve-test', metadata: { event_type: REMINDER_EVENT_TYPE } });
      expect(JSON.stringify(reminder!.blocks)).toContain('pdta:followup:done:');
      expect(standIn.messages).toHaveLength(2);
      expect([...standIn.keyCounts().values()]).toEqual([1, 1]);
      expect((await metric(served.url)) - before).toBe(2);
      const rows = await served.store.db.selectFrom('reminder_outbox').select(['status', 'message_id']).execute();
      expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
      expect(new Set(rows.map((r) => r.message_id))).toEqual(new Set(standIn.messages.map((m) => m.ts)));

      await served.close();
      closed = true;
      expect(logs.lines().filter((l) => Number(l['level']) >= 50)).toEqual([]);
      const messages = logs.lines().map((l) => l['msg']);
      expect(messages).toContain('follow-up reminders dispatching');
      // The dispatcher stopped before the store closed (after which the server says "stopped").
      expect(messages.indexOf('follow-up reminders stopped')).toBeGreaterThan(-1);
      expect(messages.indexOf('follow-up reminders stopped')).toBeLessThan(messages.lastIndexOf('stopped'));
    } finally {
      if (!closed) await served.close();
    }

    // Same data, a new instance: the outbox knows what was sent.
    const again = await start(captureLogs());
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      expect(standIn.messages).toHaveLength(2);
      expect((await again.followup.list({ code: 'TC-0200' }))[0]?.items.length).toBe(2);
    } finally {
      await again.close();
    }
  }, 90_000);

  it('a coordinator presses "Fatto" on the delivered reminder: the reminder message is updated in place', async () => {
    const [reminder] = itemReminders('TC-0200');
    expect(reminder).toBeDefined();
    type Button = { type: string; action_id: string; value: string; text: { text: string } };
    const blocks = reminder!.blocks as Array<{ type: string; elements?: Button[] }>;
    const done = blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : [])).find((e) => e.value.startsWith('pdta:followup:done:'))!;
    const served = await start(captureLogs());
    try {
      // Slack's block_actions for that button on that message, signed as Slack signs it.
      const fields = buttonClick(
        { action_id: done.action_id, value: done.value, text: done.text.text },
        { channel: CHANNEL, messageTs: reminder!.ts, responseUrl: 'https://hooks.slack.com/actions/T0TEAM001/1/x', user: 'U0COORD01' },
      );
      const raw = new URLSearchParams(fields).toString();
      const res = await fetch(`${served.url}/slack/events`, { method: 'POST', headers: slackSignedHeaders(SIGNING_SECRET, raw, 'application/x-www-form-urlencoded'), body: raw });
      expect(res.status).toBe(200);
      await waitFor('the reminder updated', async () => (standIn.updates.length > 0 ? true : undefined), 10_000, 50);
      const [update] = standIn.updates;
      expect(update).toMatchObject({ channel: CHANNEL, ts: reminder!.ts });
      const updated = JSON.stringify(update!.blocks);
      expect(updated).not.toContain('"actions"');
      expect(updated).toContain('✅ TC-0200 · Fatto da <@U0COORD01> · 4 marzo 2026, 10:00');
      // Still the reminder the delivery check finds by its key.
      expect(standIn.keyCounts().size).toBe(2);
      expect(itemReminders('TC-0200')).toHaveLength(1);
      expect((await served.followup.list({ code: 'TC-0200' }))[0]?.items.find((i) => i.ruleId === 'followup.phosphate-metabolism')?.dueOn).toBe('2026-09-04');
    } finally {
      await served.close();
    }
  }, 60_000);

  it('without a reminder target no dispatcher runs', async () => {
    const logs = captureLogs();
    const other = tempDir('followup-serve-none');
    const served = await serve({ env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: other.path, LOG_LEVEL: 'info' }, logger: logs.logger });
    try {
      expect(served.reminders).toBeUndefined();
      expect(logs.lines().map((l) => l['msg'])).toContain(
        'follow-up reminders not dispatched: set REMINDER_SLACK_CHANNEL or REMINDER_TEAMS_CONVERSATION_ID (docs/followup.md)',
      );
    } finally {
      await served.close();
      other.remove();
    }
  }, 60_000);
});
