/** Errors the Teams channel raises on purpose, each with a code callers (the reminder dispatcher) switch on. */
export type TeamsErrorCode =
  /** No stored conversation reference: the bot never saw this conversation, or was removed from it. */
  | 'NO_CONVERSATION_REFERENCE'
  /** The conversation's tenant is not in TEAMS_TENANT_IDS (any more). */
  | 'TENANT_NOT_ALLOWED';

export class TeamsChannelError extends Error {
  override readonly name = 'TeamsChannelError';
  constructor(
    readonly code: TeamsErrorCode,
    message: string,
  ) {
    super(message);
  }
}
