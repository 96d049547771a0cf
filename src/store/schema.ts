/**
 * Row types of the store's tables, as Kysely sees them. Both engines return the same JavaScript
 * types: jsonb parsed, timestamptz as Date, and int8/numeric as strings (pg's defaults; the PGlite
 * dialect is configured to match), so no caller has to know which engine it runs on.
 *
 * jsonb columns are written as JSON text: pg would turn a JavaScript array into a PostgreSQL array
 * literal, not JSON, so serialising ourselves is the one way that behaves the same everywhere.
 */
import type { ColumnType } from 'kysely';

/** jsonb: JSON text in, parsed JSON out. */
type JsonColumn = ColumnType<unknown, string, string>;

/** One conversation's machine snapshot; a conversation without threads has thread_id ''. */
export interface ConversationsTable {
  channel: string;
  conversation_id: string;
  thread_id: string;
  machine_id: string;
  machine_version: number;
  snapshot: JsonColumn;
  lang: string;
  updated_at: Date;
  expires_at: Date;
}

/** Who was shown which computed dose, from which rule and content version; never message text. */
export interface AuditDosingTable {
  /** bigserial: int8 arrives as a string so that ids past 2^53 stay exact. */
  id: ColumnType<string, never, never>;
  at: Date;
  channel: string;
  /** A platform user id (Slack U…, Teams 29:…), never a name. */
  user_ref: string;
  drug: string;
  population: string;
  /** numeric: read as a string so that the weight the doctor gave is kept digit for digit. */
  weight_kg: ColumnType<string | null, number | null, never>;
  result: string;
  rule: string;
  content_version: string;
}

/** Platform event ids already handled, so that a retried delivery is not answered twice. */
export interface ProcessedEventsTable {
  channel: string;
  event_id: string;
  received_at: Date;
}

/** What a channel needs to post into a conversation later (a Teams ConversationReference). */
export interface ConversationRefsTable {
  channel: string;
  conversation_id: string;
  reference: JsonColumn;
  updated_at: Date;
}

/** A patient in the follow-up registry, by pseudonymous code only; dates are ISO text (YYYY-MM-DD). */
export interface FollowupPatientsTable {
  code: string;
  last_exams_on: string;
  /** A content id ("therapy.neridronate"); null for no therapy on record (and then no dates). */
  therapy_id: string | null;
  /** The therapy's start: shown only. */
  therapy_since: string | null;
  /** The last administration, which the next counts from; null before migration 004 or for a therapy without an interval. */
  therapy_last_given: string | null;
  enrolled_at: Date;
  updated_at: Date;
}

export type FollowupItemStatus = 'open' | 'booked' | 'done' | 'not_applicable' | 'superseded';

/** One due occurrence of a follow-up exam or therapy for a patient; its id is the reminder id. */
export interface FollowupItemsTable {
  id: ColumnType<string, never, never>;
  patient_code: string;
  /** A content id: "followup.phosphate-metabolism", "therapy.neridronate". */
  rule_id: string;
  anchor_on: string;
  due_on: string;
  status: FollowupItemStatus;
  booked_on: string | null;
  done_on: string | null;
  next_reminder_on: string | null;
  reminders: ColumnType<number, number | undefined, number>;
  created_at: Date;
  updated_at: Date;
}

/** Who changed the registry, when, and what (field names, dates, ids, statuses; never free text). */
export interface FollowupAuditTable {
  id: ColumnType<string, never, never>;
  at: Date;
  actor: string;
  action: string;
  patient_code: string;
  item_id: string | null;
  changes: JsonColumn;
}

export type ReminderOutboxStatus = 'pending' | 'sent' | 'cancelled';

/** A reminder message to deliver exactly once to one target (Slack or Teams). */
export interface ReminderOutboxTable {
  id: ColumnType<string, never, never>;
  dedupe_key: string;
  target: string;
  kind: 'due' | 'overdue' | 'digest';
  item_id: string | null;
  payload: JsonColumn;
  status: ReminderOutboxStatus;
  send_at: Date;
  next_attempt_at: Date;
  attempts: ColumnType<number, number | undefined, number>;
  claimed_until: Date | null;
  claim_token: string | null;
  claimed_at: Date | null;
  maybe_sent: ColumnType<boolean, boolean | undefined, boolean>;
  first_attempt_at: Date | null;
  message_id: string | null;
  sent_at: Date | null;
  last_error: string | null;
  created_at: Date;
}

export interface Database {
  conversations: ConversationsTable;
  audit_dosing: AuditDosingTable;
  processed_events: ProcessedEventsTable;
  conversation_refs: ConversationRefsTable;
  followup_patients: FollowupPatientsTable;
  followup_items: FollowupItemsTable;
  followup_audit: FollowupAuditTable;
  reminder_outbox: ReminderOutboxTable;
}
