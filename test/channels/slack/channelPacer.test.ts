/**
 * Per-channel pacing over real HTTP: answers through the WebClient to the loopback stand-in, each
 * channel in its own turn (channelPacer.ts). The pace is read on an injected clock (each wait moves
 * it on), never on the wall clock; a 429's wait is held open by the test, so that what happens
 * meanwhile is asserted by order, not by time.
 */
import { describe, expect, it, vi } from 'vitest';
import { ChannelPacer, SLACK_CHANNEL_BURST } from '../../../src/channels/slack/channelPacer.js';
import { PacedChatPoster } from '../../../src/channels/slack/chatPoster.js';
import { createSlackWebClient } from '../../../src/channels/slack/webClient.js';
import { FakeClock } from './fakeClock.js';
import { ANSWER as MESSAGE, slackApiForThisFile } from './clientFixture.js';
import { LogCapture } from './harness.js';

const PACE_MS = 1_000;

const slack = slackApiForThisFile();

function paced(clock: FakeClock, paceMs = PACE_MS): { poster: PacedChatPoster; logs: LogCapture } {
  const logs = new LogCapture('info');
  const client = createSlackWebClient('xoxb-pacer-test', { apiUrl: slack.api.apiUrl, logger: logs.logger, rateLimited: 'reject' });
  return { poster: new PacedChatPoster(client, new ChannelPacer({ paceMs, logger: logs.logger, now: clock.now, sleep: clock.sleep })), logs };
}

const textsTo = (channel: string): string[] => slack.api.callsOf('chat.postMessage').filter((c) => c.params['channel'] === channel).map((c) => String(c.params['text']));

describe('posting into a channel at Slack’s pace', () => {
  it('sends ten answers into one channel in order: a burst, then one per pace', async () => {
    const clock = new FakeClock();
    const { poster } = paced(clock);
    const sentAt: number[] = [];
    // The clock's reading when each post reached the stand-in.
    const seen = (): boolean => {
      while (sentAt.length < slack.api.countOf('chat.postMessage')) sentAt.push(clock.now());
      return sentAt.length === 10;
    };
    const arrived = slack.api.waitFor(seen);
    await Promise.all(Array.from({ length: 10 }, (_, i) => poster.postMessage({ channel: 'CBUSY', ...MESSAGE, text: `answer ${i}` })));
    await arrived;
    expect(textsTo('CBUSY')).toEqual(Array.from({ length: 10 }, (_, i) => `answer ${i}`));
    const start = sentAt[0]!;
    // The burst goes at once; each later post waits for the pace since the one before.
    expect(sentAt.slice(0, SLACK_CHANNEL_BURST)).toEqual(Array(SLACK_CHANNEL_BURST).fill(start));
    for (let i = SLACK_CHANNEL_BURST; i < 10; i += 1) expect(sentAt[i]! - sentAt[i - 1]!).toBeGreaterThanOrEqual(PACE_MS);
    expect(sentAt[9]! - start).toBe((10 - SLACK_CHANNEL_BURST) * PACE_MS);
  });

  it('does not slow another channel: its burst goes out while the busy one waits its pace', async () => {
    const clock = new FakeClock();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    clock.hold = () => gate; // every pace wait stays open until released
    const { poster } = paced(clock);
    const busy = Promise.all(Array.from({ length: 5 }, (_, i) => poster.postMessage({ channel: 'CBUSY', ...MESSAGE, text: `busy ${i}` })));
    await vi.waitFor(() => expect(clock.waits.length).toBeGreaterThan(0));
    await Promise.all([0, 1, 2].map((i) => poster.postMessage({ channel: 'CQUIET', ...MESSAGE, text: `quiet ${i}` })));
    expect(textsTo('CQUIET')).toEqual(['quiet 0', 'quiet 1', 'quiet 2']);
    expect(textsTo('CBUSY')).toHaveLength(SLACK_CHANNEL_BURST);
    release();
    await busy;
    expect(textsTo('CBUSY')).toEqual(['busy 0', 'busy 1', 'busy 2', 'busy 3', 'busy 4']);
  });
});

describe('a 429 holds only the channel it covers', () => {
  for (const paceMs of [PACE_MS, 0]) {
    it(`channel B posts while channel A waits out Retry-After; A's answer then arrives once (pace ${paceMs} ms)`, async () => {
      const clock = new FakeClock();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      // Only the Retry-After wait (2 s) is held open; any other wait passes at once.
      clock.hold = (ms) => (ms >= 2_000 ? gate : undefined);
      const { poster, logs } = paced(clock, paceMs);
      slack.api.rateLimit('chat.postMessage', 1, 2);
      const a = poster.postMessage({ channel: 'CA', ...MESSAGE, text: 'A 1' });
      await slack.api.waitFor(() => slack.api.callsOf('chat.postMessage#429').length === 1);
      await vi.waitFor(() => expect(clock.waits).toContain(2_000));
      const aLater = poster.postMessage({ channel: 'CA', ...MESSAGE, text: 'A 2' });
      await Promise.all([0, 1, 2].map((i) => poster.postMessage({ channel: 'CB', ...MESSAGE, text: `B ${i}` })));
      // B's answers are all in while A (both its posts) still waits.
      expect(textsTo('CB')).toEqual(['B 0', 'B 1', 'B 2']);
      expect(textsTo('CA')).toEqual([]);
      release();
      await Promise.all([a, aLater]);
      expect(textsTo('CA')).toEqual(['A 1', 'A 2']);
      expect(slack.api.callsOf('chat.postMessage#429')).toHaveLength(1);
      expect(logs.lines).toContainEqual(expect.objectContaining({ msg: 'slack rate limit: this channel waits', slackChannel: 'CA', retryAfterMs: 2_000 }));
    });
  }
});
