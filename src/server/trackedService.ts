/**
 * The conversation service as every channel sees it in `pdta serve`: the same handle(), plus what
 * the server needs around each turn. It counts turns and latency, logs them without their text,
 * knows which turns are in flight so a shutdown can wait for them, and refuses new turns once the
 * shutdown has begun (a turn started after the store is closing could not be saved).
 *
 * It sits at the service, not at HTTP, because Slack acknowledges an event first and handles the
 * turn afterwards: only here does a drain see those turns.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../logging.js';
import type { Reply } from '../reply/model.js';
import type { ConversationService, TurnRequest } from '../core/turn.js';
import { HttpError } from './httpServer.js';
import { countError, countTurn, turnsInFlight } from './metrics.js';

/** A 503 with Retry-After: a load balancer or the playground retries on another instance or later. */
export class ShuttingDownError extends HttpError {
  override readonly name = 'ShuttingDownError';
  constructor() {
    super(503, 'the server is shutting down; retry shortly', { 'retry-after': '5', connection: 'close' });
  }
}

/**
 * A stable, short, one-way tag for a conversation id: lets an operator follow one conversation
 * through the logs without the logs holding the platform's ids.
 */
export function conversationTag(conversationId: string): string {
  return createHash('sha256').update(conversationId).digest('hex').slice(0, 12);
}

export class TrackedConversationService implements ConversationService {
  private readonly inFlight = new Set<Promise<unknown>>();
  private draining = false;

  constructor(
    private readonly inner: ConversationService,
    private readonly logger: Logger,
  ) {}

  get turnsInFlight(): number {
    return this.inFlight.size;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  async handle(request: TurnRequest): Promise<Reply[]> {
    if (this.draining) {
      countError('unavailable');
      throw new ShuttingDownError();
    }
    const started = process.hrtime.bigint();
    // Async wrapper: a service that throws synchronously still yields a settled, tracked promise.
    const turn = (async () => this.inner.handle(request))();
    this.inFlight.add(turn);
    turnsInFlight.inc();
    const base = {
      conversation: conversationTag(request.conversationId),
      channel: request.channel,
      input: 'text' in request.input ? 'text' : 'action',
    };
    try {
      const replies = await turn;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const kinds = replies.map((r) => r.kind);
      countTurn(request.channel, kinds, seconds);
      // What the user typed or clicked can carry a patient code: only at debug level, under a key the logger does not redact.
      const typed = this.logger.isLevelEnabled('debug') ? { typed: 'text' in request.input ? request.input.text : request.input.action } : {};
      this.logger.info({ ...base, ...typed, kinds, ms: Math.round(seconds * 1e4) / 10 }, 'turn');
      return replies;
    } catch (error) {
      countError('turn_failed');
      this.logger.error({ ...base, err: error }, 'turn failed');
      throw error;
    } finally {
      this.inFlight.delete(turn);
      turnsInFlight.dec();
    }
  }

  /**
   * Refuses new turns from now on and waits for those in flight, at most `timeoutMs`.
   * Resolves to the number of turns still running when it gave up (0 when all completed).
   */
  async drain(timeoutMs: number): Promise<number> {
    this.draining = true;
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, left);
      });
      // A turn that fails has already been counted and logged by handle(); here it has only ended.
      await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
      clearTimeout(timer);
    }
    return this.inFlight.size;
  }
}
