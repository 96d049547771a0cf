/**
 * The ChatPoster against the loopback stand-in of Slack's Web API: what it sends, and how it rides
 * out what Slack (or the network) answers: 429 with Retry-After, 5xx, a refused connection, a 4xx,
 * `ok: false`, and a 200 that is not Slack's JSON.
 */
import { createServer } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlackPlatformError, SlackUnavailableError, UndiciChatPoster, type RetryPolicy } from '../../../src/channels/slack/chatPoster.js';
import { createLogger } from '../../../src/logging.js';
import { FakeSlackApi } from './fakeSlackApi.js';

const TOKEN = 'xoxb-poster-test';
/** Quick retries, so the failures below take milliseconds. */
const FAST: RetryPolicy = { retries: 3, factor: 2, minTimeout: 5, maxTimeout: 20, randomize: false };
const MESSAGE = { text: 'Neridronato – dose', blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: '*Neridronato* 2 mg/kg', verbatim: true as const } }] };

let api: FakeSlackApi;
const logger = createLogger('silent');

beforeAll(async () => {
  api = await new FakeSlackApi().start();
});
afterAll(async () => {
  await api.close();
});
beforeEach(() => {
  api.reset();
});

function poster(options: { retry?: RetryPolicy; sleeps?: number[]; apiUrl?: string } = {}): UndiciChatPoster {
  return new UndiciChatPoster({
    token: TOKEN,
    apiUrl: options.apiUrl ?? api.apiUrl,
    logger,
    retry: options.retry ?? FAST,
    ...(options.sleeps
      ? {
          sleep: async (ms: number) => {
            options.sleeps!.push(ms);
            await new Promise((r) => setTimeout(r, Math.min(ms, 5)));
          },
        }
      : {}),
  });
}

describe('chat.postMessage through the ChatPoster', () => {
  it('posts JSON with the bot token and returns the message ts', async () => {
    const p = poster();
    const ts = await p.postMessage({ channel: 'C1', threadTs: '1700000000.000100', ...MESSAGE });
    await p.close();
    expect(ts).toMatch(/^\d+\.\d{6}$/);
    const [call] = api.callsOf('chat.postMessage');
    expect(call!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call!.params).toEqual({ channel: 'C1', thread_ts: '1700000000.000100', text: MESSAGE.text, blocks: MESSAGE.blocks, unfurl_links: false, unfurl_media: false });
  });

  it('leaves thread_ts out for a message that starts no thread, and accepts an API URL without its final slash', async () => {
    const p = poster({ apiUrl: api.apiUrl.replace(/\/$/, '') });
    await p.postMessage({ channel: 'D1', ...MESSAGE });
    await p.close();
    expect(api.callsOf('chat.postMessage')[0]!.params).not.toHaveProperty('thread_ts');
  });

  it('waits out a 429 for its Retry-After, and a post made meanwhile waits with it', async () => {
    api.rateLimit('chat.postMessage', 1, 2);
    const sleeps: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const p = new UndiciChatPoster({
      token: TOKEN,
      apiUrl: api.apiUrl,
      logger,
      retry: FAST,
      sleep: (ms) => {
        sleeps.push(ms);
        return gate;
      },
    });
    const first = p.postMessage({ channel: 'C1', ...MESSAGE });
    await vi.waitFor(() => expect(sleeps).toHaveLength(1));
    const second = p.postMessage({ channel: 'C2', ...MESSAGE });
    await vi.waitFor(() => expect(sleeps).toHaveLength(2));
    // Both wait out what is left of Retry-After's 2 s, and neither has been sent again yet.
    expect(sleeps.every((ms) => ms > 1_000 && ms <= 2_000)).toBe(true);
    expect(api.callsOf('chat.postMessage')).toHaveLength(0);
    release();
    await Promise.all([first, second]);
    await p.close();
    expect(api.callsOf('chat.postMessage#429')).toHaveLength(1);
    expect(api.callsOf('chat.postMessage')).toHaveLength(2);
  });

  it('retries a 5xx with backoff and succeeds', async () => {
    api.fail('chat.postMessage', 2, 503, '<html>Service Unavailable</html>');
    const sleeps: number[] = [];
    const p = poster({ sleeps });
    await p.postMessage({ channel: 'C1', ...MESSAGE });
    await p.close();
    expect(api.callsOf('chat.postMessage#503')).toHaveLength(2);
    expect(api.callsOf('chat.postMessage')).toHaveLength(1);
    expect(sleeps).toEqual([5, 10]);
  });

  it('gives up after its retries with SlackUnavailableError naming the last status', async () => {
    api.fail('chat.postMessage', 10, 502);
    const p = poster();
    const error = await p.postMessage({ channel: 'C1', ...MESSAGE }).catch((e: unknown) => e);
    await p.close();
    expect(error).toBeInstanceOf(SlackUnavailableError);
    expect(error).toMatchObject({ attempts: 4, status: 502 });
    expect(api.callsOf('chat.postMessage#502')).toHaveLength(4);
  });

  it('does not retry a 4xx other than 429', async () => {
    api.fail('chat.postMessage', 1, 404);
    const p = poster();
    const error = await p.postMessage({ channel: 'C1', ...MESSAGE }).catch((e: unknown) => e);
    await p.close();
    expect(error).toMatchObject({ name: 'SlackUnavailableError', status: 404, attempts: 1 });
    expect(api.calls).toHaveLength(1);
  });

  it('throws Slack’s own error code for ok: false, shaped as the WebClient’s, without retrying', async () => {
    api.channelErrors.set('CNOTIN', 'not_in_channel');
    const p = poster();
    const error = await p.postMessage({ channel: 'CNOTIN', ...MESSAGE }).catch((e: unknown) => e);
    await p.close();
    expect(error).toBeInstanceOf(SlackPlatformError);
    expect(error).toMatchObject({ code: 'slack_webapi_platform_error', data: { ok: false, error: 'not_in_channel' } });
    expect(api.calls).toHaveLength(1);
  });

  it('reads a 200 that is not Slack’s JSON (a proxy’s page) as an unreadable answer', async () => {
    api.fail('chat.postMessage', 1, 200, '<html>Welcome to the hospital proxy</html>');
    const p = poster();
    const error = await p.postMessage({ channel: 'C1', ...MESSAGE }).catch((e: unknown) => e);
    await p.close();
    expect(error).toMatchObject({ name: 'SlackPlatformError', data: { error: 'unreadable_answer' } });
  });

  it('retries a refused connection, then fails with the network error as cause', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = s.address() as { port: number };
        s.close(() => resolve(free));
      });
    });
    const p = poster({ apiUrl: `http://127.0.0.1:${port}/api/` });
    const error = await p.postMessage({ channel: 'C1', ...MESSAGE }).catch((e: unknown) => e);
    await p.close();
    expect(error).toBeInstanceOf(SlackUnavailableError);
    expect((error as SlackUnavailableError).attempts).toBe(4);
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('logs the warnings Slack attaches to an answer', async () => {
    const lines: string[] = [];
    const captured = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    api.fail('chat.postMessage', 1, 200, JSON.stringify({ ok: true, ts: '1700000000.000001', warning: 'superfluous_charset', response_metadata: { warnings: ['superfluous_charset'] } }));
    const p = new UndiciChatPoster({ token: TOKEN, apiUrl: api.apiUrl, logger: captured, retry: FAST });
    await expect(p.postMessage({ channel: 'C1', ...MESSAGE })).resolves.toBe('1700000000.000001');
    await p.close();
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([expect.objectContaining({ msg: 'slack web api warnings', warnings: ['superfluous_charset', 'superfluous_charset'] })]);
  });

  it('closes twice without complaint', async () => {
    const p = poster();
    await p.postMessage({ channel: 'C1', ...MESSAGE });
    await p.close();
    await expect(p.close()).resolves.toBeUndefined();
  });
});
