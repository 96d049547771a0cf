/**
 * The Slack channel on loopback, as `pdta serve` mounts it: built by the composition root, our
 * HTTP server with the channel's routes, the real assistant behind the stateless conversation
 * service, the store in memory, and the fake Slack API standing in for slack.com. Requests are
 * signed as Slack signs them.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { composeSlackChannel, drainingOf, routerFor } from '../../../src/app/compose.js';
import { slackSignedHeaders } from './slackSigner.js';
import type { Channel } from '../../../src/channels/channel.js';
import { loadConfig } from '../../../src/config.js';
import type { UpcomingRemindersSource } from '../../../src/core/ports.js';
import type { Assistant } from '../../../src/engine/assistant.js';
import type { Logger } from '../../../src/logging.js';
import type { ConversationService } from '../../../src/core/turn.js';
import { StatelessConversationService } from '../../../src/server/statelessConversationService.js';
import { startHttpServer, type RunningServer } from '../../../src/server/httpServer.js';
import { FollowupChat } from '../../../src/followup/chat.js';
import type { FollowupService } from '../../../src/followup/service.js';
import type { Store } from '../../../src/store/database.js';
import { FakeSlackApi } from './fakeSlackApi.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-token';
export const BOT_USER = 'UBOT0001';
export const TEAM = 'T0TEAM001';

/** Log lines as objects, to check what was (and was not) logged. */
export class LogCapture {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly logger: Logger;
  constructor(level = 'info') {
    const stream = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) this.lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    this.logger = pino({ level }, stream);
  }
  has(msg: string): boolean {
    return this.lines.some((l) => l['msg'] === msg);
  }
}

export interface Harness {
  url: string;
  api: FakeSlackApi;
  channel: Channel;
  logs: LogCapture;
  post(body: string, options?: PostOptions): Promise<Response>;
  postEvent(envelope: object, options?: PostOptions): Promise<Response>;
  postForm(fields: Record<string, string>, options?: PostOptions): Promise<Response>;
  close(): Promise<void>;
}

export interface PostOptions {
  contentType?: string;
  timestampSec?: number;
  signature?: string;
  headers?: Record<string, string>;
  unsigned?: boolean;
}

export async function startHarness(options: {
  assistant: Assistant;
  store: Store;
  env?: Record<string, string>;
  service?: ConversationService;
  /** The follow-up registry (plugged into the router as in production) and a Home-tab list of one's own. */
  channelOptions?: { followup?: FollowupService; reminders?: UpcomingRemindersSource };
  /** Shared by several instances (as Slack is); closed by its owner. */
  api?: FakeSlackApi;
}): Promise<Harness> {
  const api = options.api ?? (await new FakeSlackApi().start());
  const logs = new LogCapture();
  const config = loadConfig({
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: api.apiUrl,
    SLACK_HOOKS_URL: api.hooksUrl,
    ...options.env,
  });
  const service = options.service ?? new StatelessConversationService(options.assistant);
  const followup = options.channelOptions?.followup ? new FollowupChat(options.channelOptions.followup) : undefined;
  const channel = await composeSlackChannel(
    { config, logger: logs.logger, assistant: options.assistant, store: options.store, router: routerFor(service, followup), draining: drainingOf(service), ...(followup ? { followup } : {}) },
    options.channelOptions?.reminders ? { reminders: options.channelOptions.reminders } : {},
  );
  if (!channel) throw new Error('Slack channel not created');
  const server: RunningServer = await startHttpServer({ host: '127.0.0.1', port: 0, routes: () => channel.routes, onError: () => undefined });
  const post = (body: string, o: PostOptions = {}): Promise<Response> => {
    const contentType = o.contentType ?? 'application/json';
    const signed = o.unsigned ? { 'content-type': contentType } : slackSignedHeaders(SIGNING_SECRET, body, contentType, o.timestampSec);
    if (o.signature) signed['x-slack-signature'] = o.signature;
    return fetch(`${server.url}/slack/events`, { method: 'POST', headers: { ...signed, ...o.headers }, body });
  };
  return {
    url: server.url,
    api,
    channel,
    logs,
    post,
    postEvent: (envelope, o) => post(JSON.stringify(envelope), o),
    postForm: (fields, o) => post(new URLSearchParams(fields).toString(), { contentType: 'application/x-www-form-urlencoded', ...o }),
    close: async () => {
      await channel.stop?.();
      await server.close();
      if (!options.api) await api.close();
    },
  };
}

let seq = 0;
function nextId(): number {
  seq += 1;
  return seq;
}

export function messageTs(): string {
  return `1700000000.${String(nextId()).padStart(6, '0')}`;
}

/** An Events API envelope, as Slack posts it. */
export function eventEnvelope(event: Record<string, unknown>, options: { team?: string; eventId?: string } = {}): Record<string, unknown> {
  return {
    token: 'legacy-verification-token',
    team_id: options.team ?? TEAM,
    api_app_id: 'A0APP0001',
    event: { event_ts: event['ts'] ?? messageTs(), ...event },
    type: 'event_callback',
    event_id: options.eventId ?? `Ev${String(nextId()).padStart(8, '0')}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: options.team ?? TEAM, user_id: BOT_USER, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

export function appMention(text: string, options: { channel?: string; ts?: string; threadTs?: string; user?: string; team?: string; eventId?: string } = {}): Record<string, unknown> {
  return eventEnvelope(
    {
      type: 'app_mention',
      user: options.user ?? 'U0DOCTOR1',
      text,
      ts: options.ts ?? messageTs(),
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
      channel: options.channel ?? 'C0TEAM001',
      team: options.team ?? TEAM,
    },
    options,
  );
}

export function directMessage(text: string, options: { channel?: string; ts?: string; threadTs?: string; user?: string; subtype?: string; botId?: string; eventId?: string } = {}): Record<string, unknown> {
  return eventEnvelope(
    {
      type: 'message',
      ...(options.subtype ? { subtype: options.subtype } : {}),
      ...(options.botId ? { bot_id: options.botId } : {}),
      user: options.user ?? 'U0DOCTOR1',
      text,
      ts: options.ts ?? messageTs(),
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
      channel: options.channel ?? 'D0DOCTOR1',
      channel_type: 'im',
    },
    options,
  );
}

export function slashCommand(text: string, responseUrl: string, options: { team?: string; user?: string; channel?: string } = {}): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: options.team ?? TEAM,
    team_domain: 'ospedale',
    channel_id: options.channel ?? 'C0TEAM001',
    channel_name: 'mdt-calcinosi',
    user_id: options.user ?? 'U0DOCTOR1',
    user_name: 'medico',
    command: '/pdta',
    text,
    api_app_id: 'A0APP0001',
    response_url: responseUrl,
    trigger_id: `${nextId()}.1234.abcdef`,
  };
}

/** A block_actions payload for a button click, as Slack posts it (form field `payload`). */
export function buttonClick(
  button: { action_id: string; value: string; text?: string },
  where: { channel?: string; messageTs?: string; threadTs?: string; ephemeral?: boolean; view?: boolean; responseUrl: string; user?: string; team?: string },
): Record<string, string> {
  const channel = where.channel ?? 'C0TEAM001';
  const container = where.view
    ? { type: 'view', view_id: 'V0001' }
    : { type: 'message', message_ts: where.messageTs ?? messageTs(), channel_id: channel, is_ephemeral: where.ephemeral ?? false, ...(where.threadTs ? { thread_ts: where.threadTs } : {}) };
  const payload = {
    type: 'block_actions',
    user: { id: where.user ?? 'U0DOCTOR1', username: 'medico', team_id: where.team ?? TEAM },
    api_app_id: 'A0APP0001',
    token: 'legacy-verification-token',
    container,
    trigger_id: `${nextId()}.5678.fedcba`,
    team: { id: where.team ?? TEAM, domain: 'ospedale' },
    ...(where.view ? { view: { id: 'V0001', type: 'home', blocks: [] } } : { channel: { id: channel, name: 'mdt-calcinosi' } }),
    ...(where.view || where.ephemeral
      ? {}
      : { message: { type: 'message', user: BOT_USER, ts: container.type === 'message' ? (container as { message_ts: string }).message_ts : '', ...(where.threadTs ? { thread_ts: where.threadTs } : {}), text: 'x', blocks: [] } }),
    response_url: where.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: button.action_id,
        block_id: 'b1',
        text: { type: 'plain_text', text: button.text ?? 'button', emoji: true },
        value: button.value,
        action_ts: `${Math.floor(Date.now() / 1000)}.000100`,
      },
    ],
  };
  return { payload: JSON.stringify(payload) };
}
