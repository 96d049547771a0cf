/**
 * Where a reply goes: a message in a conversation or thread (chat.postMessage, through the
 * ChatPoster, which waits out 429 answers for as long as Retry-After says), or the response_url of
 * a slash command or a click (ephemeral answers, sharing, deleting an ephemeral message).
 */
import { escapeMrkdwn, SLACK_LIMITS, type SlackMessage } from '../../reply/blockKit.js';
import type { ChatPoster } from './chatPoster.js';

export type Deliver = (message: SlackMessage) => Promise<void>;

export function postToConversation(poster: ChatPoster, channel: string, threadTs: string | undefined): Deliver {
  return async (message) => {
    await poster.postMessage({ channel, threadTs, text: message.text, blocks: message.blocks });
  };
}

/** Slack's answer when the app is not a member of the conversation (it was never invited there); from the ChatPoster or a WebClient. */
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
  constructor(readonly status: number) {
    super(`response_url answered ${status}`);
  }
}

/** Attempts in all for one response_url post; a response_url accepts 5 posts in 30 minutes. */
const RESPONSE_URL_ATTEMPTS = 3;
/** Longest Retry-After we wait for: an answer later than this is no longer an answer to the click. */
const MAX_RETRY_AFTER_S = 30;

/**
 * Posts to a response_url (JSON, as Slack requires), retrying a 429 after Retry-After and a 5xx or
 * network failure after a short pause. Bolt's respond() does one attempt only.
 */
export async function postToResponseUrl(
  responseUrl: string,
  payload: ResponseUrlPayload,
  options: { fetch?: typeof fetch; sleep?: (ms: number) => Promise<void> } = {},
): Promise<void> {
  const fetchFn = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let lastError: unknown;
  for (let attempt = 1; attempt <= RESPONSE_URL_ATTEMPTS; attempt += 1) {
    try {
      const res = await fetchFn(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (res.ok) return;
      lastError = new ResponseUrlError(res.status);
      if (res.status === 429) {
        const retryAfter = Number.parseInt(res.headers.get('retry-after') ?? '1', 10);
        await sleep(Math.min(Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 1, MAX_RETRY_AFTER_S) * 1000);
        continue;
      }
      if (res.status < 500) throw lastError;
    } catch (error) {
      if (error instanceof ResponseUrlError && error.status < 500 && error.status !== 429) throw error;
      lastError = error;
    }
    if (attempt < RESPONSE_URL_ATTEMPTS) await sleep(500 * attempt);
  }
  throw lastError;
}

export function respondWith(responseUrl: string, base: ResponseUrlPayload): Deliver {
  return (message) => postToResponseUrl(responseUrl, { ...base, text: message.text, blocks: message.blocks });
}
