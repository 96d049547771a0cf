/**
 * Turns the registry into reminder messages: each planning pass puts into the outbox the
 * reminders whose day has come, and once a week the digest. Safe to run often and on every
 * instance at once:
 * - items are locked FOR UPDATE SKIP LOCKED while planned, so two instances split the work;
 * - each message has a dedupe key (target, item, day), so a pass repeated, or run by two
 *   instances, enqueues it once;
 * - a day missed (every instance down) is caught up at the next pass: items are selected by
 *   "reminder day on or before today", and the reminder goes out late rather than never.
 *
 * The planning day is today (Europe/Rome) once REMINDER_HOUR has struck, yesterday before that:
 * so a reminder is never put out before its hour, and what it says is read at that hour.
 */
import type { Kysely } from 'kysely';
import { followupTableSource } from '../content/citations.js';
import type { Content, Localized, Source } from '../content/schema.js';
import { FollowupRegistry, type ItemRecord } from '../store/followupRegistry.js';
import { ReminderOutbox, type NewReminder } from '../store/reminderOutbox.js';
import type { Database } from '../store/schema.js';
import { addDays, dateInZone, mondayOf, zonedInstant, type IsoDate } from './dates.js';
import type { DigestEntry, DigestPayload, ItemReminderPayload } from './message.js';
import { scheduleRules, type ScheduleRules } from './rules.js';
import { DEFAULT_SCHEDULE_SETTINGS, nextReminderOn, type ScheduleSettings } from './schedule.js';

/** Items locked and planned per transaction: short transactions, bounded memory. */
const PLAN_BATCH = 2000;
/** A digest longer than this is a list, not a message: the rest is counted and pointed to. */
export const DIGEST_MAX_ENTRIES = 40;

export interface PlanResult {
  day: IsoDate;
  /** Items that got a reminder in this pass. */
  items: number;
  /** Outbox rows inserted (items × targets, plus digests). */
  enqueued: number;
  digest: boolean;
}

export interface PlannerOptions {
  db: Kysely<Database>;
  content: Content;
  /** Where reminders go: one outbox row per target ("slack", "teams"). */
  targets: readonly string[];
  settings?: Partial<ScheduleSettings>;
}

export class ReminderPlanner {
  readonly settings: ScheduleSettings;
  private readonly rules: ScheduleRules;
  /** What a reminder cites when its rule is no longer in content/ (an item enrolled under an older version). */
  private readonly followupTable: Source;

  constructor(private readonly options: PlannerOptions) {
    this.settings = { ...DEFAULT_SCHEDULE_SETTINGS, ...options.settings };
    this.rules = scheduleRules(options.content);
    this.followupTable = followupTableSource(options.content);
  }

  /** The day whose reminders are due at `now`: today once the reminder hour has struck, else yesterday. */
  planningDay(now: Date): IsoDate {
    const today = dateInZone(now, this.settings.timeZone);
    return now.getTime() >= zonedInstant(today, this.settings.hour, this.settings.timeZone).getTime() ? today : addDays(today, -1);
  }

  async plan(now: Date): Promise<PlanResult> {
    const day = this.planningDay(now);
    const result: PlanResult = { day, items: 0, enqueued: 0, digest: false };
    if (this.options.targets.length === 0) return result;
    for (;;) {
      const batch = await this.planBatch(day, now);
      result.items += batch.items;
      result.enqueued += batch.enqueued;
      if (batch.items < PLAN_BATCH) break;
    }
    const digest = await this.planDigest(day, now);
    result.enqueued += digest;
    result.digest = digest > 0;
    return result;
  }

  private async planBatch(day: IsoDate, now: Date): Promise<{ items: number; enqueued: number }> {
    return new FollowupRegistry(this.options.db).transaction(async (registry) => {
      const items = await registry.lockItemsToRemind(day, this.settings.leadDays, PLAN_BATCH);
      if (items.length === 0) return { items: 0, enqueued: 0 };
      const sendAt = zonedInstant(day, this.settings.hour, this.settings.timeZone);
      const rows: NewReminder[] = [];
      for (const item of items) {
        const payload = this.itemPayload(item, day);
        for (const target of this.options.targets) {
          rows.push({ dedupeKey: `${target}:item:${item.id}:${day}`, target, kind: payload.kind, itemId: item.id, payload, sendAt });
        }
      }
      const enqueued = await new ReminderOutbox(registry.db).enqueue(rows, now);
      await registry.setNextReminders(
        items.map((item) => ({ id: item.id, on: nextReminderOn(item.dueOn, day, this.settings) })),
        now,
      );
      return { items: items.length, enqueued };
    });
  }

  private itemPayload(item: ItemRecord, day: IsoDate): ItemReminderPayload {
    const rule = this.rules.rule(item.ruleId);
    const rhythm = this.rules.therapy(item.ruleId);
    const fallbackName: Localized = rhythm?.kind === 'none' ? rhythm.therapy.name : { it: item.ruleId, en: item.ruleId };
    return {
      kind: day > item.dueOn ? 'overdue' : 'due',
      lang: this.settings.lang,
      itemId: item.id,
      patientCode: item.patientCode,
      ruleId: item.ruleId,
      ruleKind: rule?.kind ?? (item.ruleId.startsWith('therapy.') ? 'therapy' : 'exam'),
      ruleName: rule?.name ?? fallbackName,
      intervalText: rule?.intervalText ?? { it: '—', en: '—' },
      source: rule?.source ?? this.followupTable,
      dueOn: item.dueOn,
      day,
      status: item.status === 'booked' ? 'booked' : 'open',
      bookedOn: item.bookedOn,
      contentVersion: this.rules.contentVersion,
    };
  }

  /**
   * This week's digest (Monday, at the reminder hour): what falls due in the next `digestDays`
   * and what is overdue. Planned at the first pass on or after Monday's hour; a registry with
   * nothing open gets none (no weekly "nothing to do" before anyone is enrolled).
   */
  private async planDigest(day: IsoDate, now: Date): Promise<number> {
    const monday = mondayOf(day);
    const outbox = new ReminderOutbox(this.options.db);
    const targets: string[] = [];
    for (const target of this.options.targets) {
      if (!(await outbox.exists(`${target}:digest:${monday}`))) targets.push(target);
    }
    if (targets.length === 0) return 0;
    const registry = new FollowupRegistry(this.options.db);
    if (!(await registry.hasLiveItems())) return 0;
    const until = addDays(day, this.settings.digestDays);
    const entries: DigestEntry[] = (await registry.liveItemsDueBy(until, DIGEST_MAX_ENTRIES)).map((item) => ({
      itemId: item.id,
      patientCode: item.patientCode,
      ruleId: item.ruleId,
      ruleName: this.rules.rule(item.ruleId)?.name ?? { it: item.ruleId, en: item.ruleId },
      dueOn: item.dueOn,
      status: item.status === 'booked' ? 'booked' : 'open',
    }));
    const payload: DigestPayload = {
      kind: 'digest',
      lang: this.settings.lang,
      weekOf: monday,
      until,
      day,
      entries,
      total: await registry.countLiveItems({ dueBy: until }),
      overdue: await registry.countLiveItems({ dueBefore: day }),
      contentVersion: this.rules.contentVersion,
    };
    const sendAt = zonedInstant(monday, this.settings.hour, this.settings.timeZone);
    return outbox.enqueue(
      targets.map((target) => ({ dedupeKey: `${target}:digest:${monday}`, target, kind: 'digest', itemId: null, payload, sendAt })),
      now,
    );
  }
}
