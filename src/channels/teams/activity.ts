/**
 * Incoming Teams activities, read: who, where, and what the user asked. Pure functions over the
 * activity JSON, so that every rule here (mentions, reply chains, tenants, button clicks) is tested
 * without a server.
 */
import { TurnContext, type Activity } from 'botbuilder';
import { z } from 'zod';
import type { Lang } from '../../reply/model.js';
import type { TurnRequest } from '../../core/turn.js';

export type TeamsConversationType = 'personal' | 'groupChat' | 'channel';

/** A button click: Action.Submit's data comes back as the message's `value` (see reply/adaptiveCard.ts). */
const SubmitValue = z.object({
  // Engine commands are short (`pdta:show:topic.table-i`); a long one is not ours.
  pdtaAction: z.string().min(1).max(200),
  pdtaLang: z.enum(['it', 'en']).optional(),
});

const TeamsChannelData = z.object({ tenant: z.object({ id: z.string().min(1) }).optional() });

export function conversationType(activity: Partial<Activity>): TeamsConversationType {
  const type = activity.conversation?.conversationType;
  if (type === 'channel' || type === 'groupChat') return type;
  return 'personal';
}

/** The Azure AD tenant the activity comes from: Teams puts it on the conversation and in channelData. */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const fromConversation = activity.conversation?.tenantId;
  if (typeof fromConversation === 'string' && fromConversation !== '') return fromConversation;
  const channelData = TeamsChannelData.safeParse(activity.channelData);
  return channelData.success ? channelData.data.tenant?.id : undefined;
}

const MESSAGE_ID = /;messageid=([^;]+)/;

/**
 * The reply chain a channel message belongs to. Teams names a channel conversation
 * `19:…@thread.tacv2;messageid=<root>`, where the root is the post that started the chain (a new
 * post's own id). Outside channels there are no chains.
 */
export function replyChainOf(activity: Partial<Activity>): string | undefined {
  if (conversationType(activity) !== 'channel') return undefined;
  const match = MESSAGE_ID.exec(activity.conversation?.id ?? '');
  return match?.[1] ?? activity.replyToId ?? activity.id;
}

/** The channel itself (a new post there, rather than a reply in a chain). */
export function channelConversationId(conversationId: string): string {
  return conversationId.replace(MESSAGE_ID, '');
}

const ENTITIES: Record<string, string> = { '&nbsp;': ' ', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&apos;': "'" };

/**
 * What the user typed, without the bot's @mention. In channels and group chats Teams delivers
 * `<at>PDTA</at> neridronato…`, with the mention as an entity; botbuilder removes the entity's text,
 * and the rest is tidied here: other people's mention tags lose their markup, and the few HTML
 * entities Teams uses in message text are decoded.
 */
export function messageText(activity: Partial<Activity>): string {
  const copy: Partial<Activity> = { ...activity, text: activity.text ?? '' };
  let text = activity.recipient?.id ? TurnContext.removeRecipientMention(copy) ?? '' : (copy.text ?? '');
  const botName = activity.recipient?.name;
  if (botName) text = text.split(`<at>${botName}</at>`).join(' ');
  text = text.replace(/<\/?at>/g, '');
  text = text.replace(/&(nbsp|amp|lt|gt|quot|#39|apos);/g, (entity) => ENTITIES[entity] ?? entity);
  return text.replace(/\s+/g, ' ').trim();
}

/** A button click's command and the language of the card it was on, when the message is one. */
export function submittedAction(activity: Partial<Activity>): { action: string; lang?: Lang } | undefined {
  const parsed = SubmitValue.safeParse(activity.value);
  if (!parsed.success) return undefined;
  return parsed.data.pdtaLang ? { action: parsed.data.pdtaAction, lang: parsed.data.pdtaLang } : { action: parsed.data.pdtaAction };
}

/** The user, as the audit trail knows them: the Azure AD object id (stable across chats), never a name. */
export function userRefOf(activity: Partial<Activity>): string {
  return activity.from?.aadObjectId ?? activity.from?.id ?? 'unknown';
}

/**
 * The engine turn for a message activity. A button click drives the conversation with its command;
 * a message with nothing left after the mention opens the menu, as a greeting would.
 */
export function turnRequestOf(activity: Partial<Activity>): TurnRequest {
  const conversationId = activity.conversation?.id ?? '';
  const threadId = replyChainOf(activity);
  const base = { channel: 'teams' as const, conversationId, userRef: userRefOf(activity), ...(threadId ? { threadId } : {}) };
  const submitted = submittedAction(activity);
  if (submitted) return { ...base, input: { action: submitted.action }, ...(submitted.lang ? { lang: submitted.lang } : {}) };
  const text = messageText(activity);
  if (text === '') {
    const lang = localeLang(activity);
    return { ...base, input: { action: 'pdta:menu' }, ...(lang ? { lang } : {}) };
  }
  return { ...base, input: { text } };
}

/** True when a conversationUpdate says the bot itself was added (installed in a chat or a team). */
export function botWasAdded(activity: Partial<Activity>): boolean {
  const botId = activity.recipient?.id;
  return botId !== undefined && (activity.membersAdded ?? []).some((m) => m.id === botId);
}

/** True when a conversationUpdate says the bot was removed (uninstalled): forget the conversation. */
export function botWasRemoved(activity: Partial<Activity>): boolean {
  const botId = activity.recipient?.id;
  return botId !== undefined && (activity.membersRemoved ?? []).some((m) => m.id === botId);
}

/** The user's Teams language, when it is one the assistant speaks; used where there is no text to read. */
export function localeLang(activity: Partial<Activity>): Lang | undefined {
  const locale = (activity.locale ?? '').toLowerCase();
  if (locale.startsWith('it')) return 'it';
  if (locale.startsWith('en')) return 'en';
  return undefined;
}
