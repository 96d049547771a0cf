/**
 * What a channel needs beyond the router, as small interfaces handed in by the composition root
 * (src/app/compose.ts), the way Bolt's App is handed a Receiver: the channel never holds the
 * store, the engine or the follow-up registry, only these.
 */
import type { Lang, Reply } from '../reply/model.js';
import type { EnrolmentFields, FormField } from './followup.js';
import type { TurnRequest } from './turn.js';

/**
 * Platforms deliver a request again when they think it went unanswered (Slack after 3 s, Teams
 * within minutes), possibly to another instance: the first delivery does the work.
 */
export interface DeliveryLog {
  /** True the first time `key` is seen (by any instance sharing the log); false for a repeat. */
  firstDelivery(key: string): Promise<boolean>;
}

/**
 * Where a channel keeps what it needs to post into a conversation later, without a user message
 * to answer (Teams' proactive reminders): opaque JSON by conversation id, the newest winning.
 */
export interface ConversationReferences {
  save(conversationId: string, reference: Record<string, unknown>, at: Date): Promise<void>;
  load(conversationId: string): Promise<Record<string, unknown> | undefined>;
  /** True when there was one to forget. */
  delete(conversationId: string): Promise<boolean>;
}

/** The assistant's menu in a language, outside any conversation (Slack's App Home tab). */
export type MenuSource = (lang: Lang) => Reply;

/** Who acts, as a channel knows them: the platform's user id, and whether the platform vouched for it. */
export type Actor = Pick<TurnRequest, 'channel' | 'userRef' | 'authenticated'>;

/** One upcoming follow-up for a list: pseudonymous code only. */
export interface UpcomingReminder {
  /** Due date as shown, e.g. "2027-03-01". */
  due: string;
  patientCode: string;
  /** What falls due, with its marks (overdue, booked), in the registry's language. */
  what: string;
}

/**
 * The coordinator's upcoming follow-ups (Slack's App Home). [] means "none due";
 * 'coordinators-only' that the user is not a coordinator (the registry is their working list);
 * 'unavailable' that it could not be read now.
 */
export type UpcomingRemindersSource = (actor: Actor) => Promise<UpcomingReminder[] | 'coordinators-only' | 'unavailable'>;

export type EnrolmentResult =
  | { ok: true; reply: Reply; scheduledItems: number }
  /** Each problem under its form field, in the form's language; `reply` says them all. */
  | { ok: false; errors: Partial<Record<FormField, string>>; reply: Reply };

/** What the platforms' follow-up forms (Slack's modal, Teams' card) ask the registry. */
export interface FollowupForms {
  /** The registry's language: a form without a language of its own speaks it. */
  readonly lang: Lang;
  /** Every therapy the PDTA gives an interval for, then "none". */
  therapyChoices(lang: Lang): Array<{ value: string; label: string }>;
  /** A submitted enrolment form: enrolled and confirmed, or the problems by field. Store failures are thrown. */
  submitEnrolment(actor: Actor, fields: EnrolmentFields, lang: Lang): Promise<EnrolmentResult>;
  upcoming: UpcomingRemindersSource;
}

/**
 * Who is in a platform's channel now (the follow-up registry's "members of the coordinators' Slack
 * channel are coordinators"). Never throws: an id that cannot be checked now is not a member.
 */
export interface ChannelMembership {
  /** `userId` is the platform's bare user id (Slack: "U0123ABCD"). */
  isMember(userId: string): Promise<boolean>;
}
