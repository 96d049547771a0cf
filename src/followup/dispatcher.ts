/**
 * The reminder dispatcher: plans the day's reminders into the outbox and delivers them, on every
 * server instance at once (they share the work through the outbox's leases).
 *
 * Delivery of one claimed reminder:
 * 1. If an earlier attempt may have delivered it (a worker died between sending and recording, or
 *    a send timed out), ask the platform first (Slack: the message's metadata key). Found: record
 *    it as sent, post nothing. The check failed: try again later, never send blind.
 * 2. Start a send only with enough lease left for it to finish (the send has its own timeout), so
 *    no send is still in flight when another worker may take the row over.
 * 3. Sent: record the platform's message id under the claim's token: at once where the platform
 *    cannot be asked afterwards (Teams: the smaller the window, the fewer duplicates after a
 *    crash), in batches where it can (Slack: a crash before the batch is recorded is caught by the
 *    metadata check, and one commit per batch instead of per message is what lets an instance
 *    keep up with a day's reminders on a PostgreSQL that syncs every commit). Failed: back off
 *    exponentially (up to 1 s, 2 s, 4 s … 15 min, with src/core/retry.ts's jitter), or as long as Retry-After says,
 *    pausing the whole target meanwhile. A reminder is never dropped: it waits until delivered.
 */
import type { Content } from '../content/schema.js';
import { loadConfig } from '../config.js';
import { backoffMs } from '../core/retry.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/database.js';
import { ReminderOutbox, type ClaimedReminder } from '../store/reminderOutbox.js';
import { idempotencyKey, ReminderDeliveryError, type OutboundReminder, type ReminderPayload, type ReminderTransport } from '../core/reminders.js';
import { reminderReply } from './message.js';
import { ReminderPlanner } from './planner.js';
import { scheduleRules, type ScheduleRules } from './rules.js';
import type { ScheduleSettings } from './schedule.js';
import { scheduleSettingsFromConfig, systemClock, type Clock } from './settings.js';

export interface DispatcherOptions {
  store: Pick<Store, 'db'>;
  transport: ReminderTransport | readonly ReminderTransport[];
  logger: Logger;
  clock?: Clock;
  /** Reminders claimed per round. Default 50. */
  batchSize?: number;
  /** Wait between rounds when there was nothing (or less than a batch) to send. Default 1,000 ms. */
  pollMs?: number;
  /** How long a claim is held; a worker that dies releases its rows when this runs out. Default 60 s. */
  leaseMs?: number;
  /** Longest a single send may take before it counts as failed (maybe delivered). Default 10 s. */
  sendTimeoutMs?: number;
  /** Sends in flight at once per instance. Default 4. */
  concurrency?: number;
  /**
   * Plans reminders into the outbox every `planEveryMs` (default 30 s). Default: a planner over
   * `content` (default: the package's content/) and `settings` (default: from the environment).
   * false: this instance only delivers.
   */
  planner?: ReminderPlanner | false;
  content?: Content;
  settings?: Partial<ScheduleSettings>;
  planEveryMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** For jitter; tests pass a fixed one. */
  random?: () => number;
  /**
   * Told of every reminder this instance posted, the moment the platform accepted it (before it is
   * recorded): `pdta serve` counts them in pdta_reminders_sent_total. Not told of reminders found
   * already delivered by an earlier attempt, so that a message is counted where it was posted.
   * Must not throw; an error it throws is logged and ignored.
   */
  onSent?: (sent: { target: string; kind: ClaimedReminder['kind'] }) => void;
  /** Told of every failed attempt (it will be retried); `pdta serve` counts them as reminder_send errors. Must not throw. */
  onFailed?: (failed: { target: string; kind: ClaimedReminder['kind'] }) => void;
}

export interface RoundResult {
  claimed: number;
  sent: number;
  /** Found already delivered by an earlier attempt and recorded without sending. */
  alreadyDelivered: number;
  failed: number;
  /** Given back unattempted (target paused, or too little lease left). */
  released: number;
}

export interface DispatcherStats extends RoundResult {
  rounds: number;
  planned: number;
}

/** Lease kept free after the send timeout, for recording the result. */
const LEASE_MARGIN_MS = 2_000;
/** Deliveries recorded per statement, for transports that can be asked afterwards. */
const MARK_BATCH = 25;

interface Sent {
  claim: ClaimedReminder;
  messageId: string | null;
}

class DispatcherLoop {
  readonly stats: DispatcherStats = { rounds: 0, planned: 0, claimed: 0, sent: 0, alreadyDelivered: 0, failed: 0, released: 0 };
  private readonly outbox: ReminderOutbox;
  private readonly transports: Map<string, ReminderTransport>;
  private readonly paused = new Map<string, number>();
  private readonly clock: Clock;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly sendTimeoutMs: number;
  private readonly concurrency: number;
  private readonly planEveryMs: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly random: () => number;
  private planner: ReminderPlanner | false | undefined;
  private content: Promise<Content> | undefined;
  private rules: ScheduleRules | undefined;
  private lastPlan = Number.NEGATIVE_INFINITY;
  private stopped = false;
  private wake: (() => void) | undefined;
  private unrecorded: Sent[] = [];

  constructor(private readonly options: DispatcherOptions) {
    this.outbox = new ReminderOutbox(options.store.db);
    const list = Array.isArray(options.transport) ? options.transport : [options.transport as ReminderTransport];
    this.transports = new Map(list.map((t) => [t.target, t]));
    this.clock = options.clock ?? systemClock;
    this.batchSize = options.batchSize ?? 50;
    this.pollMs = options.pollMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 10_000;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.planEveryMs = options.planEveryMs ?? 30_000;
    this.backoff = options.backoff ?? { baseMs: 1_000, maxMs: 15 * 60_000 };
    this.random = options.random ?? Math.random;
    this.planner = options.planner;
    if (this.leaseMs < this.sendTimeoutMs + LEASE_MARGIN_MS) {
      throw new RangeError(`leaseMs (${this.leaseMs}) must exceed sendTimeoutMs (${this.sendTimeoutMs}) by at least ${LEASE_MARGIN_MS} ms`);
    }
  }

  /** The content reminders are planned from and cite (options.content, else the package's content/), read once. */
  private loadContent(): Promise<Content> {
    this.content ??= (async () => {
      if (this.options.content !== undefined) return this.options.content;
      const { readCompiledKnowledge } = await import('../content/compiled.js');
      return readCompiledKnowledge()?.content ?? (await import('../content/load.js')).loadContent();
    })();
    // A failed read is tried again at the next round, not remembered.
    this.content.catch(() => {
      this.content = undefined;
    });
    return this.content;
  }

  private async ensurePlanner(): Promise<ReminderPlanner | false> {
    if (this.planner !== undefined) return this.planner;
    const content = await this.loadContent();
    this.planner = new ReminderPlanner({
      db: this.options.store.db,
      content,
      targets: [...this.transports.keys()],
      settings: this.options.settings ?? scheduleSettingsFromConfig(loadConfig()),
    });
    return this.planner;
  }

  /** Plans if due; errors are logged, never stop delivery. */
  async planIfDue(): Promise<void> {
    const now = this.clock().getTime();
    if (now - this.lastPlan < this.planEveryMs) return;
    this.lastPlan = now;
    try {
      const planner = await this.ensurePlanner();
      if (planner === false) return;
      const result = await planner.plan(this.clock());
      this.stats.planned += result.enqueued;
      if (result.enqueued > 0) this.options.logger.info({ day: result.day, items: result.items, enqueued: result.enqueued, digest: result.digest }, 'follow-up reminders planned');
    } catch (error) {
      this.options.logger.error({ err: error }, 'planning follow-up reminders failed; will retry');
    }
  }

  /** One round: claim a batch and deliver it. */
  async runOnce(): Promise<RoundResult> {
    const round: RoundResult = { claimed: 0, sent: 0, alreadyDelivered: 0, failed: 0, released: 0 };
    const now = this.clock();
    const targets = [...this.transports.keys()].filter((t) => (this.paused.get(t) ?? 0) <= now.getTime());
    const claims = await this.outbox.claim({ targets, now, leaseMs: this.leaseMs, limit: this.batchSize });
    round.claimed = claims.length;
    if (claims.length === 0) return round;
    this.rules ??= scheduleRules(await this.loadContent());

    // Every check of the batch is asked for at once: the Slack transport answers them all with
    // one read of the channel's history.
    const checks = new Map<string, Promise<{ messageId: string } | null>>();
    for (const claim of claims) {
      const transport = this.transports.get(claim.target);
      if (claim.earlierAttempt !== null && transport?.alreadySent) {
        const check = transport.alreadySent(this.outbound(claim));
        check.catch(() => undefined); // awaited below; this only keeps it from being "unhandled" meanwhile
        checks.set(claim.id, check);
      }
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < claims.length) {
        const claim = claims[next]!;
        next += 1;
        try {
          await this.deliver(claim, checks.get(claim.id), round);
        } catch (error) {
          // The database failed while recording: the row stays leased and comes back after the
          // lease, checked first. Other lanes carry on; one error must not abandon the round.
          this.options.logger.error({ err: error, outboxId: claim.id }, 'could not record a reminder’s outcome; it will be retried after its lease');
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.concurrency, claims.length) }, worker));
    } finally {
      await this.recordSent();
    }
    for (const key of ['claimed', 'sent', 'alreadyDelivered', 'failed', 'released'] as const) this.stats[key] += round[key];
    this.stats.rounds += 1;
    return round;
  }

  private outbound(claim: ClaimedReminder): OutboundReminder {
    const payload = claim.payload as ReminderPayload;
    return {
      id: claim.id,
      idempotencyKey: idempotencyKey(claim.id),
      kind: claim.kind,
      payload,
      reply: reminderReply(payload, this.rules!),
      attempts: claim.attempts,
      earlierAttempt: claim.earlierAttempt,
    };
  }

  private async deliver(claim: ClaimedReminder, check: Promise<{ messageId: string } | null> | undefined, round: RoundResult): Promise<void> {
    const transport = this.transports.get(claim.target)!;
    const log = this.options.logger;
    const pausedUntil = this.paused.get(claim.target) ?? 0;
    if (pausedUntil > this.clock().getTime()) {
      await this.outbox.release(claim, new Date(pausedUntil));
      round.released += 1;
      return;
    }
    if (check !== undefined) {
      let found: { messageId: string } | null;
      try {
        found = await check;
      } catch (error) {
        await this.fail(claim, error, round);
        return;
      }
      if (found !== null) {
        await this.outbox.markSent(claim, found.messageId, this.clock());
        round.alreadyDelivered += 1;
        log.info({ outboxId: claim.id, target: claim.target }, 'reminder already delivered by an earlier attempt: recorded, not sent again');
        return;
      }
    } else if (claim.earlierAttempt !== null) {
      log.warn({ outboxId: claim.id, target: claim.target }, 'an earlier attempt may have delivered this reminder and the target cannot tell: sending again');
    }
    if (this.clock().getTime() > claim.claimedUntil.getTime() - this.sendTimeoutMs - LEASE_MARGIN_MS) {
      await this.outbox.release(claim, this.clock());
      round.released += 1;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    let messageId: string | null;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ReminderDeliveryError(`send timed out after ${this.sendTimeoutMs} ms`, { notDelivered: false })),
          this.sendTimeoutMs,
        );
      });
      ({ messageId } = await Promise.race([transport.send(this.outbound(claim)), timeout]));
    } catch (error) {
      await this.fail(claim, error, round);
      return;
    } finally {
      clearTimeout(timer);
    }
    round.sent += 1;
    this.notify(this.options.onSent, claim);
    if (transport.alreadySent === undefined) {
      if (!(await this.outbox.markSent(claim, messageId, this.clock()))) {
        log.warn({ outboxId: claim.id }, 'reminder sent but its claim was lost before it could be recorded');
      }
      return;
    }
    this.unrecorded.push({ claim, messageId });
    if (this.unrecorded.length >= MARK_BATCH) await this.recordSent();
  }

  private notify(hook: DispatcherOptions['onSent'], claim: ClaimedReminder): void {
    if (hook === undefined) return;
    try {
      hook({ target: claim.target, kind: claim.kind });
    } catch (error) {
      // A counter must never turn a delivered reminder into a failed one (and a retry into a duplicate).
      this.options.logger.warn({ err: error, outboxId: claim.id }, 'reminder dispatch hook failed');
    }
  }

  /**
   * Records the deliveries not yet recorded, in one statement. Never throws: rows it could not
   * record stay leased, and the metadata check recognises them as delivered after the lease.
   */
  private async recordSent(): Promise<void> {
    if (this.unrecorded.length === 0) return;
    const batch = this.unrecorded;
    this.unrecorded = [];
    let recorded: Set<string>;
    try {
      recorded = new Set(await this.outbox.markSentMany(batch, this.clock()));
    } catch (error) {
      this.options.logger.error({ err: error, outboxIds: batch.map((s) => s.claim.id) }, 'could not record sent reminders; they will be recognised by their metadata after the lease');
      return;
    }
    const lost = batch.filter((s) => !recorded.has(s.claim.id));
    // Another worker took these over after the lease ran out; its metadata check finds them.
    if (lost.length > 0) this.options.logger.warn({ outboxIds: lost.map((s) => s.claim.id) }, 'reminders sent but their claims were lost before they could be recorded');
  }

  private async fail(claim: ClaimedReminder, error: unknown, round: RoundResult): Promise<void> {
    const failure =
      error instanceof ReminderDeliveryError
        ? error
        : new ReminderDeliveryError(error instanceof Error ? error.message : String(error), { notDelivered: false, cause: error });
    const now = this.clock().getTime();
    let delay: number;
    if (failure.retryAfterMs !== undefined) {
      delay = failure.retryAfterMs;
      this.paused.set(claim.target, Math.max(this.paused.get(claim.target) ?? 0, now + delay));
    } else {
      delay = backoffMs(claim.attempts + 1, { baseDelayMs: this.backoff.baseMs, maxDelayMs: this.backoff.maxMs, random: this.random });
    }
    await this.outbox.markFailed(claim, { nextAttemptAt: new Date(now + delay), error: failure.message, notDelivered: failure.notDelivered });
    round.failed += 1;
    this.notify(this.options.onFailed, claim);
    this.options.logger.warn(
      { outboxId: claim.id, target: claim.target, attempts: claim.attempts + 1, retryInMs: delay, err: failure.message },
      'reminder not delivered; will retry',
    );
  }

  async run(): Promise<void> {
    while (!this.stopped) {
      let full = false;
      try {
        await this.planIfDue();
        full = (await this.runOnce()).claimed >= this.batchSize;
      } catch (error) {
        this.options.logger.error({ err: error }, 'reminder dispatch round failed; will retry');
      }
      if (!full && !this.stopped) await this.sleep(this.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }
}

export interface RunningDispatcher {
  /** Finishes the round in progress (its sends are recorded) and stops. */
  stop(): Promise<void>;
  stats(): DispatcherStats;
}

/** Starts planning and delivering in the background; `pdta serve` starts one per instance. */
export function startDispatcher(options: DispatcherOptions): RunningDispatcher {
  const loop = new DispatcherLoop(options);
  const running = loop.run();
  return {
    async stop() {
      loop.stop();
      await running;
    },
    stats: () => ({ ...loop.stats }),
  };
}

/** One dispatcher without its loop, for tests and tools: plan, then deliver round by round. */
export function createDispatcher(options: DispatcherOptions): { planIfDue(): Promise<void>; runOnce(): Promise<RoundResult>; stats(): DispatcherStats } {
  const loop = new DispatcherLoop({ ...options, planEveryMs: options.planEveryMs ?? 0 });
  return { planIfDue: () => loop.planIfDue(), runOnce: () => loop.runOnce(), stats: () => ({ ...loop.stats }) };
}
