/**
 * How answers reach Slack's Web API: through the WebClient built by webClient.ts, in its channel's
 * turn (PacedChatPoster), against the loopback stand-in. What is sent, and how the client rides out
 * what Slack (or the network) answers: 429 with Retry-After, 5xx, a refused connection, `ok: false`,
 * a 200 that is not Slack's JSON, and the warnings Slack attaches to an answer.
 */
import { createServer } from 'node:net';
import type { RetryOptions } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { ChannelPacer } from '../../../src/channels/slack/channelPacer.js';
import { PacedChatPoster } from '../../../src/channels/slack/chatPoster.js';
import { isNotInConversation } from '../../../src/channels/slack/delivery.js';
import { createSlackWebClient } from '../../../src/channels/slack/webClient.js';
import { ANSWER as MESSAGE, slackApiForThisFile } from './clientFixture.js';
import { blocksOf } from './fakeSlackApi.js';
import { LogCapture } from './harness.js';

const TOKEN = 'xoxb-client-test';
/** Quick retries, so the failures below take milliseconds. */
const FAST: RetryOptions = { retries: 3, factor: 2, minTimeout: 5, maxTimeout: 20, randomize: false };

const slack = slackApiForThisFile();

function poster(options: { apiUrl?: string; logs?: LogCapture; sleeps?: number[] } = {}): PacedChatPoster {
  const logger = (options.logs ?? new LogCapture('silent')).logger;
  const client = createSlackWebClient(TOKEN, { apiUrl: options.apiUrl ?? slack.api.apiUrl, logger, retryConfig: FAST, rateLimited: 'reject' });
  const sleeps = options.sleeps;
  const pacer = new ChannelPacer({
    paceMs: 1_000,
    logger,
    ...(sleeps
      ? {
          sleep: async (ms: number) => {
            sleeps.push(ms);
            await new Promise((r) => setTimeout(r, Math.min(ms, 5)));
          },
        }
      : {}),
  });
  return new PacedChatPoster(client, pacer);
}

describe('answers through the WebClient', () => {
  it('posts with the bot token and returns the message ts', async () => {
    const ts = await poster().postMessage({ channel: 'C1', threadTs: '1700000000.000100', ...MESSAGE });
    expect(ts).toMatch(/^\d+\.\d{6}$/);
    const [call] = slack.api.callsOf('chat.postMessage');
    expect(call!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call!.params).toMatchObject({ channel: 'C1', thread_ts: '1700000000.000100', text: MESSAGE.text, unfurl_links: 'false', unfurl_media: 'false' });
    expect(blocksOf(call!)).toEqual(MESSAGE.blocks);
  });

  it('leaves thread_ts out for a message that starts no thread, and accepts an API URL without its final slash', async () => {
    await poster({ apiUrl: slack.api.apiUrl.replace(/\/$/, '') }).postMessage({ channel: 'D1', ...MESSAGE });
    expect(slack.api.callsOf('chat.postMessage')[0]!.params).not.toHaveProperty('thread_ts');
  });

  it('waits out a 429 for its Retry-After and posts the answer once', async () => {
    slack.api.rateLimit('chat.postMessage', 1, 2);
    const sleeps: number[] = [];
    await poster({ sleeps }).postMessage({ channel: 'C1', ...MESSAGE });
    expect(sleeps[0]).toBe(2_000);
    expect(slack.api.callsOf('chat.postMessage#429')).toHaveLength(1);
    expect(slack.api.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('retries a 5xx and succeeds', async () => {
    slack.api.fail('chat.postMessage', 2, 503, '<html>Service Unavailable</html>');
    await poster().postMessage({ channel: 'C1', ...MESSAGE });
    expect(slack.api.callsOf('chat.postMessage#503')).toHaveLength(2);
    expect(slack.api.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('gives up after its retries with the last HTTP status', async () => {
    slack.api.fail('chat.postMessage', 10, 502);
    const error = await poster()
      .postMessage({ channel: 'C1', ...MESSAGE })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'slack_webapi_http_error', statusCode: 502 });
    expect(slack.api.callsOf('chat.postMessage#502')).toHaveLength(4);
  });

  it('throws Slack’s own error code for ok: false, without retrying; not_in_channel is recognised as such', async () => {
    slack.api.channelErrors.set('CNOTIN', 'not_in_channel');
    const error = await poster()
      .postMessage({ channel: 'CNOTIN', ...MESSAGE })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'slack_webapi_platform_error', data: { ok: false, error: 'not_in_channel' } });
    expect(isNotInConversation(error)).toBe(true);
    expect(slack.api.calls).toHaveLength(1);
  });

  it('reads a 200 that is not Slack’s JSON (a proxy’s page) as a failed answer, without retrying', async () => {
    slack.api.fail('chat.postMessage', 1, 200, '<html>Welcome to the hospital proxy</html>');
    const error = await poster()
      .postMessage({ channel: 'C1', ...MESSAGE })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'slack_webapi_platform_error', data: { ok: false, error: '<html>Welcome to the hospital proxy</html>' } });
    expect(isNotInConversation(error)).toBe(false);
    expect(slack.api.calls).toHaveLength(1);
  });

  it('retries a refused connection, then fails with the network error as its original', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = s.address() as { port: number };
        s.close(() => resolve(free));
      });
    });
    const logs = new LogCapture('warn');
    const error = await poster({ apiUrl: `http://127.0.0.1:${port}/api/`, logs })
      .postMessage({ channel: 'C1', ...MESSAGE })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'slack_webapi_request_error', original: { cause: { code: 'ECONNREFUSED' } } });
    // Each of the 4 attempts (1 + FAST's 3 retries) is logged as a failed request.
    expect(logs.lines.filter((l) => String(l['msg']).startsWith('http request failed'))).toHaveLength(4);
  });

  it('logs the warnings Slack attaches to an answer', async () => {
    const logs = new LogCapture('warn');
    slack.api.fail('chat.postMessage', 1, 200, JSON.stringify({ ok: true, ts: '1700000000.000001', response_metadata: { warnings: ['superfluous_charset'] } }));
    await expect(poster({ logs }).postMessage({ channel: 'C1', ...MESSAGE })).resolves.toBe('1700000000.000001');
    // The WebClient hands each warning to the logger with forEach's index and array after it.
    expect(logs.lines).toEqual([expect.objectContaining({ level: 40, msg: expect.stringMatching(/^superfluous_charset\b/) })]);
  });
});
