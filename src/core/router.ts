/**
 * The one router between the channels and everything behind them. Each request goes, in its
 * conversation's queue, to the features plugged in with use() (the follow-up registry answers
 * its commands and buttons) and, when none takes it, to the conversation service. Channels call
 * the router, never a feature: a feature is plugged in once, here, for every channel (as a grammY
 * Composer is mounted with bot.use()).
 */
import type { Lang, Reply } from '../reply/model.js';
import type { ActedReminder } from './reminders.js';
import { KeyedQueue, type ConversationService, type TurnRequest } from './turn.js';

/** What the router decided, for the channel to show. */
export type TurnOutcome =
  /** The conversation service answered: a turn of the conversation. */
  | { kind: 'turn'; replies: Reply[] }
  /**
   * A feature in front of the conversation answered; `ok` false when it refused (not allowed,
   * already done). `acted`: a reminder button changed its reminder, whose message the channel
   * updates (buttons replaced by who did what and when).
   */
  | { kind: 'feature'; feature: string; replies: Reply[]; ok: boolean; acted?: ActedReminder }
  /**
   * A feature asks for one of its forms (the follow-up enrolment form). A channel that has such a
   * form opens it; any other shows `fallback`, which says how to do the same without the form.
   */
  | { kind: 'form'; feature: string; form: 'enrolment'; lang: Lang; fallback: Reply };

export type FeatureOutcome = Exclude<TurnOutcome, { kind: 'turn' }>;

export interface TurnFeature {
  readonly name: string;
  /**
   * The outcome when the request is this feature's, null to pass it on. A failure is thrown, for
   * the channel's own "could not answer".
   */
  handle(request: TurnRequest): Promise<FeatureOutcome | null>;
}

/** The queue key: one conversation, or one thread of it, on one channel. */
export function conversationKey(request: Pick<TurnRequest, 'channel' | 'conversationId' | 'threadId'>): string {
  return `${request.channel}:${request.conversationId}:${request.threadId ?? ''}`;
}

export class TurnRouter implements ConversationService {
  private readonly features: TurnFeature[] = [];
  private readonly queue = new KeyedQueue();

  constructor(private readonly conversation: ConversationService) {}

  /** Plugs a feature in front of the conversation; features are asked in the order they were added. */
  use(feature: TurnFeature): this {
    this.features.push(feature);
    return this;
  }

  /**
   * Decides and answers the request in its conversation's queue, then runs `show` (the channel's
   * delivery) in the same place in the queue, so that two quick messages are shown in the order
   * they were sent. Rejects when deciding failed; `show` reports its own failures.
   */
  route<T>(request: TurnRequest, show: (outcome: TurnOutcome) => Promise<T>): Promise<T> {
    return this.queue.run(conversationKey(request), async () => show(await this.decide(request)));
  }

  /** The replies only, for a channel without forms (the playground, the terminal). */
  handle(request: TurnRequest): Promise<Reply[]> {
    return this.route(request, async (outcome) => (outcome.kind === 'form' ? [outcome.fallback] : outcome.replies));
  }

  /** Conversations with a request queued or running. */
  get queued(): number {
    return this.queue.size;
  }

  private async decide(request: TurnRequest): Promise<TurnOutcome> {
    for (const feature of this.features) {
      const outcome = await feature.handle(request);
      if (outcome !== null) return outcome;
    }
    // Who vouched for the user is the features' concern; the conversation keeps its own contract.
    const { authenticated: _authenticated, ...turn } = request;
    return { kind: 'turn', replies: await this.conversation.handle(turn) };
  }
}
