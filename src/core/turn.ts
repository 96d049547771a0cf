/**
 * The turn contract every channel speaks: a user's message or click in a conversation, in, the
 * replies to show, out. Channels stay thin: they translate platform events to a TurnRequest and
 * the replies back to platform messages. Turns of one conversation run one at a time, in order.
 */
import type { Lang, Reply } from '../reply/model.js';

export type ChannelName = 'slack' | 'teams' | 'web' | 'console';

export interface TurnRequest {
  channel: ChannelName;
  conversationId: string;
  /** Thread or reply chain within the conversation; '' or undefined when none. */
  threadId?: string;
  /** The platform's user id (never a name): used for the audit trail. */
  userRef: string;
  input: { text: string } | { action: string };
  lang?: Lang;
  /**
   * True when the platform vouched for `userRef` (Slack's request signature, the Bot Framework's
   * token). Without it (Teams local mode, the playground, the terminal) the request never acts as
   * anyone: the follow-up registry treats its sender as no coordinator.
   */
  authenticated?: boolean;
}

export interface ConversationService {
  handle(request: TurnRequest): Promise<Reply[]>;
}

/** Serialises work per key: the next turn of a conversation starts when the previous one ends. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  get size(): number {
    return this.tails.size;
  }
}
