/**
 * One Slack turn: the request goes to the conversation service, each reply is rendered to Block
 * Kit and delivered, in order. Turns of one conversation (a channel thread, a DM, a user's /pdta
 * answers) run one after another, so two quick messages are answered in the order they were sent.
 * A failure is never silent: the user gets a short "could not answer" rather than nothing.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../../logging.js';
import { escapeMrkdwn, renderBlockKit, type RenderOptions, type SlackMessage } from '../../reply/blockKit.js';
import type { Reply } from '../../reply/model.js';
import { KeyedQueue, type ConversationService, type TurnRequest } from '../../core/turn.js';
import type { Deliver } from './delivery.js';
import { TURN_FAILED } from './messages.js';

export interface TurnDelivery {
  deliver: Deliver;
  /** Buttons or a note the channel adds to a reply (the share button, "shared by"). */
  renderOptions?: (reply: Reply) => RenderOptions;
}

/** What the user gets when their message could not be answered (also used for follow-up commands). */
export const FAILED_MESSAGE: SlackMessage = {
  text: TURN_FAILED,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(TURN_FAILED), verbatim: true } }],
};

function conversationTag(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export class SlackTurns {
  private readonly queue = new KeyedQueue();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly service: ConversationService,
    private readonly logger: Logger,
  ) {}

  /**
   * Resolves when the turn is over: true when every message was delivered, false when it failed (and was reported).
   * `intercept` runs first, in the turn's place in the queue: it answers what is not for the
   * conversation service (a follow-up registry command) and resolves whether it delivered, or
   * null to let the service answer. It reports its own failures.
   */
  run(request: TurnRequest, delivery: TurnDelivery, intercept?: () => Promise<boolean | null>): Promise<boolean> {
    return this.track(`${request.conversationId}:${request.threadId ?? ''}`, async () => {
      const handled = intercept ? await intercept() : null;
      return handled ?? this.turn(request, delivery);
    });
  }

  /** Work in a conversation's queue, waited for by drain() like the turns; it reports its own failures. */
  track(key: string, work: () => Promise<boolean>): Promise<boolean> {
    const running = this.queue.run(key, work);
    this.inFlight.add(running);
    const done = (): void => void this.inFlight.delete(running);
    running.then(done, done);
    return running;
  }

  /**
   * Work that is not a turn yet but will be: a request from the moment it is acknowledged, through
   * the dedup write, to its turn. Without it a shutdown saw only the turns already queued, and an
   * acknowledged message still being deduplicated was dropped (Slack never sends it again).
   */
  hold<T>(work: () => Promise<T>): Promise<T> {
    const running = work();
    this.inFlight.add(running);
    const done = (): void => void this.inFlight.delete(running);
    running.then(done, done);
    return running;
  }

  /** Acknowledged requests and turns not finished yet. */
  get pending(): number {
    return this.inFlight.size;
  }

  /**
   * Waits for the turns already acknowledged to be answered (at most `timeoutMs`): on shutdown, an
   * acknowledged question would otherwise never be answered, since Slack will not send it again.
   */
  async drain(timeoutMs: number): Promise<number> {
    if (this.inFlight.size === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
    clearTimeout(timer);
    return outcome === 'timeout' ? this.inFlight.size : 0;
  }

  private async turn(request: TurnRequest, delivery: TurnDelivery): Promise<boolean> {
    const started = performance.now();
    // As the server's own turn log: a one-way tag follows a conversation without the logs holding Slack's ids.
    const log = { conversation: conversationTag(`${request.conversationId}:${request.threadId ?? ''}`), input: 'text' in request.input ? 'text' : 'action' };
    let replies: Reply[];
    try {
      replies = await this.service.handle(request);
    } catch (error) {
      this.logger.error({ ...log, err: error }, 'slack turn failed');
      await this.deliverFailure(delivery, log);
      return false;
    }
    let sent = 0;
    try {
      for (const reply of replies) {
        for (const message of renderBlockKit(reply, delivery.renderOptions?.(reply) ?? {})) {
          await delivery.deliver(message);
          sent += 1;
        }
      }
    } catch (error) {
      this.logger.error({ ...log, err: error, sent }, 'slack reply not delivered');
      // Nothing reached the user: say so. Part of an answer did: a note would only add noise.
      if (sent === 0) await this.deliverFailure(delivery, log);
      return false;
    }
    this.logger.info({ ...log, kinds: replies.map((r) => r.kind), messages: sent, ms: Math.round(performance.now() - started) }, 'slack turn answered');
    return true;
  }

  private async deliverFailure(delivery: TurnDelivery, log: object): Promise<void> {
    try {
      await delivery.deliver(FAILED_MESSAGE);
    } catch (error) {
      this.logger.error({ ...log, err: error }, 'slack failure notice not delivered');
    }
  }
}
