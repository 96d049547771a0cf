/**
 * Conversation references: what a channel needs to post into a conversation later, without a user
 * message to answer (follow-up reminders). Teams stores botbuilder's ConversationReference here; the
 * store keeps it as opaque JSON, one row per (channel, conversation), the newest winning.
 *
 * The channel decides what goes in: Teams strips display names before saving (a reference needs
 * ids and the service URL, never who the people are).
 */
import type { Kysely } from 'kysely';
import type { ConversationReferences } from '../core/ports.js';
import { StoreError } from './errors.js';
import type { Database } from './schema.js';

export interface StoredConversationRef {
  reference: Record<string, unknown>;
  updatedAt: Date;
}

export class ConversationRefs {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts or replaces the reference of a conversation. */
  async save(channel: string, conversationId: string, reference: Record<string, unknown>, now: Date): Promise<void> {
    if (channel === '' || conversationId === '') {
      throw new StoreError('INVALID_INPUT', 'a conversation reference needs a channel and a conversation id');
    }
    if (typeof reference !== 'object' || reference === null || Array.isArray(reference)) {
      throw new StoreError('INVALID_INPUT', 'a conversation reference must be a JSON object');
    }
    const row = { reference: JSON.stringify(reference), updated_at: now };
    await this.db
      .insertInto('conversation_refs')
      .values({ channel, conversation_id: conversationId, ...row })
      .onConflict((conflict) => conflict.columns(['channel', 'conversation_id']).doUpdateSet(row))
      .execute();
  }

  async load(channel: string, conversationId: string): Promise<StoredConversationRef | undefined> {
    const row = await this.db
      .selectFrom('conversation_refs')
      .select(['reference', 'updated_at'])
      .where('channel', '=', channel)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const reference = row.reference;
    if (typeof reference !== 'object' || reference === null || Array.isArray(reference)) return undefined;
    return { reference: reference as Record<string, unknown>, updatedAt: row.updated_at };
  }

  /** Forgets a conversation (the bot was removed from it); true when there was a row. */
  async delete(channel: string, conversationId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('conversation_refs')
      .where('channel', '=', channel)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

/** One channel's references, as the ConversationReferences port a channel is handed (src/core/ports.ts). */
export function channelReferences(refs: ConversationRefs, channel: string): ConversationReferences {
  return {
    save: (conversationId, reference, at) => refs.save(channel, conversationId, reference, at),
    load: async (conversationId) => (await refs.load(channel, conversationId))?.reference,
    delete: (conversationId) => refs.delete(channel, conversationId),
  };
}
