/**
 * The follow-up registry's SQL: patients by pseudonymous code, their due items, and the audit
 * trail of every change. Business rules (who may edit, what is due when) live in src/followup/;
 * this file only reads and writes rows, inside whatever transaction the caller opened.
 */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { StoreError } from './errors.js';
import type { Database, FollowupItemStatus, FollowupItemsTable } from './schema.js';

export type { FollowupItemStatus };

export interface TherapyRecord {
  therapyId: string;
  /** The last administration; null for a row enrolled before it was asked for, or a therapy without an interval. */
  lastGivenOn: string | null;
  since: string | null;
}

export interface PatientRecord {
  code: string;
  lastExamsOn: string;
  therapy: TherapyRecord | null;
  enrolledAt: Date;
  updatedAt: Date;
}

export interface ItemRecord {
  /** bigserial as a string; the reminder id on buttons. */
  id: string;
  patientCode: string;
  ruleId: string;
  anchorOn: string;
  dueOn: string;
  status: FollowupItemStatus;
  bookedOn: string | null;
  doneOn: string | null;
  nextReminderOn: string | null;
  reminders: number;
  createdAt: Date;
  updatedAt: Date;
}

export const LIVE_STATUSES: readonly FollowupItemStatus[] = ['open', 'booked'];

/** A field's value before and after; values are dates, content ids, statuses or counts only. */
export type AuditChange = { from: string | null; to: string | null };
export type AuditChanges = Record<string, AuditChange>;

export type FollowupAction =
  | 'enrol'
  | 'update'
  | 'booked'
  | 'done'
  | 'snooze'
  | 'not_applicable'
  | 'scheduled'
  | 'superseded';

export interface AuditEntry {
  at: Date;
  /** A platform user id (Slack U…, Teams 29:…) or "cli"; never a name. */
  actor: string;
  action: FollowupAction;
  patientCode: string;
  itemId: string | null;
  changes: AuditChanges;
}

export interface AuditRecord extends AuditEntry {
  id: string;
}

export interface NewItem {
  patientCode: string;
  ruleId: string;
  anchorOn: string;
  dueOn: string;
}

type Db = Kysely<Database> | Transaction<Database>;

/** Many rows per statement, but under PostgreSQL's 65,535 bind parameters. */
const INSERT_CHUNK = 1000;

function chunks<T>(rows: readonly T[], size = INSERT_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

function toItem(row: Selectable<FollowupItemsTable>): ItemRecord {
  return {
    id: row.id,
    patientCode: row.patient_code,
    ruleId: row.rule_id,
    anchorOn: row.anchor_on,
    dueOn: row.due_on,
    status: row.status,
    bookedOn: row.booked_on,
    doneOn: row.done_on,
    nextReminderOn: row.next_reminder_on,
    reminders: row.reminders,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toPatient(row: {
  code: string;
  last_exams_on: string;
  therapy_id: string | null;
  therapy_since: string | null;
  therapy_last_given: string | null;
  enrolled_at: Date;
  updated_at: Date;
}): PatientRecord {
  return {
    code: row.code,
    lastExamsOn: row.last_exams_on,
    therapy: row.therapy_id === null ? null : { therapyId: row.therapy_id, lastGivenOn: row.therapy_last_given, since: row.therapy_since },
    enrolledAt: row.enrolled_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Actors are platform user ids: one token of letters, digits and a few separators. Anything else
 * (a space, an @, a codice fiscale, a bare phone number) is a person's name or contact.
 */
function checkActor(actor: string): void {
  const platformId = /^[A-Za-z0-9][A-Za-z0-9:._\-+/=]{0,255}$/;
  const codiceFiscale = /^[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]$/i;
  if (!platformId.test(actor) || codiceFiscale.test(actor) || /^\+?\d{6,}$/.test(actor)) {
    throw new StoreError('PERSONAL_DATA_REFUSED', 'the audit actor must be a platform user id (e.g. Slack U0123ABCD) or "cli"');
  }
}

export class FollowupRegistry {
  constructor(readonly db: Db) {}

  /** Runs `work` in one transaction (or inside the caller's, when this registry is already on one). */
  async transaction<T>(work: (registry: FollowupRegistry) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    return (this.db as Kysely<Database>).transaction().execute((trx) => work(new FollowupRegistry(trx)));
  }

  async getPatient(code: string, options: { forUpdate?: boolean } = {}): Promise<PatientRecord | undefined> {
    let query = this.db.selectFrom('followup_patients').selectAll().where('code', '=', code);
    if (options.forUpdate) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row === undefined ? undefined : toPatient(row);
  }

  async getPatients(codes: readonly string[]): Promise<Map<string, PatientRecord>> {
    const out = new Map<string, PatientRecord>();
    for (const chunk of chunks(codes)) {
      if (chunk.length === 0) continue;
      const rows = await this.db.selectFrom('followup_patients').selectAll().where('code', 'in', chunk).execute();
      for (const row of rows) out.set(row.code, toPatient(row));
    }
    return out;
  }

  async insertPatients(patients: ReadonlyArray<Omit<PatientRecord, 'updatedAt'>>): Promise<void> {
    for (const chunk of chunks(patients)) {
      await this.db
        .insertInto('followup_patients')
        .values(
          chunk.map((p) => ({
            code: p.code,
            last_exams_on: p.lastExamsOn,
            therapy_id: p.therapy?.therapyId ?? null,
            therapy_since: p.therapy?.since ?? null,
            therapy_last_given: p.therapy?.lastGivenOn ?? null,
            enrolled_at: p.enrolledAt,
            updated_at: p.enrolledAt,
          })),
        )
        .execute();
    }
  }

  async updatePatient(code: string, fields: { lastExamsOn: string; therapy: TherapyRecord | null }, at: Date): Promise<void> {
    await this.db
      .updateTable('followup_patients')
      .set({
        last_exams_on: fields.lastExamsOn,
        therapy_id: fields.therapy?.therapyId ?? null,
        therapy_since: fields.therapy?.since ?? null,
        therapy_last_given: fields.therapy?.lastGivenOn ?? null,
        updated_at: at,
      })
      .where('code', '=', code)
      .execute();
  }

  /** Inserts open items; returns them with their ids, in the order given. */
  async insertItems(items: readonly NewItem[], at: Date): Promise<ItemRecord[]> {
    const out: ItemRecord[] = [];
    for (const chunk of chunks(items)) {
      const rows = await this.db
        .insertInto('followup_items')
        .values(
          chunk.map((i) => ({
            patient_code: i.patientCode,
            rule_id: i.ruleId,
            anchor_on: i.anchorOn,
            due_on: i.dueOn,
            status: 'open' as const,
            booked_on: null,
            done_on: null,
            next_reminder_on: null,
            created_at: at,
            updated_at: at,
          })),
        )
        .returningAll()
        .execute();
      out.push(...rows.map(toItem));
    }
    return out;
  }

  async getItem(id: string, options: { forUpdate?: boolean } = {}): Promise<ItemRecord | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    let query = this.db.selectFrom('followup_items').selectAll().where('id', '=', id);
    if (options.forUpdate) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row === undefined ? undefined : toItem(row);
  }

  /** A patient's open and booked items, by due date. */
  async liveItems(code: string, options: { forUpdate?: boolean } = {}): Promise<ItemRecord[]> {
    let query = this.db
      .selectFrom('followup_items')
      .selectAll()
      .where('patient_code', '=', code)
      .where('status', 'in', LIVE_STATUSES)
      .orderBy('due_on')
      .orderBy('id');
    if (options.forUpdate) query = query.forUpdate();
    return (await query.execute()).map(toItem);
  }

  async updateItem(
    id: string,
    patch: Partial<Pick<FollowupItemsTable, 'status' | 'booked_on' | 'done_on' | 'next_reminder_on'>>,
    at: Date,
  ): Promise<ItemRecord> {
    const row = await this.db
      .updateTable('followup_items')
      .set({ ...patch, updated_at: at })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toItem(row);
  }

  /** Every patient (or one), in code order, with their live items. */
  async listPatients(options: { code?: string } = {}): Promise<Array<PatientRecord & { items: ItemRecord[] }>> {
    let patients = this.db.selectFrom('followup_patients').selectAll().orderBy('code');
    let items = this.db
      .selectFrom('followup_items')
      .selectAll()
      .where('status', 'in', LIVE_STATUSES)
      .orderBy('patient_code')
      .orderBy('due_on')
      .orderBy('id');
    if (options.code !== undefined) {
      patients = patients.where('code', '=', options.code);
      items = items.where('patient_code', '=', options.code);
    }
    const byCode = new Map<string, ItemRecord[]>();
    for (const row of await items.execute()) {
      const list = byCode.get(row.patient_code) ?? [];
      list.push(toItem(row));
      byCode.set(row.patient_code, list);
    }
    return (await patients.execute()).map((row) => ({ ...toPatient(row), items: byCode.get(row.code) ?? [] }));
  }

  /** Live items due on or before `until` (so the overdue ones too), by due date. */
  async liveItemsDueBy(until: string, limit?: number): Promise<ItemRecord[]> {
    let query = this.db
      .selectFrom('followup_items')
      .selectAll()
      .where('status', 'in', LIVE_STATUSES)
      .where('due_on', '<=', until)
      .orderBy('due_on')
      .orderBy('patient_code')
      .orderBy('id');
    if (limit !== undefined) query = query.limit(limit);
    return (await query.execute()).map(toItem);
  }

  /** How many live items are due on or before `dueBy` and/or before `dueBefore`. */
  async countLiveItems(where: { dueBy?: string; dueBefore?: string }): Promise<number> {
    let query = this.db
      .selectFrom('followup_items')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', 'in', LIVE_STATUSES);
    if (where.dueBy !== undefined) query = query.where('due_on', '<=', where.dueBy);
    if (where.dueBefore !== undefined) query = query.where('due_on', '<', where.dueBefore);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  async hasLiveItems(): Promise<boolean> {
    const row = await this.db.selectFrom('followup_items').select('id').where('status', 'in', LIVE_STATUSES).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Live items whose reminder day has come by `day`, locked for this transaction; items another
   * instance is planning are skipped, not waited for. The first reminder is due `leadDays` before
   * the due date (next_reminder_on still null), later ones on next_reminder_on.
   */
  async lockItemsToRemind(day: string, leadDays: number, limit: number): Promise<ItemRecord[]> {
    const firstBy = sql<string>`to_char(${day}::date + ${leadDays}::int, 'YYYY-MM-DD')`;
    const rows = await this.db
      .selectFrom('followup_items')
      .selectAll()
      .where('status', 'in', LIVE_STATUSES)
      .where((eb) =>
        eb.or([
          eb.and([eb('next_reminder_on', 'is', null), eb('due_on', '<=', firstBy)]),
          eb('next_reminder_on', '<=', day),
        ]),
      )
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    return rows.map(toItem);
  }

  /** Sets each item's next reminder day and counts the reminder just planned. */
  async setNextReminders(next: ReadonlyArray<{ id: string; on: string }>, at: Date): Promise<void> {
    for (const chunk of chunks(next)) {
      if (chunk.length === 0) continue;
      const values = sql.join(chunk.map((n) => sql`(${n.id}::bigint, ${n.on}::text)`));
      await sql`
        update followup_items as i
        set next_reminder_on = v.next_on, reminders = i.reminders + 1, updated_at = ${at}
        from (values ${values}) as v(id, next_on)
        where i.id = v.id`.execute(this.db);
    }
  }

  async recordAudit(entries: readonly AuditEntry[]): Promise<void> {
    for (const e of entries) checkActor(e.actor);
    for (const chunk of chunks(entries)) {
      if (chunk.length === 0) continue;
      await this.db
        .insertInto('followup_audit')
        .values(
          chunk.map((e) => ({
            at: e.at,
            actor: e.actor,
            action: e.action,
            patient_code: e.patientCode,
            item_id: e.itemId,
            changes: JSON.stringify(e.changes),
          })),
        )
        .execute();
    }
  }

  /** The most recent entries first. */
  async listAudit(options: { code?: string; limit: number }): Promise<AuditRecord[]> {
    let query = this.db.selectFrom('followup_audit').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(options.limit);
    if (options.code !== undefined) query = query.where('patient_code', '=', options.code);
    return (await query.execute()).map((row) => ({
      id: row.id,
      at: row.at,
      actor: row.actor,
      action: row.action as FollowupAction,
      patientCode: row.patient_code,
      itemId: row.item_id,
      changes: row.changes as AuditChanges,
    }));
  }
}
