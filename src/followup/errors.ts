/**
 * Errors the follow-up service raises on purpose, each with a code the channels can switch on and
 * a message in both languages (the coordinator reads it in the language they wrote in).
 */
import type { Localized } from '../content/schema.js';

export type FollowupErrorCode =
  /** Only care coordinators enrol patients or change the registry. */
  | 'NOT_COORDINATOR'
  /** The request holds something the registry will not store (a name, a future date, …). */
  | 'INVALID_INPUT'
  | 'ALREADY_ENROLLED'
  | 'NOT_FOUND'
  /** The reminder was already done, set aside or replaced. */
  | 'ALREADY_CLOSED';

/** What is wrong with one field of a request, in both languages. */
export interface Problem {
  field: 'code' | 'last_exams' | 'therapy' | 'therapy_last_given' | 'therapy_since' | 'date' | 'command' | 'csv';
  message: Localized;
}

export class FollowupError extends Error {
  override readonly name = 'FollowupError';
  constructor(
    readonly code: FollowupErrorCode,
    readonly messages: Localized,
    readonly problems: readonly Problem[] = [],
  ) {
    super(messages.en);
  }
}
