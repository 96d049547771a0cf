/**
 * The Teams reminder transport hands the connector's refusals to the reminder outbox: a 429's
 * Retry-After, in seconds or as an HTTP date (src/core/retry.ts's parseRetryAfter), becomes the
 * outbox's wait. The refusal is the one the Teams channel's sendProactive throws once its own
 * retries give up (ThrottledError, src/channels/teams/retry.ts), carrying the connector's answer.
 * (Over real HTTP the connector client itself waits out a Retry-After before giving up, which a
 * test cannot afford for the long waits that reach the outbox.)
 */
import { describe, expect, it } from 'vitest';
import { createTeamsReminderTransport } from '../../../src/channels/teams/reminderTransport.js';
import { ThrottledError } from '../../../src/channels/teams/retry.js';
import { ReminderDeliveryError, type OutboundReminder } from '../../../src/core/reminders.js';
import { assistant } from './support/harness.js';

function refusedWith(status: number, headers: Record<string, string>): ThrottledError {
  const answer = Object.assign(new Error('Too Many Requests'), { statusCode: status, response: { status, headers: new Headers(headers) } });
  return new ThrottledError(4, status, { cause: answer });
}

async function sendRefused(error: unknown): Promise<ReminderDeliveryError> {
  const transport = createTeamsReminderTransport({ conversationId: '19:reminders@thread.tacv2', sendProactive: () => Promise.reject(error) });
  const reminder = { id: '1', idempotencyKey: 'reminder:1', reply: assistant().ask('aiuto'), attempts: 0, earlierAttempt: null } as unknown as OutboundReminder;
  const failure = await transport.send(reminder).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(ReminderDeliveryError);
  return failure as ReminderDeliveryError;
}

describe('a throttled Teams reminder waits as long as the connector asks', () => {
  it('reads Retry-After in seconds', async () => {
    expect(await sendRefused(refusedWith(429, { 'retry-after': '120' }))).toMatchObject({ notDelivered: true, retryAfterMs: 120_000 });
  });

  it('reads Retry-After given as an HTTP date', async () => {
    const at = Date.now() + 3_600_000;
    const failure = await sendRefused(refusedWith(429, { 'retry-after': new Date(at).toUTCString() }));
    expect(failure.notDelivered).toBe(true);
    // The date has whole seconds: what is left of the hour, within a minute.
    expect(failure.retryAfterMs).toBeGreaterThan(3_600_000 - 60_000);
    expect(failure.retryAfterMs).toBeLessThanOrEqual(3_600_000);
  });

  it('a refusal other than 429 is not delivered and names no wait; a failure without a status may have been delivered', async () => {
    expect(await sendRefused(refusedWith(403, { 'retry-after': '5' }))).toMatchObject({ notDelivered: true, retryAfterMs: undefined });
    expect(await sendRefused(new Error('socket hang up'))).toMatchObject({ notDelivered: false, retryAfterMs: undefined });
  });
});
