import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handleFollowupButton } from '../../src/followup/buttons.js';
import { createDispatcher, startDispatcher } from '../../src/followup/dispatcher.js';
import { reminderReply } from '../../src/followup/message.js';
import { ReminderPlanner } from '../../src/followup/planner.js';
import { scheduleRules } from '../../src/followup/rules.js';
import { createSlackReminderTransport } from '../../src/channels/slack/reminderTransport.js';
import { createTeamsReminderTransport } from '../../src/channels/teams/reminderTransport.js';
import { ReminderDeliveryError, type ReminderTransport } from '../../src/core/reminders.js';
import type { Reply } from '../../src/reply/model.js';
import { ReminderOutbox } from '../../src/store/reminderOutbox.js';
import { notePostgresSkipped, testEngines, type TestStore } from '../store/engines.js';
import { COORDINATOR, TestClock, content, makeService, quietLogger, samplePayload } from './fixtures.js';
import { startSlackStandIn, type SlackStandIn } from './slackStandIn.js';

notePostgresSkipped();

const CHANNEL = 'C0REMINDERS';

describe.each(testEngines)('delivering reminders on $name', (engine) => {
  let opened: TestStore;
  let standIn: SlackStandIn;
  let outbox: ReminderOutbox;
  const logger = quietLogger();

  beforeAll(async () => {
    opened = await engine.open('followup_dispatch');
    outbox = new ReminderOutbox(opened.store.db);
  });
  afterAll(async () => {
    await opened?.dispose();
  });
  beforeEach(async () => {
    await standIn?.close();
    standIn = await startSlackStandIn();
    await sql`truncate followup_patients, followup_items, followup_audit, reminder_outbox restart identity cascade`.execute(opened.store.db);
  });
  afterAll(async () => {
    await standIn?.close();
  });

  function slack(token = 'xoxb-test'): ReminderTransport {
    return createSlackReminderTransport({ token, channel: CHANNEL, slackApiUrl: standIn.url, timeoutMs: 2_000, logger });
  }

  async function enqueue(n: number, sendAt = new Date(Date.now() - 1_000), target = 'slack'): Promise<void> {
    await outbox.enqueue(
      Array.from({ length: n }, (_, i) => ({ dedupeKey: `${target}:test:${sendAt.getTime()}:${i}`, target, kind: 'due' as const, itemId: null, payload: samplePayload(i + 1), sendAt })),
      new Date(),
    );
  }

  async function rows() {
    return opened.store.db.selectFrom('reminder_outbox').selectAll().orderBy('id').execute();
  }

  async function drain(dispatcher: { runOnce(): Promise<{ claimed: number }> }): Promise<void> {
    for (let i = 0; i < 1000; i += 1) if ((await dispatcher.runOnce()).claimed === 0) return;
  }

  function expectEachKeyOnce(n: number): void {
    const counts = standIn.keyCounts();
    expect(counts.size).toBe(n);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
  }

  it('delivers each due reminder once, with its idempotency key in the message metadata, and records the ts', async () => {
    await enqueue(120);
    await enqueue(5, new Date(Date.now() + 3_600_000)); // not due yet
    const dispatcher = createDispatcher({ store: opened.store, transport: slack(), logger, planner: false, batchSize: 50 });
    await drain(dispatcher);
    expectEachKeyOnce(120);
    const all = await rows();
    const sent = all.filter((r) => r.status === 'sent');
    expect(sent).toHaveLength(120);
    expect(all.filter((r) => r.status === 'pending')).toHaveLength(5);
    const byKey = new Map(standIn.messages.map((m) => [m.metadata?.event_payload['key'], m]));
    for (const row of sent) expect(row.message_id).toBe(byKey.get(`reminder:${row.id}`)?.ts);

    const message = standIn.messages[0]!;
    expect(message).toMatchObject({ channel: CHANNEL, metadata: { event_type: 'pdta_reminder' } });
    expect(message.text).toContain('Promemoria follow-up · TC-00001');
    const actions = (message.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions');
    // Rendered as every answer's buttons are (src/reply/blockKit.ts); the Slack channel routes a click by its value.
    expect(actions?.elements?.map((e) => [e.action_id, e.value])).toEqual([
      ['pdta:action:it:0', 'pdta:followup:booked:1'],
      ['pdta:action:it:1', 'pdta:followup:done:1'],
      ['pdta:action:it:2', 'pdta:followup:snooze:1'],
      ['pdta:action:it:3', 'pdta:followup:not-applicable:1'],
    ]);
  });

  it('rides out a stand-in answering 429 with Retry-After for a while, and delivers everything once', async () => {
    await enqueue(100);
    const started = Date.now();
    standIn.rateLimitUntil(started + 1_500, 1);
    const running = startDispatcher({ store: opened.store, transport: slack(), logger, planner: false, pollMs: 50, batchSize: 25 });
    try {
      for (let i = 0; i < 200 && (await rows()).some((r) => r.status !== 'sent'); i += 1) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await running.stop();
    }
    expectEachKeyOnce(100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(standIn.rateLimited).toBeGreaterThan(0);
    // Retry-After pauses the whole target: a handful of 429s per window, not one per reminder per poll.
    expect(standIn.rateLimited).toBeLessThanOrEqual(2 * 4);
    expect((await rows()).some((r) => r.attempts > 0)).toBe(true);
    expect(running.stats().failed).toBe(standIn.rateLimited);
  });

  it('does not send twice after a worker died between sending and recording: the next one finds the message by its key', async () => {
    await enqueue(40);
    // A worker claims the batch with a 1 s lease, posts half of it, and dies before recording anything.
    const t0 = new Date();
    const dead = await outbox.claim({ targets: ['slack'], now: t0, leaseMs: 1_000, limit: 100 });
    expect(dead).toHaveLength(40);
    const transport = slack();
    for (const claim of dead.slice(0, 20)) {
      const payload = samplePayload(Number(claim.id));
      await transport.send({ id: claim.id, idempotencyKey: `reminder:${claim.id}`, kind: 'due', payload, reply: reminderReply(payload, scheduleRules(content())), attempts: 0, earlierAttempt: null });
    }
    // Nothing is claimable while the lease holds.
    expect(await outbox.claim({ targets: ['slack'], now: t0, leaseMs: 1_000, limit: 100 })).toEqual([]);
    const later = () => new Date(Date.now() + 2_000);
    const dispatcher = createDispatcher({ store: opened.store, transport, logger, planner: false, clock: later, batchSize: 100 });
    await drain(dispatcher);
    expectEachKeyOnce(40);
    expect(dispatcher.stats()).toMatchObject({ alreadyDelivered: 20, sent: 20 });
    expect(standIn.historyCalls).toBe(1); // one read of the history for the whole batch
    expect((await rows()).every((r) => r.status === 'sent' && r.message_id !== null)).toBe(true);
  });

  it('after a send whose answer was lost, asks before sending again; after one that never left, sends', async () => {
    await enqueue(10);
    const inner = slack();
    const failedOnce = new Set<string>();
    const flaky: ReminderTransport = {
      target: 'slack',
      async send(r) {
        if (!failedOnce.has(r.id)) {
          failedOnce.add(r.id);
          // Even ids: Slack posted it, the answer was lost. Odd: the request never got there.
          if (Number(r.id) % 2 === 0) await inner.send(r);
          throw new ReminderDeliveryError('socket hang up', { notDelivered: false });
        }
        return inner.send(r);
      },
      alreadySent: (r) => inner.alreadySent!(r),
    };
    const clock = new TestClock('2026-03-02');
    clock.set(new Date());
    const dispatcher = createDispatcher({ store: opened.store, transport: flaky, logger, planner: false, clock: clock.now, random: () => 0.5 });
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 10, failed: 10 });
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 0 }); // backing off
    clock.advance(1_001);
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 10, alreadyDelivered: 5, sent: 5 });
    expectEachKeyOnce(10);
  });

  it('never sends blind when the check itself fails: it waits and asks again', async () => {
    await enqueue(3);
    const dead = await outbox.claim({ targets: ['slack'], now: new Date(), leaseMs: 1_000, limit: 10 });
    expect(dead).toHaveLength(3);
    const inner = slack();
    let historyUp = false;
    const transport: ReminderTransport = {
      target: 'slack',
      send: (r) => inner.send(r),
      alreadySent: async (r) => {
        if (!historyUp) throw new ReminderDeliveryError('conversations.history unavailable', { notDelivered: false });
        return inner.alreadySent!(r);
      },
    };
    const clock = new TestClock('2026-03-02');
    clock.set(new Date(Date.now() + 2_000));
    const dispatcher = createDispatcher({ store: opened.store, transport, logger, planner: false, clock: clock.now, random: () => 0.5 });
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 3, failed: 3, sent: 0 });
    expect(standIn.messages).toHaveLength(0);
    historyUp = true;
    clock.advance(60_000);
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 3, sent: 3 });
    expectEachKeyOnce(3);
  });

  it('lets two dispatchers share the outbox without ever claiming the same reminder', async () => {
    await enqueue(300);
    const a = createDispatcher({ store: opened.store, transport: slack('xoxb-a'), logger, planner: false, batchSize: 20 });
    const b = createDispatcher({ store: opened.store, transport: slack('xoxb-b'), logger, planner: false, batchSize: 20 });
    await Promise.all([drain(a), drain(b)]);
    expectEachKeyOnce(300);
    expect(a.stats().sent + b.stats().sent).toBe(300);
    expect(a.stats().sent).toBeGreaterThan(0);
    expect(b.stats().sent).toBeGreaterThan(0);
  });

  it('posts to Teams through the channel’s proactive messages, keeps the activity id, waits out a throttle', async () => {
    await enqueue(3, new Date(Date.now() - 1_000), 'teams');
    const sent: Array<{ conversationId: string; replies: Reply[] }> = [];
    let throttled = false;
    const teams = createTeamsReminderTransport({
      conversationId: '19:coordinators@thread.tacv2',
      sendProactive: async (conversationId, replies) => {
        if (!throttled) {
          throttled = true;
          throw Object.assign(new Error('Too Many Requests'), { statusCode: 429, response: { headers: new Headers({ 'retry-after': '1' }) } });
        }
        sent.push({ conversationId, replies });
        // The shape src/channels/teams returns.
        return { activityIds: [`act-${sent.length}`] };
      },
    });
    const clock = new TestClock('2026-03-02');
    clock.set(new Date());
    const dispatcher = createDispatcher({ store: opened.store, transport: teams, logger, planner: false, clock: clock.now, concurrency: 1 });
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 3, failed: 1, released: 2 });
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 0 }); // paused for Retry-After
    clock.advance(1_000);
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 3, sent: 3 });
    expect(sent).toHaveLength(3);
    expect(sent[0]?.conversationId).toBe('19:coordinators@thread.tacv2');
    expect(sent[0]?.replies[0]?.actions.map((a) => a.value)).toEqual([
      'pdta:followup:booked:1',
      'pdta:followup:done:1',
      'pdta:followup:snooze:1',
      'pdta:followup:not-applicable:1',
    ]);
    expect((await rows()).map((r) => r.message_id).sort()).toEqual(['act-1', 'act-2', 'act-3']);
  });

  it('end to end: an enrolment is reminded at 09:00 Rome with buttons, and "done" from the button schedules the next', async () => {
    const clock = new TestClock('2026-03-20');
    const service = makeService(opened.store.db, clock);
    const patient = await service.enrol(COORDINATOR, { code: 'TC-0042', lastExamsOn: '2025-10-05', therapy: null });
    const item = patient.items.find((i) => i.ruleId === 'followup.phosphate-metabolism')!;
    const planner = new ReminderPlanner({ db: opened.store.db, content: content(), targets: ['slack'] });
    const dispatcher = createDispatcher({ store: opened.store, transport: slack(), logger, planner, clock: clock.now });

    clock.at('2026-03-29', 8);
    await dispatcher.planIfDue();
    await drain(dispatcher);
    expect(standIn.messages.filter((m) => m.text.includes('TC-0042'))).toHaveLength(0);

    clock.set(new Date('2026-03-29T07:00:00Z')); // 09:00 in Rome, summer time since this morning
    await dispatcher.planIfDue();
    await drain(dispatcher);
    const reminder = standIn.messages.find((m) => m.text.includes('TC-0042'));
    expect(reminder?.text).toContain('tra 7 giorni');
    const done = JSON.stringify(reminder?.blocks).match(/pdta:followup:done:\d+/)?.[0];
    expect(done).toBe(`pdta:followup:done:${item.id}`);

    clock.at('2026-04-02', 11);
    const clicked = await handleFollowupButton(service, { value: done!, userRef: COORDINATOR });
    expect(clicked).toMatchObject({ ok: true, next: { dueOn: '2026-10-02' } });
    clock.at('2026-04-13', 9); // a week after the due date: nothing, it was done
    await dispatcher.planIfDue();
    await drain(dispatcher);
    expect(standIn.messages.filter((m) => m.text.includes('TC-0042') && !m.text.includes('Riepilogo'))).toHaveLength(1);
  });
});
