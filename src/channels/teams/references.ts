/**
 * Conversation references for proactive messages (follow-up reminders): saved from every activity
 * the bot accepts, read back by sendProactive().
 *
 * What is kept is what botbuilder needs to post again (service URL, channel, conversation, bot and
 * user ids) and nothing about who the people are: display names of users, group chats and channels
 * are blanked (a chat named after a patient would otherwise end up in the database). The activity
 * id is dropped too, so that a proactive message is a new message in the conversation (or in the
 * channel thread its id names) rather than a reply to some old message.
 */
import type { Activity, ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { ConversationReferences } from '../../core/ports.js';
import { channelConversationId, conversationType } from './activity.js';

const Account = z.object({ id: z.string().min(1), aadObjectId: z.string().optional(), role: z.string().optional() });

/** The stored shape, checked on the way out: a row written by an older version must not crash a reminder. */
const StoredReference = z.object({
  channelId: z.string().min(1),
  serviceUrl: z.url(),
  locale: z.string().optional(),
  bot: Account,
  user: Account.optional(),
  conversation: z.object({
    id: z.string().min(1),
    conversationType: z.string().optional(),
    tenantId: z.string().optional(),
    isGroup: z.boolean().optional(),
  }),
});
type StoredReference = z.infer<typeof StoredReference>;

function account(a: { id: string; aadObjectId?: string | undefined; role?: string | undefined }): StoredReference['bot'] {
  return { id: a.id, ...(a.aadObjectId ? { aadObjectId: a.aadObjectId } : {}), ...(a.role ? { role: a.role } : {}) };
}

/** The references an activity yields: its conversation, and for a reply chain also the channel itself. */
export function storableReferences(activity: Partial<Activity>): Array<{ conversationId: string; reference: StoredReference }> {
  const conversation = activity.conversation;
  const bot = activity.recipient;
  if (!conversation?.id || !bot?.id || !activity.serviceUrl || !activity.channelId) return [];
  const reference: StoredReference = {
    channelId: activity.channelId,
    serviceUrl: activity.serviceUrl,
    ...(activity.locale ? { locale: activity.locale } : {}),
    bot: account(bot),
    ...(activity.from?.id ? { user: account(activity.from) } : {}),
    conversation: {
      id: conversation.id,
      conversationType: conversationType(activity),
      ...(conversation.tenantId ? { tenantId: conversation.tenantId } : {}),
      ...(typeof conversation.isGroup === 'boolean' ? { isGroup: conversation.isGroup } : {}),
    },
  };
  const out = [{ conversationId: conversation.id, reference }];
  const channelId = channelConversationId(conversation.id);
  if (channelId !== conversation.id) {
    // A reminder to the channel starts a new post; no user is addressed there.
    const { user: _user, ...rest } = reference;
    out.push({ conversationId: channelId, reference: { ...rest, conversation: { ...reference.conversation, id: channelId } } });
  }
  return out;
}

/** A stored reference as botbuilder wants it (names it requires are present, and empty). */
export function toConversationReference(stored: StoredReference): Partial<ConversationReference> {
  return {
    channelId: stored.channelId,
    serviceUrl: stored.serviceUrl,
    ...(stored.locale ? { locale: stored.locale } : {}),
    bot: { ...stored.bot, name: '' },
    ...(stored.user ? { user: { ...stored.user, name: '' } } : {}),
    conversation: {
      id: stored.conversation.id,
      name: '',
      conversationType: stored.conversation.conversationType ?? 'personal',
      isGroup: stored.conversation.isGroup ?? false,
      ...(stored.conversation.tenantId ? { tenantId: stored.conversation.tenantId } : {}),
    },
  };
}

/**
 * Saves references, skipping the database when a conversation's reference has not changed since it
 * was last saved by this process (almost always: a reference holds no per-message data), so that
 * answering a message costs no write.
 */
export class ReferenceBook {
  private readonly saved = new Map<string, string>();

  constructor(
    private readonly refs: ConversationReferences,
    private readonly now: () => Date = () => new Date(),
    private readonly maxCached = 10_000,
  ) {}

  async remember(activity: Partial<Activity>): Promise<void> {
    for (const { conversationId, reference } of storableReferences(activity)) {
      const json = JSON.stringify(reference);
      if (this.saved.get(conversationId) === json) continue;
      // Checked before it is written, so that find() never meets a row it cannot use.
      if (!StoredReference.safeParse(reference).success) continue;
      await this.refs.save(conversationId, reference, this.now());
      this.saved.delete(conversationId);
      this.saved.set(conversationId, json);
      if (this.saved.size > this.maxCached) {
        const oldest = this.saved.keys().next().value;
        if (oldest !== undefined) this.saved.delete(oldest);
      }
    }
  }

  async find(conversationId: string): Promise<StoredReference | undefined> {
    const row = await this.refs.load(conversationId);
    if (row === undefined) return undefined;
    const parsed = StoredReference.safeParse(row);
    return parsed.success ? parsed.data : undefined;
  }

  async forget(conversationId: string): Promise<void> {
    this.saved.delete(conversationId);
    await this.refs.delete(conversationId);
  }
}

export type { StoredReference };
