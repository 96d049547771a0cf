/**
 * The ChannelMembership port (src/core/ports.ts) over Slack, for the follow-up registry's rule
 * "members of the coordinators' Slack channel are coordinators": the members of
 * REMINDER_SLACK_CHANNEL, read with conversations.members and kept for a few minutes, so that a
 * click or a command costs no Slack call (the modal's answer must leave within 3 s) and Slack's
 * rate limit (Tier 4) is never near. Someone added to the channel counts within `ttlMs`; someone
 * removed stops counting within `ttlMs` too.
 *
 * Needs the scope channels:read (groups:read for a private channel). When the list cannot be read
 * the last one read is kept; with none, nobody counts as a member (COORDINATOR_USER_IDS still do):
 * refusing a coordinator for a while is better than letting anyone change the registry.
 */
import type { WebClient } from '@slack/web-api';
import type { ChannelMembership } from '../../core/ports.js';
import type { Logger } from '../../logging.js';
import { createSlackWebClient } from './webClient.js';

export interface SlackChannelMembershipOptions {
  token: string;
  /** REMINDER_SLACK_CHANNEL */
  channel: string;
  slackApiUrl?: string | undefined;
  /** The outbound proxy's fetch (src/server/outboundProxy.ts); default the global fetch. */
  fetch?: typeof globalThis.fetch | undefined;
  /** A ready client (tests); otherwise one is built from token and slackApiUrl (webClient.ts). */
  client?: WebClient;
  /** How long a member list is used before it is read again. Default 5 minutes. */
  ttlMs?: number;
  /** After a failed read, how long before trying again. Default 30 s. */
  retryMs?: number;
  /** Pages of 1,000 members read at most; a larger channel is not a coordinators' channel. Default 10. */
  maxPages?: number;
  logger: Logger;
  now?: () => number;
}

/** Slack user ids (U…, W… in Enterprise Grid); a Teams id never costs a Slack call. */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

export function slackChannelMembership(options: SlackChannelMembershipOptions): ChannelMembership {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const retryMs = options.retryMs ?? 30_000;
  const maxPages = options.maxPages ?? 10;
  const now = options.now ?? Date.now;
  const client =
    options.client ??
    createSlackWebClient(options.token, {
      apiUrl: options.slackApiUrl,
      logger: options.logger,
      // A quick answer or none: the caller may be inside Slack's 3-second window.
      retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 500 },
      timeoutMs: 2_500,
      // This client carries only these reads: waiting out a 429 holds nothing else.
      rateLimited: 'wait',
      fetch: options.fetch,
    });
  let members: ReadonlySet<string> | null = null;
  let freshUntil = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | null = null;

  async function read(): Promise<void> {
    try {
      const found = new Set<string>();
      let cursor: string | undefined;
      for (let page = 0; page < maxPages; page += 1) {
        const result = await client.conversations.members({ channel: options.channel, limit: 1000, ...(cursor ? { cursor } : {}) });
        for (const id of result.members ?? []) found.add(id);
        cursor = result.response_metadata?.next_cursor || undefined;
        if (cursor === undefined) break;
      }
      members = found;
      freshUntil = now() + ttlMs;
    } catch (error) {
      freshUntil = now() + retryMs;
      options.logger.warn(
        { err: error instanceof Error ? error.message : String(error), kept: members !== null },
        'coordinators’ Slack channel members not read; only COORDINATOR_USER_IDS and the last list read count',
      );
    }
  }

  return {
    async isMember(userId) {
      if (!SLACK_USER_ID.test(userId)) return false;
      if (now() >= freshUntil) {
        // One read at a time, however many clicks arrive while it is under way.
        reading ??= read().finally(() => {
          reading = null;
        });
        await reading;
      }
      return members?.has(userId) ?? false;
    },
  };
}
