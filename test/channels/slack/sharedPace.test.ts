/**
 * Reminders and answers share one pacer (src/app/compose.ts builds it once): over real HTTP to the
 * loopback stand-in, a reminder into a channel takes its turn after the answers already posted
 * there, and a 429 on the reminders' channel holds that channel only. The pace is read on an
 * injected clock (each wait moves it on); a 429's wait is held open by the test, so what happens
 * meanwhile is asserted by order, not by time.
 */
import { describe, expect, it, vi } from 'vitest';
import { ChannelPacer } from '../../../src/channels/slack/channelPacer.js';
import { PacedChatPoster } from '../../../src/channels/slack/chatPoster.js';
import { createSlackReminderTransport } from '../../../src/channels/slack/reminderTransport.js';
import { createSlackWebClient } from '../../../src/channels/slack/webClient.js';
import { ReminderDeliveryError, type OutboundReminder } from '../../../src/core/reminders.js';
import type { Reply } from '../../../src/reply/model.js';
import { FakeClock } from './fakeClock.js';
import { ANSWER as MESSAGE, slackApiForThisFile } from './clientFixture.js';
import { LogCapture } from './harness.js';

const PACE_MS = 1_000;
const REMINDERS = 'CREMINDERS';

const slack = slackApiForThisFile();

function reminder(id: string): OutboundReminder {
  const reply: Reply = { lang: 'it', kind: 'answer', blocks: [{ type: 'text', body: `Promemoria ${id}: esami di controllo` }], warnings: [], citations: [], actions: [], itemIds: [] };
  return { id, idempotencyKey: `reminder:${id}`, kind: 'due' as OutboundReminder['kind'], payload: {} as OutboundReminder['payload'], reply, attempts: 0, earlierAttempt: null } as OutboundReminder;
}

/** Answers and reminders as the composition root wires them: one pacer for both. */
function wired(clock: FakeClock, turnWaitMs?: number) {
  const logs = new LogCapture('info');
  const pacer = new ChannelPacer({ paceMs: PACE_MS, logger: logs.logger, now: clock.now, sleep: clock.sleep });
  const answers = new PacedChatPoster(createSlackWebClient('xoxb-answers', { apiUrl: slack.api.apiUrl, logger: logs.logger, rateLimited: 'reject' }), pacer);
  const reminders = createSlackReminderTransport({
    token: 'xoxb-reminders',
    channel: REMINDERS,
    slackApiUrl: slack.api.apiUrl,
    logger: logs.logger,
    pacer,
    ...(turnWaitMs !== undefined ? { turnWaitMs } : {}),
  });
  return { answers, reminders, logs };
}

const textsTo = (channel: string): string[] => slack.api.callsOf('chat.postMessage').filter((c) => c.params['channel'] === channel).map((c) => String(c.params['text']));

describe('reminders and answers share each channel’s pace', () => {
  it('a reminder into a channel whose burst the answers spent waits one pace, and goes out after them', async () => {
    const clock = new FakeClock();
    const { answers, reminders } = wired(clock);
    await Promise.all([0, 1, 2].map((i) => answers.postMessage({ channel: REMINDERS, ...MESSAGE, text: `answer ${i}` })));
    expect(clock.waits).toEqual([]);
    const sent = await reminders.send(reminder('1'));
    expect(sent.messageId).toBeTruthy();
    expect(clock.waits).toEqual([PACE_MS]);
    expect(textsTo(REMINDERS).map((t) => t.split(':')[0])).toEqual(['answer 0', 'answer 1', 'answer 2', 'Promemoria 1']);
    // The reminder, once posted, counts too: the next answer there waits its pace as well.
    await answers.postMessage({ channel: REMINDERS, ...MESSAGE, text: 'answer 3' });
    expect(clock.waits).toEqual([PACE_MS, PACE_MS]);
  });

  it('a 429 on the reminders’ channel holds that channel: answers elsewhere go out meanwhile, answers there after the wait', async () => {
    const clock = new FakeClock();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    clock.hold = (ms) => (ms >= 2_000 ? gate : undefined);
    const { answers, reminders, logs } = wired(clock, 60_000);
    slack.api.rateLimit('chat.postMessage', 1, 2);
    // The reminder's 429 goes back to the dispatcher at once (it retries on its own), not retried here.
    const failure = await reminders.send(reminder('2')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ReminderDeliveryError);
    expect(failure).toMatchObject({ notDelivered: true, retryAfterMs: 2_000 });
    expect(slack.api.callsOf('chat.postMessage#429')).toHaveLength(1);
    // The reminders' channel waits Retry-After; another channel's answers do not.
    const held = answers.postMessage({ channel: REMINDERS, ...MESSAGE, text: 'answer in the reminders’ channel' });
    await vi.waitFor(() => expect(clock.waits).toContain(2_000));
    await Promise.all([0, 1].map((i) => answers.postMessage({ channel: 'CELSEWHERE', ...MESSAGE, text: `elsewhere ${i}` })));
    expect(textsTo('CELSEWHERE')).toEqual(['elsewhere 0', 'elsewhere 1']);
    expect(textsTo(REMINDERS)).toEqual([]);
    release();
    await held;
    expect(textsTo(REMINDERS)).toEqual(['answer in the reminders’ channel']);
    expect(logs.lines).toContainEqual(expect.objectContaining({ msg: 'slack rate limit: this channel waits', slackChannel: REMINDERS, retryAfterMs: 2_000 }));
  });

  it('a reminder whose turn would come too late is not posted, and says when the channel is free', async () => {
    const clock = new FakeClock();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    clock.hold = (ms) => (ms >= 30_000 ? gate : undefined);
    const { answers, reminders } = wired(clock, 100);
    slack.api.rateLimit('chat.postMessage', 1, 30);
    const answer = answers.postMessage({ channel: REMINDERS, ...MESSAGE, text: 'answer' });
    await vi.waitFor(() => expect(clock.waits).toContain(30_000));
    const failure = await reminders.send(reminder('3')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ReminderDeliveryError);
    expect(failure).toMatchObject({ notDelivered: true, retryAfterMs: 30_000 });
    release();
    await answer;
    expect(textsTo(REMINDERS)).toEqual(['answer']);
  });
});
