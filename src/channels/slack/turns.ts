/**
 * One Slack request through the router (src/core/router.ts), in its conversation's queue: the
 * outcome is rendered to Block Kit and delivered, in order. Turns of one conversation (a channel
 * thread, a DM, a user's /pdta answers) run one after another, so two quick messages are answered
 * in the order they were sent. A failure is never silent: the user gets a short "could not answer"
 * rather than nothing.
 */
import { createHash } from 'node:crypto';
import type { FeatureOutcome, TurnOutcome, TurnRouter } from '../../core/router.js';
import type { TurnRequest } from '../../core/turn.js';
import type { Logger } from '../../logging.js';
import { escapeMrkdwn, renderBlockKit, type RenderOptions, type SlackMessage } from '../../reply/blockKit.js';
import type { Reply } from '../../reply/model.js';
import type { Deliver } from './delivery.js';
import { TURN_FAILED } from './messages.js';

export interface TurnDelivery {
  deliver: Deliver;
  /** Buttons or a note the channel adds to a conversation's reply (the share button, "shared by"). */
  renderOptions?: (reply: Reply) => RenderOptions;
  /** Opens a feature's form (the enrolment modal); false when it could not, and `fallback` is shown instead. */
  openForm?: (form: Extract<TurnOutcome, { kind: 'form' }>) => Promise<boolean>;
}

/** What the user gets when their message could not be answered (also used for follow-up commands). */
export const FAILED_MESSAGE: SlackMessage = {
  text: TURN_FAILED,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(TURN_FAILED), verbatim: true } }],
};

function conversationTag(request: TurnRequest): string {
  return createHash('sha256').update(`${request.conversationId}:${request.threadId ?? ''}`).digest('hex').slice(0, 12);
}

export class SlackTurns {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly router: TurnRouter,
    private readonly logger: Logger,
  ) {}

  /** Resolves when the turn is over: true when every message was delivered, false when it failed (and was reported). */
  run(request: TurnRequest, delivery: TurnDelivery): Promise<boolean> {
    return this.route(request, delivery.deliver, (outcome, log) => this.show(outcome, delivery, log));
  }

  /**
   * The request through the router, every Slack request being signed by Slack (so its user is who
   * Slack says); `show` delivers the outcome in the conversation's queue and reports its own
   * failures. A request the router could not answer gets FAILED_MESSAGE through `failure`.
   */
  route(request: TurnRequest, failure: Deliver, show: (outcome: TurnOutcome, log: object) => Promise<boolean>): Promise<boolean> {
    // As the server's own turn log: a one-way tag follows a conversation without the logs holding Slack's ids.
    const log = { conversation: conversationTag(request), input: 'text' in request.input ? 'text' : 'action' };
    return this.hold(() =>
      this.router
        .route({ ...request, authenticated: true }, (outcome) => show(outcome, log))
        .catch(async (error: unknown) => {
          this.logger.error({ ...log, err: error }, 'slack turn failed');
          await this.deliverFailure(failure, log);
          return false;
        }),
    );
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

  /**
   * Delivers every message of `replies`; on a failure, a note when nothing reached the user (part
   * of an answer did: a note would only add noise), through `failure` (default: `deliver`).
   */
  async deliverReplies(
    replies: Reply[],
    deliver: Deliver,
    options: (reply: Reply) => RenderOptions,
    log: object,
    failure: Deliver = deliver,
  ): Promise<{ ok: boolean; sent: number }> {
    let sent = 0;
    try {
      for (const reply of replies) {
        for (const message of renderBlockKit(reply, options(reply))) {
          await deliver(message);
          sent += 1;
        }
      }
      return { ok: true, sent };
    } catch (error) {
      this.logger.error({ ...log, err: error, sent }, 'slack reply not delivered');
      if (sent === 0) await this.deliverFailure(failure, log);
      return { ok: false, sent };
    }
  }

  private async show(outcome: TurnOutcome, delivery: TurnDelivery, log: object): Promise<boolean> {
    const started = performance.now();
    switch (outcome.kind) {
      case 'turn': {
        const { ok, sent } = await this.deliverReplies(outcome.replies, delivery.deliver, (reply) => delivery.renderOptions?.(reply) ?? {}, log);
        if (ok) this.logger.info({ ...log, kinds: outcome.replies.map((r) => r.kind), messages: sent, ms: Math.round(performance.now() - started) }, 'slack turn answered');
        return ok;
      }
      case 'feature':
        return this.showFeature(outcome, delivery.deliver, log);
      case 'form': {
        if (delivery.openForm && (await delivery.openForm(outcome))) return true;
        return (await this.deliverReplies([outcome.fallback], delivery.deliver, () => ({}), log)).ok;
      }
      default: {
        const never: never = outcome;
        return never;
      }
    }
  }

  /** A feature's answer (a registry command): where it was typed, without the conversation's extra buttons. */
  private async showFeature(outcome: FeatureOutcome & { kind: 'feature' }, deliver: Deliver, log: object): Promise<boolean> {
    const { ok } = await this.deliverReplies(outcome.replies, deliver, () => ({}), log);
    if (ok) this.logger.info({ ...log, feature: outcome.feature, ok: outcome.ok }, 'slack feature answered');
    return ok;
  }

  async deliverFailure(deliver: Deliver, log: object): Promise<void> {
    try {
      await deliver(FAILED_MESSAGE);
    } catch (error) {
      this.logger.error({ ...log, err: error }, 'slack failure notice not delivered');
    }
  }
}
