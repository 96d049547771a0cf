/** Reading Teams activities: mentions, reply chains, tenants, clicks; and the connector retry policy. */
import { describe, expect, it } from 'vitest';
import {
  botWasAdded,
  channelConversationId,
  messageText,
  replyChainOf,
  submittedAction,
  tenantOf,
  turnRequestOf,
} from '../../../src/channels/teams/activity.js';
import { storableReferences, toConversationReference } from '../../../src/channels/teams/references.js';
import { ThrottledError, parseRetryAfter, withRetry, type RetryPolicy } from '../../../src/channels/teams/retry.js';
import { BOT, CHANNEL_ID, DOCTOR, TENANT, channelMessage, groupMessage, personalMessage } from './support/activities.js';

const serviceUrl = 'http://127.0.0.1:9/';

describe('what the user typed', () => {
  it('drops the bot’s mention wherever it is, and Teams’ &nbsp;', () => {
    expect(messageText(groupMessage('neridronato bambino 18 kg', { serviceUrl }))).toBe('neridronato bambino 18 kg');
    expect(messageText(channelMessage('cosa prevede lo step 2?', { serviceUrl }))).toBe('cosa prevede lo step 2?');
    expect(messageText(channelMessage('dose adulto', { serviceUrl, mentionFirst: false }))).toBe('dose adulto');
  });

  it('drops a leftover <at>bot</at> without a mention entity, and keeps other people’s names as text', () => {
    const activity = { ...personalMessage('', { serviceUrl }), text: '<at>PDTA</at> chiedi a <at>Luca</at> &amp; colleghi', entities: [] };
    expect(messageText(activity)).toBe('chiedi a Luca & colleghi');
  });

  it('a message that is only the mention asks for the menu', () => {
    const activity = { ...groupMessage('', { serviceUrl }), text: '<at>PDTA</at>' };
    expect(turnRequestOf(activity).input).toEqual({ action: 'pdta:menu' });
    expect(turnRequestOf(activity).lang).toBe('it');
  });
});

describe('reply chains', () => {
  it('a new channel post roots its own chain; a reply names its root', () => {
    const post = channelMessage('x', { serviceUrl });
    expect(replyChainOf(post)).toBe(post['id']);
    expect(replyChainOf(channelMessage('x', { serviceUrl, rootId: '1700000000000' }))).toBe('1700000000000');
  });

  it('chats have no chains', () => {
    expect(replyChainOf(personalMessage('x', { serviceUrl }))).toBeUndefined();
    expect(replyChainOf(groupMessage('x', { serviceUrl }))).toBeUndefined();
  });

  it('the channel itself is the conversation id without the messageid', () => {
    expect(channelConversationId(`${CHANNEL_ID};messageid=1700000000000`)).toBe(CHANNEL_ID);
    expect(channelConversationId('a:1personal')).toBe('a:1personal');
  });
});

describe('tenant', () => {
  it('comes from the conversation, else from channelData', () => {
    const activity = personalMessage('x', { serviceUrl });
    expect(tenantOf(activity)).toBe(TENANT);
    delete (activity['conversation'] as Record<string, unknown>)['tenantId'];
    expect(tenantOf(activity)).toBe(TENANT);
    delete activity['channelData'];
    expect(tenantOf(activity)).toBeUndefined();
  });
});

describe('button clicks', () => {
  it('read the command and the card language from value', () => {
    expect(submittedAction({ value: { pdtaAction: 'pdta:step:2', pdtaLang: 'en' } })).toEqual({ action: 'pdta:step:2', lang: 'en' });
    expect(submittedAction({ value: { pdtaAction: 'pdta:menu' } })).toEqual({ action: 'pdta:menu' });
  });

  it('ignore values that are not ours', () => {
    expect(submittedAction({ value: { action: 'x' } })).toBeUndefined();
    expect(submittedAction({ value: 'pdta:menu' })).toBeUndefined();
    expect(submittedAction({ value: { pdtaAction: 'x'.repeat(500) } })).toBeUndefined();
    expect(submittedAction({ value: { pdtaAction: 'pdta:menu', pdtaLang: 'fr' } })).toBeUndefined();
  });
});

describe('membership', () => {
  it('knows when the bot itself was added', () => {
    expect(botWasAdded({ recipient: BOT, membersAdded: [{ id: BOT.id, name: '' }] })).toBe(true);
    expect(botWasAdded({ recipient: BOT, membersAdded: [{ id: DOCTOR.id, name: '' }] })).toBe(false);
  });
});

describe('stored references', () => {
  it('keep ids and the service URL, never names, and no activity id', () => {
    const [stored] = storableReferences(groupMessage('x', { serviceUrl }));
    expect(JSON.stringify(stored)).not.toContain(DOCTOR.name);
    expect(stored!.reference).toEqual({
      channelId: 'msteams',
      serviceUrl,
      locale: 'it-IT',
      bot: { id: BOT.id },
      user: { id: DOCTOR.id, aadObjectId: DOCTOR.aadObjectId },
      conversation: { id: '19:meeting_a1b2c3d4e5f6@thread.v2', conversationType: 'groupChat', tenantId: TENANT, isGroup: true },
    });
    expect(toConversationReference(stored!.reference)).toMatchObject({ bot: { id: BOT.id, name: '' }, conversation: { name: '', isGroup: true } });
  });

  it('a channel reply chain also yields the channel itself, without a user', () => {
    const refs = storableReferences(channelMessage('x', { serviceUrl, rootId: '1700000000000' }));
    expect(refs.map((r) => r.conversationId)).toEqual([`${CHANNEL_ID};messageid=1700000000000`, CHANNEL_ID]);
    expect(refs[1]!.reference.user).toBeUndefined();
  });
});

describe('retrying throttled sends', () => {
  function policy(over: Partial<RetryPolicy> = {}): RetryPolicy & { waits: number[] } {
    let clock = 0;
    const waits: number[] = [];
    return {
      maxAttempts: 4,
      baseDelayMs: 500,
      maxDelayMs: 10_000,
      deadlineMs: 12_000,
      random: () => 0.5,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      waits,
      ...over,
    };
  }
  const throttled = (headers: Record<string, string> = {}, status = 429) =>
    Object.assign(new Error('Too Many Requests'), { statusCode: status, response: { status, headers: new Map(Object.entries(headers)) } });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter('0.5', 0)).toBe(500);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });

  it('waits what Retry-After says, then succeeds', async () => {
    const p = policy();
    let calls = 0;
    const result = await withRetry(async () => {
      calls += 1;
      if (calls === 1) throw throttled({ 'retry-after': '2' });
      return 'ok';
    }, p);
    expect(result).toBe('ok');
    expect(p.waits).toEqual([2000]);
  });

  it('backs off exponentially with jitter without Retry-After, also on 412, 502 and 504', async () => {
    const p = policy();
    let calls = 0;
    await withRetry(async () => {
      calls += 1;
      if (calls <= 3) throw throttled({}, [429, 412, 504][calls - 1]);
      return 'ok';
    }, p);
    // 500, 1000, 2000 with "equal jitter" at random() = 0.5: 3/4 of each
    expect(p.waits).toEqual([375, 750, 1500]);
  });

  it('gives up after its attempts with ThrottledError', async () => {
    const p = policy();
    const error = await withRetry(async () => {
      throw throttled();
    }, p).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).attempts).toBe(4);
    expect((error as ThrottledError).status).toBe(429);
    // Kept for a caller with its own retry queue (the reminder outbox reads Retry-After from it).
    expect((error as ThrottledError).response).toBeDefined();
    expect(p.waits).toHaveLength(3);
  });

  it('does not wait longer than allowed: a Retry-After of an hour ends the retries at once', async () => {
    const p = policy();
    await expect(withRetry(async () => Promise.reject(throttled({ 'retry-after': '3600' })), p)).rejects.toBeInstanceOf(ThrottledError);
    expect(p.waits).toEqual([]);
  });

  it('stops before the deadline', async () => {
    const p = policy({ deadlineMs: 1000, maxAttempts: 10 });
    await expect(withRetry(async () => Promise.reject(throttled()), p)).rejects.toBeInstanceOf(ThrottledError);
    expect(p.waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1000);
  });

  it('passes other errors through at once', async () => {
    const p = policy();
    const forbidden = Object.assign(new Error('Forbidden'), { statusCode: 403 });
    await expect(withRetry(async () => Promise.reject(forbidden), p)).rejects.toBe(forbidden);
    await expect(withRetry(async () => Promise.reject(new TypeError('bug')), p)).rejects.toBeInstanceOf(TypeError);
    expect(p.waits).toEqual([]);
  });
});
