/**
 * What a reminder transport needs to know, and nothing more: the reminder as the dispatcher hands
 * it over (its payload, and the reply model it renders), the transport contract, the delivery
 * error, and what a reminder looks like after someone acted on it. The follow-up feature
 * (src/followup/) builds these; the Slack and Teams transports (reminderTransport.ts in
 * src/channels/slack/ and src/channels/teams/) only render and post them, so a channel never
 * reaches into the registry.
 */
import type { Localized, Source } from '../content/schema.js';
import type { Lang, Reply } from '../reply/model.js';

/** A calendar day, YYYY-MM-DD. */
type IsoDate = string;

export interface ItemReminderPayload {
  kind: 'due' | 'overdue';
  lang: Lang;
  itemId: string;
  patientCode: string;
  ruleId: string;
  ruleKind: 'exam' | 'therapy';
  ruleName: Localized;
  intervalText: Localized;
  source: Source;
  dueOn: IsoDate;
  /** The day the reminder is for (the planning day). */
  day: IsoDate;
  status: 'open' | 'booked';
  bookedOn: IsoDate | null;
  contentVersion: string;
}

export interface DigestEntry {
  itemId: string;
  patientCode: string;
  ruleId: string;
  ruleName: Localized;
  dueOn: IsoDate;
  status: 'open' | 'booked';
}

export interface DigestPayload {
  kind: 'digest';
  lang: Lang;
  /** The Monday of the week. */
  weekOf: IsoDate;
  /** The digest covers items due up to this day, and every overdue one. */
  until: IsoDate;
  day: IsoDate;
  entries: DigestEntry[];
  /** Items in the digest's span, of which `entries` shows the first. */
  total: number;
  overdue: number;
  contentVersion: string;
}

/** What the planner stores in the outbox: channel-neutral, everything a message shows. */
export type ReminderPayload = ItemReminderPayload | DigestPayload;
export type ReminderKind = ReminderPayload['kind'];

export interface OutboundReminder {
  /** The outbox row id. */
  id: string;
  /** Stable for the reminder across attempts and workers: `reminder:<id>`. */
  idempotencyKey: string;
  kind: ReminderKind;
  payload: ReminderPayload;
  /** The reminder as the project's reply model, which each platform's renderer in src/reply/ turns into its message. */
  reply: Reply;
  /** Failed attempts so far. */
  attempts: number;
  /**
   * When an earlier attempt may have delivered it: the span in which that send could have
   * happened (from the first attempt to the end of the last lease). null for a first attempt.
   */
  earlierAttempt: { from: Date; to: Date } | null;
}

/**
 * Where reminders are delivered. A transport posts one reminder and, where the platform allows,
 * says whether an earlier attempt already delivered it (the check that turns "at least once" into
 * "exactly once" after a crash between sending and recording the send).
 */
export interface ReminderTransport {
  /** The outbox target this transport serves: "slack", "teams". */
  readonly target: string;
  /** Posts the reminder; the platform's id for the message (Slack ts, Teams activity id) if it gives one. */
  send(reminder: OutboundReminder): Promise<{ messageId: string | null }>;
  /**
   * Whether an earlier attempt already delivered the reminder: its message id if so, null if it
   * certainly did not. Absent where the platform offers no way to look (Teams); the dispatcher
   * then sends again, since a reminder twice is better than a reminder never.
   */
  alreadySent?(reminder: OutboundReminder): Promise<{ messageId: string } | null>;
}

/**
 * A failed send, classified. `notDelivered`: the platform answered that it posted nothing (a 429,
 * an API error), so the next attempt needs no check. `retryAfterMs`: the platform said when to
 * come back (Retry-After), which the dispatcher honours for the whole target.
 */
export class ReminderDeliveryError extends Error {
  override readonly name = 'ReminderDeliveryError';
  readonly notDelivered: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { notDelivered: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.notDelivered = options.notDelivered;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function idempotencyKey(outboxId: string): string {
  return `reminder:${outboxId}`;
}

/** What a coordinator can do from a reminder's buttons. */
export const REMINDER_VERBS = ['booked', 'done', 'snooze', 'not-applicable'] as const;
export type ReminderVerb = (typeof REMINDER_VERBS)[number];

/**
 * A reminder after a button on it changed the registry: the reminder as it now stands (`reply`:
 * its status updated, without the buttons that no longer apply) and who did what, when. The
 * channel updates the reminder message with it, naming the person as its platform does.
 */
export interface ActedReminder {
  reply: Reply;
  verb: ReminderVerb;
  patientCode: string;
  at: Date;
  /** Where the time is read (the registry's zone, Europe/Rome). */
  timeZone: string;
}

const DONE_BY: Record<Lang, Record<ReminderVerb, string>> = {
  it: { booked: 'Prenotato', done: 'Fatto', snooze: 'Rimandato', 'not-applicable': 'Segnato non applicabile' },
  en: { booked: 'Booked', done: 'Done', snooze: 'Snoozed', 'not-applicable': 'Marked not applicable' },
};
const BY: Record<Lang, string> = { it: 'da', en: 'by' };

/** Day and time on the registry's wall clock, formatted apart so no locale data joins them differently. */
function formatInstant(at: Date, lang: Lang, timeZone: string): string {
  const locale = lang === 'it' ? 'it-IT' : 'en-GB';
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone }).format(at);
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(at);
  return `${day}, ${time}`;
}

/**
 * "✅ TC-0042 · Fatto da <who> · 4 marzo 2026, 10:00". `who` is put in as given (a Slack mention
 * is markup, a Teams name is text); everything else goes through `escape`, the renderer's escaping.
 */
export function actedLine(acted: ActedReminder, who: string, escape: (text: string) => string = (t) => t): string {
  const lang = acted.reply.lang;
  const when = formatInstant(acted.at, lang, acted.timeZone);
  return `${escape(`✅ ${acted.patientCode} · ${DONE_BY[lang][acted.verb]} ${BY[lang]} `)}${who}${escape(` · ${when}`)}`;
}
