/**
 * Where a reply goes: a message in a conversation or thread (chat.postMessage, through the
 * ChatPoster, in the channel's turn: channelPacer.ts), or the response_url of a slash command or a
 * click (ephemeral answers, sharing, deleting an ephemeral message).
 */
import { defaultRetryPolicy, parseRetryAfter, withRetry, type RetryPolicy } from '../../core/retry.js';
import { escapeMrkdwn, SLACK_LIMITS, type SlackMessage } from '../../reply/blockKit.js';
import type { ChatPoster } from './chatPoster.js';

export type Deliver = (message: SlackMessage) => Promise<void>;

export function postToConversation(poster: ChatPoster, channel: string, threadTs: string | undefined): Deliver {
  return async (message) => {
    await poster.postMessage({ channel, threadTs, text: message.text, blocks: message.blocks });
  };
}

/** Slack's answer when the app is not a member of the conversation (it was never invited there), as the WebClient throws it. */
export function isNotInConversation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('data' in error)) return false;
  const data = (error as { data?: { error?: unknown } }).data;
  return data?.error === 'not_in_channel' || data?.error === 'channel_not_found';
}

/**
 * Posts in the conversation; where the app was never invited (a button on a /pdta answer shared in a
 * channel the app is not in), the answer goes privately to the person who clicked, with a hint.
 */
export function postToConversationOrPrivately(poster: ChatPoster, channel: string, threadTs: string | undefined, responseUrl: string, hint: string): Deliver {
  const post = postToConversation(poster, channel, threadTs);
  let hinted = false;
  return async (message) => {
    try {
      await post(message);
    } catch (error) {
      if (!isNotInConversation(error)) throw error;
      const blocks = hinted || message.blocks.length >= SLACK_LIMITS.blocksPerMessage ? message.blocks : [...message.blocks, { type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: escapeMrkdwn(hint), verbatim: true as const }] }];
      hinted = true;
      await postToResponseUrl(responseUrl, { response_type: 'ephemeral', replace_original: false, text: message.text, blocks });
    }
  };
}

export interface ResponseUrlPayload {
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  delete_original?: boolean;
  text?: string;
  blocks?: SlackMessage['blocks'];
}

export class ResponseUrlError extends Error {
  override readonly name = 'ResponseUrlError';
  constructor(
    readonly status: number,
    /** The Retry-After that came with it, in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(`response_url answered ${status}`);
  }
}

/**
 * A response_url accepts 5 posts in 30 minutes, so few attempts; and a wait longer than 30 s is no
 * longer an answer to the click, so such a Retry-After ends the retries.
 */
export const RESPONSE_URL_RETRY: RetryPolicy = { ...defaultRetryPolicy, maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 30_000, deadlineMs: 60_000 };

/**
 * Posts to a response_url (JSON, as Slack requires), retrying a 429 after its Retry-After and a 5xx
 * or network failure after a short backoff (src/core/retry.ts). Bolt's respond() does one attempt only.
 */
export async function postToResponseUrl(
  responseUrl: string,
  payload: ResponseUrlPayload,
  options: { fetch?: typeof fetch; policy?: RetryPolicy } = {},
): Promise<void> {
  const fetchFn = options.fetch ?? fetch;
  const body = JSON.stringify(payload);
  await withRetry(
    async () => {
      const res = await fetchFn(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new ResponseUrlError(res.status, parseRetryAfter(res.headers.get('retry-after')));
    },
    options.policy ?? RESPONSE_URL_RETRY,
    {
      // A 4xx other than 429 would be refused again; 5xx and network failures may pass next time.
      classify: (error) =>
        error instanceof ResponseUrlError
          ? { retryable: error.status === 429 || error.status >= 500, retryAfterMs: error.status === 429 ? (error.retryAfterMs ?? 1_000) : undefined }
          : { retryable: true },
    },
  );
}

export function respondWith(responseUrl: string, base: ResponseUrlPayload): Deliver {
  return (message) => postToResponseUrl(responseUrl, { ...base, text: message.text, blocks: message.blocks });
}
