/**
 * Errors the store raises on purpose, each with a code that callers can switch on. Errors from the
 * database itself (connection refused, constraint violated) pass through unchanged.
 */
export type StoreErrorCode =
  /** openStore() was given a configuration it cannot act on. */
  | 'INVALID_CONFIG'
  /** A caller passed a value the store will not write (a negative TTL, an empty key). */
  | 'INVALID_INPUT'
  /** A value looks like personal data where only a pseudonymous id belongs (the README's safety rules). */
  | 'PERSONAL_DATA_REFUSED'
  /** Another live process has the PGlite data directory open (two writers would lose data). */
  | 'DATA_DIR_IN_USE'
  /** The schema could not be brought to the latest migration. */
  | 'MIGRATION_FAILED';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
