/**
 * Conversations with memory: each turn takes the conversation's snapshot (src/server/conversationSnapshots.ts
 * keeps the last one it committed, or reads the store), runs the machine (src/engine/turn.ts), and
 * commits the new snapshot with the dosing audit in one transaction.
 * A conversation that expired or was written by an older machine restarts with a polite line
 * saying so.
 *
 * Turns of one conversation run one at a time: in this process a keyed queue orders them; across
 * instances sharing one PostgreSQL the commit is optimistic. It writes only if the conversation is
 * still the version the turn read; otherwise another instance answered a message of the same
 * conversation meanwhile (two people clicking "avanti" in one thread), and the turn runs again on
 * the fresh snapshot. A rerun is safe because a turn is pure until its commit: nothing was shown or
 * audited yet. Optimistic rather than a lock: a lock needs a transaction held open across the turn
 * (begin, lock, load, save, commit: five round trips instead of one or two), and conflicts are rare.
 */
import type { Assistant } from '../engine/assistant.js';
import { t } from '../engine/answer/i18n.js';
import { withLead } from '../engine/answer/turnView.js';
import { runTurn, type TurnEffect } from '../engine/turn.js';
import type { Reply } from '../reply/model.js';
import type { ConversationKey } from '../store/conversations.js';
import type { DosingAuditEntry } from '../store/audit.js';
import type { ConversationSnapshots } from './conversationSnapshots.js';
import { KeyedQueue, type ConversationService, type TurnRequest } from '../core/turn.js';

export interface TurnServiceDeps {
  assistant: Assistant;
  /** Where snapshots live; the SQL store also writes the dosing audit with each turn. */
  snapshots: ConversationSnapshots;
  now?: () => Date;
}

/**
 * Each rerun means another instance committed a turn of this conversation in between; past a
 * handful, something is wrong (or the conversation is flooded), and the user is told the turn failed.
 */
const MAX_ATTEMPTS = 8;

export class ConversationBusyError extends Error {
  override readonly name = 'ConversationBusyError';
}

export class TurnConversationService implements ConversationService {
  private readonly queue = new KeyedQueue();

  constructor(private readonly deps: TurnServiceDeps) {}

  handle(request: TurnRequest): Promise<Reply[]> {
    const key: ConversationKey = { channel: request.channel, conversationId: request.conversationId, ...(request.threadId ? { threadId: request.threadId } : {}) };
    return this.queue.run(JSON.stringify([key.channel, key.conversationId, key.threadId ?? '']), () => this.turn(key, request));
  }

  private async turn(key: ConversationKey, request: TurnRequest): Promise<Reply[]> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const now = (this.deps.now ?? (() => new Date()))();
      const loaded = await this.deps.snapshots.load(key, now);
      const snapshot = loaded.status === 'found' ? loaded.snapshot : null;
      const result = runTurn(this.deps.assistant, snapshot, request.input, request.lang ? { lang: request.lang } : {});
      const replyLang = result.replies[0]?.lang ?? 'it';
      const committed = await this.deps.snapshots.commit(key, {
        snapshot: result.snapshot,
        lang: replyLang,
        now,
        expectedVersion: loaded.status === 'found' ? loaded.version : null,
        audit: auditEntries(result.effects, request, now),
      });
      if (!committed) continue;
      let replies = result.replies;
      const notice =
        loaded.status === 'expired' ? t(replyLang, 'conv.expired') : loaded.status === 'outdated' || loaded.status === 'corrupt' ? t(replyLang, 'conv.outdated') : null;
      if (notice && replies[0]) replies = [withLead(replies[0], notice), ...replies.slice(1)];
      return replies;
    }
    throw new ConversationBusyError(`the conversation changed under ${MAX_ATTEMPTS} attempts in a row; turn not answered`);
  }
}

function auditEntries(effects: TurnEffect[], request: TurnRequest, now: Date): DosingAuditEntry[] {
  return effects.map((effect) => {
    switch (effect.type) {
      case 'dose-answered':
        return {
          at: now,
          channel: request.channel,
          userRef: request.userRef,
          drug: effect.drug,
          population: effect.population,
          weightKg: effect.weightKg,
          result: effect.result,
          rule: effect.rule,
          contentVersion: effect.contentVersion,
        };
      default: {
        const never: never = effect.type;
        return never;
      }
    }
  });
}
