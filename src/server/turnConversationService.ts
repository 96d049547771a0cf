/**
 * Conversations with memory: each turn loads the conversation's snapshot, runs the machine
 * (src/engine/turn.ts), saves the new snapshot and writes the dosing audit. Turns of one
 * conversation run one at a time; a conversation that expired or was written by an older machine
 * restarts with a polite line saying so.
 */
import type { Assistant } from '../engine/assistant.js';
import { t } from '../engine/answer/i18n.js';
import { withLead } from '../engine/answer/turnView.js';
import { runTurn, type TurnEffect } from '../engine/turn.js';
import type { Reply } from '../reply/model.js';
import type { ConversationKey } from '../store/conversations.js';
import type { DosingAuditEntry } from '../store/audit.js';
import type { ConversationSnapshots } from './conversationSnapshots.js';
import { KeyedQueue, type ConversationService, type TurnRequest } from './conversationService.js';

export interface TurnServiceDeps {
  assistant: Assistant;
  snapshots: ConversationSnapshots;
  /** Where dose answers are recorded (the audit table); may be a no-op. */
  audit: (entry: DosingAuditEntry) => Promise<unknown>;
  now?: () => Date;
}

export class TurnConversationService implements ConversationService {
  private readonly queue = new KeyedQueue();

  constructor(private readonly deps: TurnServiceDeps) {}

  handle(request: TurnRequest): Promise<Reply[]> {
    const key: ConversationKey = { channel: request.channel, conversationId: request.conversationId, ...(request.threadId ? { threadId: request.threadId } : {}) };
    return this.queue.run(JSON.stringify([key.channel, key.conversationId, key.threadId ?? '']), () => this.turn(key, request));
  }

  private async turn(key: ConversationKey, request: TurnRequest): Promise<Reply[]> {
    const now = (this.deps.now ?? (() => new Date()))();
    const loaded = await this.deps.snapshots.load(key, now);
    const snapshot = loaded.status === 'found' ? loaded.snapshot : null;
    const result = runTurn(this.deps.assistant, snapshot, request.input, request.lang ? { lang: request.lang } : {});
    const replyLang = result.replies[0]?.lang ?? 'it';
    await this.deps.snapshots.save(key, result.snapshot, replyLang, now);
    await this.recordEffects(result.effects, request, now);
    let replies = result.replies;
    const notice =
      loaded.status === 'expired' ? t(replyLang, 'conv.expired') : loaded.status === 'outdated' || loaded.status === 'corrupt' ? t(replyLang, 'conv.outdated') : null;
    if (notice && replies[0]) replies = [withLead(replies[0], notice), ...replies.slice(1)];
    return replies;
  }

  private async recordEffects(effects: TurnEffect[], request: TurnRequest, now: Date): Promise<void> {
    for (const effect of effects) {
      switch (effect.type) {
        case 'dose-answered':
          await this.deps.audit({
            at: now,
            channel: request.channel,
            userRef: request.userRef,
            drug: effect.drug,
            population: effect.population,
            weightKg: effect.weightKg,
            result: effect.result,
            rule: effect.rule,
            contentVersion: effect.contentVersion,
          });
          break;
        default: {
          const never: never = effect.type;
          return never;
        }
      }
    }
  }
}
