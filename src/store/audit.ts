/**
 * The dosing audit trail: which user was shown which computed dose, from which PDTA rule and
 * content version, and when. It answers "what did the bot tell Dr X on the night of the 3rd, and
 * was the content right then?" without keeping anything a user typed. Entries are written only by
 * the turn that showed the dose, with its snapshot (ConversationStore.commitTurn() in
 * src/store/conversations.ts); this lists them.
 */
import type { Kysely } from 'kysely';
import { StoreError } from './errors.js';
import type { Database } from './schema.js';

export interface DosingAuditEntry {
  at: Date;
  channel: string;
  /** The platform's user id (Slack U…/W…, Teams 29:… or an AAD object id), never a name. */
  userRef: string;
  drug: string;
  population: string;
  /** The weight the dose was computed for; null for a fixed dose. */
  weightKg: number | null;
  /** The dose as shown, e.g. "36 mg every 3 months i.v.". */
  result: string;
  /** The rule as the PDTA writes it, e.g. "2 mg/kg every 3 months i.v.". */
  rule: string;
  contentVersion: string;
}

export interface DosingAuditRecord extends DosingAuditEntry {
  /** bigserial as a string: exact past 2^53. */
  id: string;
}

/** More rows than this in one answer is an export, not a listing. */
const MAX_LIST_LIMIT = 1000;

export class DosingAudit {
  constructor(private readonly db: Kysely<Database>) {}

  /** The most recent entries first. */
  async listDosing(options: { limit: number }): Promise<DosingAuditRecord[]> {
    if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > MAX_LIST_LIMIT) {
      throw new StoreError('INVALID_INPUT', `limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${options.limit}`);
    }
    const rows = await this.db
      .selectFrom('audit_dosing')
      .selectAll()
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      channel: row.channel,
      userRef: row.user_ref,
      drug: row.drug,
      population: row.population,
      weightKg: row.weight_kg === null ? null : Number(row.weight_kg),
      result: row.result,
      rule: row.rule,
      contentVersion: row.content_version,
    }));
  }
}

/** Refuses an entry the audit must not hold (also for turns that write it with their snapshot, src/store/conversations.ts). */
export function checkDosingEntry(entry: DosingAuditEntry): void {
  refusePersonalUserRef(entry.userRef);
  if (entry.weightKg !== null && !(Number.isFinite(entry.weightKg) && entry.weightKg > 0)) {
    throw new StoreError('INVALID_INPUT', `weightKg must be a positive number or null, got ${entry.weightKg}`);
  }
}

/**
 * Platform user ids are single tokens of letters, digits and a few separators. Anything with a
 * space or an @, a codice fiscale, or a bare phone number is a person's name or contact that
 * reached the audit by mistake (the README's safety rules: patients appear only as pseudonymous codes).
 */
function refusePersonalUserRef(userRef: string): void {
  const platformId = /^[A-Za-z0-9][A-Za-z0-9:._\-+/=]{0,255}$/;
  const codiceFiscale = /^[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]$/i;
  const phoneNumber = /^\+?\d{6,}$/;
  if (!platformId.test(userRef) || codiceFiscale.test(userRef) || phoneNumber.test(userRef)) {
    throw new StoreError(
      'PERSONAL_DATA_REFUSED',
      'userRef must be a platform user id (e.g. Slack U0123ABCD); it looks like a name, an e-mail, a codice fiscale or a phone number',
    );
  }
}
