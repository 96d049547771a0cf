/**
 * What the app listens to, each translated to a conversation turn and answered where the user
 * asked: an @mention in the thread of the message (a channel stays readable), a direct message in
 * the direct message, /pdta privately (with "Share in channel"), a button click where the button
 * was, and the App Home tab.
 */
import type { App, BlockAction, ButtonAction, webApi } from '@slack/bolt';
import { isFollowupButtonValue } from '../../core/followup.js';
import type { MenuSource, UpcomingRemindersSource } from '../../core/ports.js';
import type { TurnRequest } from '../../core/turn.js';
import type { Logger } from '../../logging.js';
import { REPLY_ACTION_ID_PREFIX } from '../../reply/blockKit.js';
import type { Lang, Reply } from '../../reply/model.js';
import type { ChatPoster } from './chatPoster.js';
import { postToConversation, postToConversationOrPrivately, postToResponseUrl, respondWith } from './delivery.js';
import type { SlackFollowup } from './followup.js';
import { homeView } from './home.js';
import { NOT_IN_CHANNEL, SHARE_LABEL, SHARED_BY } from './messages.js';
import type { FirstDelivery } from './middleware.js';
import { decodeShare, encodeShare, SHARE_ACTION_ID } from './share.js';
import { toPlainText } from './slackText.js';
import type { SlackTurns, TurnDelivery } from './turns.js';

export interface ListenerDeps {
  /** The menu in each language, for the App Home tab. */
  menus: MenuSource;
  /** Answers in a conversation (chat.postMessage); the listener's WebClient does the rest. */
  poster: ChatPoster;
  turns: SlackTurns;
  once: FirstDelivery;
  logger: Logger;
  /** The coordinator's upcoming follow-ups, for the App Home tab; absent when the registry is not wired. */
  reminders?: UpcomingRemindersSource;
  /** The follow-up enrolment modal, the reminder buttons and the Home tab's list; absent when not wired. */
  followup?: SlackFollowup;
}

export const PDTA_COMMAND = '/pdta';

/** The events the app answers: a mention, a direct message, the App Home tab opened. */
const EVENTS = /^(?:app_mention|message|app_home_opened)$/;

/** `pdta:action:<lang>:<n>` → the reply's language. */
function langOfAction(actionId: string): Lang | null {
  if (!actionId.startsWith(REPLY_ACTION_ID_PREFIX)) return null;
  const lang = actionId.slice(REPLY_ACTION_ID_PREFIX.length).split(':')[0];
  return lang === 'it' || lang === 'en' ? lang : null;
}

/** A direct message conversation: its ids start with D (https://docs.slack.dev/reference/objects/conversation-object). */
function isDirect(channelId: string): boolean {
  return channelId.startsWith('D');
}

/** An ephemeral answer: only the asker sees it, and it can be shared in the channel. */
function ephemeralDelivery(responseUrl: string, input: TurnRequest['input']): TurnDelivery {
  return {
    deliver: respondWith(responseUrl, { response_type: 'ephemeral', replace_original: false }),
    renderOptions: (reply: Reply) => {
      const value = encodeShare(input, reply.lang);
      return value ? { extraButtons: [{ label: SHARE_LABEL[reply.lang], value, actionId: SHARE_ACTION_ID }] } : {};
    },
  };
}

export function registerListeners(app: App, d: ListenerDeps): void {
  const followup = d.followup;
  followup?.registerListeners(app);

  // The three events in one listener: Bolt runs every listener's filters, each with its own copy of
  // the request's arguments, for every request, so each listener costs every event.
  app.event(EVENTS, async ({ event, body, context, client }) => {
    switch (event.type) {
      case 'app_mention': {
        // Another bot mentioning us: bots never converse with bots (no loops).
        if (event.bot_id || !event.user) return;
        if (!(await d.once.check(body, context))) return;
        // In a channel, the thread of the message; in a direct message (should Slack send a mention
        // there too), the conversation itself, as message.im answers it.
        const threadTs = isDirect(event.channel) ? event.thread_ts : (event.thread_ts ?? event.ts);
        const text = toPlainText(event.text);
        const deliver = postToConversation(d.poster, event.channel, threadTs);
        const user = event.user;
        await d.turns.run({ channel: 'slack', conversationId: event.channel, threadId: threadTs, userRef: user, input: { text } }, { deliver });
        return;
      }
      case 'message': {
        // Edits, deletions, joins, bot posts and file shares all carry a subtype: only a person's new message is a question.
        if (event.subtype !== undefined || event.channel_type !== 'im') return;
        if (event.bot_id || event.user === context.botUserId) return;
        if (!(await d.once.check(body, context))) return;
        const text = toPlainText(event.text);
        const deliver = postToConversation(d.poster, event.channel, event.thread_ts);
        const user = event.user;
        await d.turns.run({ channel: 'slack', conversationId: event.channel, threadId: event.thread_ts, userRef: user, input: { text } }, { deliver });
        return;
      }
      case 'app_home_opened': {
        if (event.tab !== 'home') return;
        if (!(await d.once.check(body, context))) return;
        const menus = (['it', 'en'] as const).map((lang) => d.menus(lang));
        const reminders = d.reminders ? await d.reminders({ channel: 'slack', userRef: event.user, authenticated: true }) : null;
        await client.views.publish({ user_id: event.user, view: homeView(menus, reminders) });
        return;
      }
      default:
        return;
    }
  });

  app.command(PDTA_COMMAND, async ({ command, body, context, client }) => {
    if (!(await d.once.check(body, context))) return;
    const input = { text: toPlainText(command.text) };
    // A registry command is private like every /pdta answer, without "Share in channel" (ephemeralDelivery adds it to conversation replies only).
    const openForm = followup?.formOpener(client, command.trigger_id);
    await d.turns.run(
      { channel: 'slack', conversationId: command.channel_id, threadId: `ephemeral:${command.user_id}`, userRef: command.user_id, input },
      { ...ephemeralDelivery(command.response_url, input), ...(openForm ? { openForm } : {}) },
    );
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: SHARE_ACTION_ID }, async ({ action, body, context }) => {
    if (!(await d.once.check(body, context))) return;
    const shared = decodeShare(action.value);
    const channel = body.channel?.id ?? stringField(body.container, 'channel_id');
    if (!shared || !channel) {
      d.logger.warn({ actionId: action.action_id }, 'slack share button without a readable value ignored');
      return;
    }
    const userId = body.user.id;
    // A fresh conversation: sharing shows the same answer again, it does not advance anyone's walkthrough.
    const delivered = await d.turns.run(
      { channel: 'slack', conversationId: channel, threadId: `share:${body.trigger_id}`, userRef: userId, input: shared.input, ...(shared.lang ? { lang: shared.lang } : {}) },
      {
        deliver: respondWith(body.response_url, { response_type: 'in_channel', replace_original: false }),
        renderOptions: (reply) => ({ leadContext: SHARED_BY[reply.lang](userId) }),
      },
    );
    // The private copy goes only once the channel has the answer.
    if (delivered) await postToResponseUrl(body.response_url, { delete_original: true });
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: /^pdta:action:/ }, async ({ action, body, context, client }) => {
    const lang = langOfAction(action.action_id);
    if (!action.value || !lang) return;
    if (!(await d.once.check(body, context))) return;
    // A follow-up button in a reply (not a reminder message): the registry, not the engine.
    if (followup && isFollowupButtonValue(action.value)) {
      await followup.button(action.value, body, client);
      return;
    }
    const base = { channel: 'slack' as const, userRef: body.user.id, input: { action: action.value }, lang };
    if (body.view || body.container['type'] === 'view') {
      await answerInDirectMessage(client, d, base);
      return;
    }
    const channel = body.channel?.id ?? stringField(body.container, 'channel_id');
    if (!channel) return;
    if (body.container['is_ephemeral'] === true) {
      await d.turns.run({ ...base, conversationId: channel, threadId: `ephemeral:${body.user.id}` }, ephemeralDelivery(body.response_url, base.input));
      return;
    }
    const message = body.message;
    const threadTs = stringField(message, 'thread_ts') ?? (isDirect(channel) ? undefined : message?.ts);
    await d.turns.run(
      { ...base, conversationId: channel, threadId: threadTs },
      { deliver: postToConversationOrPrivately(d.poster, channel, threadTs, body.response_url, NOT_IN_CHANNEL[lang]) },
    );
  });
}

/** A click in the App Home tab: answered in the user's direct messages with the app (the Messages tab). */
async function answerInDirectMessage(client: webApi.WebClient, d: ListenerDeps, base: Omit<TurnRequest, 'conversationId'>): Promise<void> {
  const opened = await client.conversations.open({ users: base.userRef });
  const channel = opened.channel?.id;
  if (!channel) throw new Error('conversations.open returned no channel');
  await d.turns.run({ ...base, conversationId: channel }, { deliver: postToConversation(d.poster, channel, undefined) });
}

function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' && field !== '' ? field : undefined;
}
