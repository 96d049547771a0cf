/**
 * The ChannelMembership port over Slack (src/channels/slack/membership.ts), as the follow-up
 * registry's coordinator rule uses it: over real HTTP to the loopback stand-in of the reminders'
 * channel, members count, others do not, the list is read once and kept, and a list that cannot be
 * read again is kept rather than forgotten.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackChannelMembership } from '../../../src/channels/slack/membership.js';
import { coordinatorPredicate, platformUser } from '../../../src/followup/settings.js';
import { startSlackStandIn, type SlackStandIn } from '../../followup/slackStandIn.js';
import { LogCapture } from './harness.js';

const TTL_MS = 5 * 60_000;
let standIn: SlackStandIn;

beforeAll(async () => {
  standIn = await startSlackStandIn({ members: ['U0MEMBER1', 'U0MEMBER2'] });
});
afterAll(async () => {
  await standIn.close();
});

describe('coordinators from the members of the reminders’ Slack channel', () => {
  it('members count, others and Teams ids do not; the list is read once, then again after its time', async () => {
    let now = 1_000_000;
    const logs = new LogCapture('info');
    const membership = slackChannelMembership({ token: 'xoxb-members', channel: 'CCOORD', slackApiUrl: standIn.url, logger: logs.logger, ttlMs: TTL_MS, now: () => now });
    const isCoordinator = coordinatorPredicate([platformUser('slack', 'U0LISTED1')], membership);
    const before = standIn.membersCalls;

    expect(await isCoordinator(platformUser('slack', 'U0MEMBER1'))).toBe(true);
    expect(await isCoordinator(platformUser('slack', 'U0STRANGER'))).toBe(false);
    expect(await isCoordinator(platformUser('slack', 'U0LISTED1'))).toBe(true);
    // A Teams user with a member's id is nobody here, and costs no Slack call.
    expect(await isCoordinator(platformUser('teams', 'U0MEMBER1'))).toBe(false);
    expect(standIn.membersCalls - before).toBe(1);

    standIn.members = ['U0MEMBER2'];
    expect(await isCoordinator(platformUser('slack', 'U0MEMBER1'))).toBe(true); // still the list read
    now += TTL_MS;
    expect(await isCoordinator(platformUser('slack', 'U0MEMBER1'))).toBe(false); // removed, and read again
    expect(await isCoordinator(platformUser('slack', 'U0MEMBER2'))).toBe(true);
    expect(standIn.membersCalls - before).toBe(2);
  });

  it('when Slack cannot be reached, the last list read is kept', async () => {
    let now = 1_000_000;
    const logs = new LogCapture('info');
    const gone = await startSlackStandIn({ members: ['U0MEMBER1'] });
    const membership = slackChannelMembership({ token: 'xoxb-members', channel: 'CCOORD', slackApiUrl: gone.url, logger: logs.logger, ttlMs: TTL_MS, now: () => now });
    expect(await membership.isMember('U0MEMBER1')).toBe(true);
    await gone.close();
    now += TTL_MS;
    expect(await membership.isMember('U0MEMBER1')).toBe(true);
    expect(await membership.isMember('U0STRANGER')).toBe(false);
    expect(logs.lines).toContainEqual(expect.objectContaining({ kept: true, msg: expect.stringContaining('members not read') }));
  });
});
