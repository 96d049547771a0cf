/**
 * chat.postMessage for answers: through the WebClient (webClient.ts builds its options), in each
 * channel's turn (channelPacer.ts). Its retries are the WebClient's own (`retryConfig`: 5xx answers
 * and network failures); its 429s are the pacer's, scoped to the channel. An `ok: false` answer is
 * thrown as the WebClient throws it (WebAPIPlatformError, Slack's code in `data.error`), not retried.
 */
import type { WebClient } from '@slack/web-api';
import type { SlackMessage } from '../../reply/blockKit.js';
import type { ChannelPacer } from './channelPacer.js';

export interface PostMessageArgs extends SlackMessage {
  channel: string;
  threadTs?: string | undefined;
}

export interface ChatPoster {
  /** Resolves with the posted message's ts. */
  postMessage(args: PostMessageArgs): Promise<string>;
}

export class PacedChatPoster implements ChatPoster {
  constructor(
    private readonly client: WebClient,
    private readonly pacer: ChannelPacer,
  ) {}

  async postMessage(args: PostMessageArgs): Promise<string> {
    const result = await this.pacer.run(args.channel, () =>
      this.client.chat.postMessage({
        channel: args.channel,
        ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
        text: args.text,
        blocks: args.blocks,
        // The answer is the PDTA's text; link previews would only push it off a phone's screen.
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    return result.ts ?? '';
  }
}
