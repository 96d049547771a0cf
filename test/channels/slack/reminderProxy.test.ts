/**
 * Reminders and the coordinators' channel membership reach Slack through the outbound proxy, as
 * their factories build them from the configuration (HTTP_PROXY here, src/server/outboundProxy.ts):
 * the Web API lives at a name only the proxy stand-in resolves (slack.test), so a call that gets
 * its answer went through it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reminderTransportsFromConfig } from '../../../src/channels/reminderTransports.js';
import { slackChannelMembership } from '../../../src/channels/slack/membership.js';
import { loadConfig } from '../../../src/config.js';
import type { OutboundReminder } from '../../../src/core/reminders.js';
import type { Reply } from '../../../src/reply/model.js';
import { outboundProxy } from '../../../src/server/outboundProxy.js';
import { startSlackStandIn, type SlackStandIn } from '../../followup/slackStandIn.js';
import { ProxyStandIn } from '../../server/proxyStandIn.js';
import { LogCapture } from './harness.js';

let slack: SlackStandIn;
let proxy: ProxyStandIn;

beforeAll(async () => {
  slack = await startSlackStandIn({ members: ['U0MEMBER1'] });
  proxy = await new ProxyStandIn({ 'slack.test': new URL(slack.url).host }).start();
});
afterAll(async () => {
  await proxy.close();
  await slack.close();
});

const config = () =>
  loadConfig({ SLACK_BOT_TOKEN: 'xoxb-proxy-reminders', REMINDER_SLACK_CHANNEL: 'CREMINDERS', SLACK_API_URL: 'http://slack.test/api/', HTTP_PROXY: proxy.url, SLACK_CHANNEL_PACE_MS: '0' });

describe('Slack reminders and membership behind an outbound proxy', () => {
  it('a reminder is posted through the proxy', async () => {
    const [transport] = reminderTransportsFromConfig(config());
    expect(transport?.target).toBe('slack');
    const reply: Reply = { lang: 'it', kind: 'answer', blocks: [{ type: 'text', body: 'Promemoria: esami di controllo' }], warnings: [], citations: [], actions: [], itemIds: [] };
    const reminder = { id: '7', idempotencyKey: 'reminder:7', reply, attempts: 0, earlierAttempt: null } as unknown as OutboundReminder;
    const sent = await transport!.send(reminder);
    expect(sent.messageId).toBeTruthy();
    expect(slack.keyCounts().get('reminder:7')).toBe(1);
    expect(proxy.targets()).toContain('http://slack.test/api/chat.postMessage');
  });

  it('the channel’s members are read through the proxy', async () => {
    const c = config();
    const membership = slackChannelMembership({
      token: c.SLACK_BOT_TOKEN!,
      channel: c.REMINDER_SLACK_CHANNEL!,
      slackApiUrl: c.SLACK_API_URL,
      fetch: outboundProxy(c).fetch,
      logger: new LogCapture('info').logger,
    });
    expect(await membership.isMember('U0MEMBER1')).toBe(true);
    expect(proxy.targets()).toContain('http://slack.test/api/conversations.members');
  });
});
