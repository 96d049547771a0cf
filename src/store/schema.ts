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

export interface Database {
  conversations: ConversationsTable;
  audit_dosing: AuditDosingTable;
  processed_events: ProcessedEventsTable;
  conversation_refs: ConversationRefsTable;
}
