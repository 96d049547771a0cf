/**
 * What reaches POST /slack/events: Slack's documented signature example as a known answer (the
 * tests' signer, Bolt's verifier, and the whole receiver at the example's own time), stale, future and
 * forged requests refused with 401, and garbage refused with a 4xx without bringing anything down.
 */
import { request } from 'node:http';
import { verifySlackRequest } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { slackSignature } from './slackSigner.js';
import { loadAssistant } from '../../../src/engine/loadAssistant.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { appMention, BOT_USER, SIGNING_SECRET, startHarness, type Harness } from './harness.js';

/** https://docs.slack.dev/authentication/verifying-requests-from-slack (the worked example). */
const DOC = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

let store: Store;
let h: Harness;
let docBot: Harness;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  const assistant = loadAssistant();
  store = await openStore({ memory: true });
  h = await startHarness({ assistant, store });
  docBot = await startHarness({ assistant, store, env: { SLACK_SIGNING_SECRET: DOC.secret } });
});

afterAll(async () => {
  await h.close();
  await docBot.close();
  await store.close();
  process.off('unhandledRejection', onUnhandled);
});

afterEach(() => {
  vi.useRealTimers();
});

const now = (): number => Math.floor(Date.now() / 1000);

describe('Slack’s documented signature example', () => {
  it('is what our signer computes', () => {
    expect(slackSignature(DOC.secret, DOC.timestamp, DOC.body)).toBe(DOC.signature);
  });

  it('is accepted by Bolt’s verifier at the example’s time (both sides agree with Slack’s own SDK)', () => {
    expect(() =>
      verifySlackRequest({
        signingSecret: DOC.secret,
        body: DOC.body,
        headers: { 'x-slack-signature': DOC.signature, 'x-slack-request-timestamp': DOC.timestamp },
        nowMilliseconds: DOC.timestamp * 1000 + 30_000,
      }),
    ).not.toThrow();
  });

  it('is accepted by the receiver at the example’s time, and refused with one character changed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(DOC.timestamp * 1000 + 30_000);
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(DOC.timestamp) };
    const ok = await fetch(`${docBot.url}/slack/events`, { method: 'POST', headers: { ...headers, 'x-slack-signature': DOC.signature }, body: DOC.body });
    expect(ok.status).toBe(200);
    const forged = `${DOC.signature.slice(0, -1)}${DOC.signature.endsWith('3') ? '4' : '3'}`;
    const bad = await fetch(`${docBot.url}/slack/events`, { method: 'POST', headers: { ...headers, 'x-slack-signature': forged }, body: DOC.body });
    expect(bad.status).toBe(401);
  });

  it('is refused today: its timestamp is years old', async () => {
    const res = await fetch(`${docBot.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(DOC.timestamp), 'x-slack-signature': DOC.signature },
      body: DOC.body,
    });
    expect(res.status).toBe(401);
  });
});

describe('signature and timestamp', () => {
  const mention = (): string => JSON.stringify(appMention(`<@${BOT_USER}> ciao`));

  it('refuses a timestamp older than 5 minutes with 401, even correctly signed', async () => {
    expect((await h.post(mention(), { timestampSec: now() - 5 * 60 - 30 })).status).toBe(401);
  });

  it('refuses a timestamp more than 5 minutes in the future with 401', async () => {
    expect((await h.post(mention(), { timestampSec: now() + 5 * 60 + 30 })).status).toBe(401);
  });

  it('accepts a timestamp a little off (clocks differ)', async () => {
    expect((await h.post(mention(), { timestampSec: now() - 60 })).status).toBe(200);
  });

  it('refuses a bad signature, a signature for another body, another secret, or none, with 401', async () => {
    const body = mention();
    const ts = now();
    expect((await h.post(body, { signature: 'v0=0000000000000000000000000000000000000000000000000000000000000000' })).status).toBe(401);
    expect((await h.post(body, { signature: slackSignature(SIGNING_SECRET, ts, `${body} `), timestampSec: ts })).status).toBe(401);
    expect((await h.post(body, { signature: slackSignature('another-secret', ts, body), timestampSec: ts })).status).toBe(401);
    expect((await h.post(body, { signature: `v1=${slackSignature(SIGNING_SECRET, ts, body).slice(3)}`, timestampSec: ts })).status).toBe(401);
    expect((await h.post(body, { unsigned: true })).status).toBe(401);
    expect((await h.post(body, { headers: { 'x-slack-request-timestamp': 'yesterday' } })).status).toBe(401);
  });

  it('answers Slack’s URL verification challenge', async () => {
    const res = await h.post(JSON.stringify({ token: 't', challenge: 'c-123', type: 'url_verification' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'c-123' });
  });

  it('answers Slack’s ssl_check (unsigned by design) with an empty 200', async () => {
    const res = await h.post('ssl_check=1&token=x', { contentType: 'application/x-www-form-urlencoded', unsigned: true });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});

describe('garbage', () => {
  it('gets a 4xx, never a crash', async () => {
    h.api.reset();
    const cases: Array<[string, string, number]> = [
      ['{"type": "event_callback", ', 'application/json', 400],
      ['', 'application/json', 400],
      ['', 'application/x-www-form-urlencoded', 400],
      ['null', 'application/json', 400],
      ['[1, 2, 3]', 'application/json', 400],
      ['"event_callback"', 'application/json', 400],
      ['{"event": {}}', 'application/json', 400],
      ['payload=%7Bnot-json', 'application/x-www-form-urlencoded', 400],
      ['payload=null', 'application/x-www-form-urlencoded', 400],
      ['hello=world', 'application/x-www-form-urlencoded', 400],
      ['{"type":"event_callback"}', 'text/plain', 415],
      ['<xml/>', 'application/xml', 415],
      ['\u0000\u0001\u0002binary', 'application/octet-stream', 415],
    ];
    for (const [body, contentType, status] of cases) {
      const res = await h.post(body, { contentType });
      expect(res.status, `${contentType} ${JSON.stringify(body)}`).toBe(status);
    }
    // Unsigned garbage learns nothing beyond 401.
    expect((await h.post('{"type": ', { unsigned: true })).status).toBe(401);
    expect(h.api.calls).toEqual([]);
  });

  it('refuses a huge body with 413, declared or streamed, and keeps serving', async () => {
    const huge = 'x'.repeat(3 * 1024 * 1024);
    expect((await h.post(huge)).status).toBe(413);
    const streamed = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${h.url}/slack/events`);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 12; i += 1) req.write('y'.repeat(64 * 1024));
      req.end();
    });
    expect(streamed).toBe(413);
    expect((await h.postEvent(appMention(`<@${BOT_USER}> ciao`))).status).toBe(200);
  });

  it('only POST /slack/events is Slack’s', async () => {
    expect([404, 405]).toContain((await fetch(`${h.url}/slack/events`)).status);
    expect((await fetch(`${h.url}/slack/other`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('left no unhandled rejection behind', async () => {
    await new Promise((r) => setTimeout(r, 100));
    expect(unhandled).toEqual([]);
  });
});
