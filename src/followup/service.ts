/**
 * The follow-up registry as the channels, the CLI and the buttons use it. Every change:
 * - is made by a care coordinator (the injected predicate), else refused with NOT_COORDINATOR;
 * - happens in one transaction with its audit entry (who, when, which fields from what to what);
 * - re-plans what it affects: new due dates, and reminders no longer wanted taken off the outbox.
 */
import type { Kysely } from 'kysely';
import type { Content, Localized } from '../content/schema.js';
import type { Database } from '../store/schema.js';
import {
  FollowupRegistry,
  LIVE_STATUSES,
  type AuditChanges,
  type AuditEntry,
  type AuditRecord,
  type ItemRecord,
  type NewItem,
  type PatientRecord,
} from '../store/followupRegistry.js';
import { ReminderOutbox } from '../store/reminderOutbox.js';
import type { PatientChanges } from './command.js';
import { checkPatientCode, DEFAULT_PSEUDONYM_FORMAT, type CodeCheck, type PseudonymFormat } from './codes.js';
import { formatCsv, parseCsv, CsvError } from './csv.js';
import { addDays, dateInZone, isIsoDate, maxDate, type IsoDate } from './dates.js';
import { describeProblems, isNoTherapy, validateEnrolment, type EnrolmentInput, type EnrolmentRequest } from './enrolment.js';
import { FollowupError, type Problem } from './errors.js';
import { scheduleRules, type RuleKind, type ScheduleRules } from './rules.js';
import {
  DEFAULT_SCHEDULE_SETTINGS,
  firstReminderOn,
  needsLastGiven,
  nextAfterDone,
  planExams,
  planTherapy,
  type ScheduleSettings,
  type TherapyOnRecord,
} from './schedule.js';
import { systemClock, type Clock, type CoordinatorPredicate } from './settings.js';

export interface ItemView {
  id: string;
  patientCode: string;
  ruleId: string;
  ruleKind: RuleKind | 'unknown';
  name: Localized;
  dueOn: IsoDate;
  status: ItemRecord['status'];
  bookedOn: IsoDate | null;
  doneOn: IsoDate | null;
  nextReminderOn: IsoDate | null;
}

export interface PatientView {
  code: string;
  lastExamsOn: IsoDate;
  therapy: (TherapyOnRecord & { name: Localized }) | null;
  enrolledAt: Date;
  updatedAt: Date;
  items: ItemView[];
  /** What the coordinator should know (e.g. a therapy the PDTA gives no rhythm for). */
  notes: Localized[];
}

export interface ImportLine {
  line: number;
  code: string | null;
  outcome: 'added' | 'changed' | 'unchanged' | 'refused';
  /** For "changed": which fields, from what to what. */
  changes?: AuditChanges;
  problems?: Problem[];
  /** What the import took for granted on this line (therapy_since read as the last administration). */
  assumed?: Localized[];
}

export interface ImportReport {
  dryRun: boolean;
  /** False for a dry run, and for an import where every line was refused or unchanged. */
  written: boolean;
  lines: ImportLine[];
  counts: Record<ImportLine['outcome'], number>;
  /** Columns of the file the import does not read. */
  ignoredColumns: string[];
}

export interface ExportRow {
  code: string;
  lastExamsOn: IsoDate;
  therapy: string;
  therapyLastGivenOn: IsoDate | '';
  therapySince: IsoDate | '';
  nextDueOn: IsoDate | '';
  nextDue: string;
}

export interface FollowupServiceDeps {
  db: Kysely<Database>;
  content: Content;
  isCoordinator: CoordinatorPredicate;
  clock?: Clock;
  settings?: Partial<ScheduleSettings>;
  /** The site's code format (PSEUDONYM_PATTERN, pseudonymFormatFromConfig); the strict default otherwise. */
  codeFormat?: PseudonymFormat;
}

export const CSV_COLUMNS = ['code', 'last_exams', 'therapy', 'therapy_last_given', 'therapy_since'] as const;

export interface ImportOptions {
  dryRun: boolean;
  /**
   * Read therapy_since as the last administration on lines that give no therapy_last_given (a CSV
   * written before that column existed), each such line saying so in the report. Without it those
   * lines are refused: the next administration counts from the last one, never from the start.
   * The CLI's --since-is-last-given.
   */
  sinceIsLastGiven?: boolean;
}

/** What a patient enrolled before the last administration was asked for is told (see needsLastGiven). */
function lastGivenNote(code: string, name: Localized): Localized {
  return {
    it: `Ultima somministrazione di ${name.it} non registrata: la scadenza è stata contata dall’inizio della terapia e una somministrazione saltata prima dell’iscrizione non viene segnalata. Indicala: «aggiorna ${code} terapia ${name.it.toLowerCase()} ultima <data>».`,
    en: `Last administration of ${name.en} not on record: the due date was counted from the therapy start, and an administration missed before enrolment is not prompted. Record it: "update ${code} therapy ${name.en.toLowerCase()} last given <date>".`,
  };
}

const NOT_COORDINATOR: Localized = {
  it: 'solo i coordinatori del percorso possono iscrivere pazienti o modificare il registro dei follow-up',
  en: 'only care coordinators may enrol patients or change the follow-up registry',
};

function unknownName(ruleId: string): Localized {
  return { it: ruleId, en: ruleId };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '23505';
}

function therapyKey(t: TherapyOnRecord | null): string {
  return t === null ? '' : `${t.therapyId}@${t.lastGivenOn ?? ''}@${t.since ?? ''}`;
}

/** The audit's view of a therapy change: which drug, its last administration, its start (the fields that changed). */
function therapyChanges(from: TherapyOnRecord | null, to: TherapyOnRecord | null): AuditChanges {
  const fields: AuditChanges = {
    therapy_id: { from: from?.therapyId ?? null, to: to?.therapyId ?? null },
    therapy_last_given: { from: from?.lastGivenOn ?? null, to: to?.lastGivenOn ?? null },
    therapy_since: { from: from?.since ?? null, to: to?.since ?? null },
  };
  return Object.fromEntries(Object.entries(fields).filter(([, c]) => c.from !== c.to));
}

export class FollowupService {
  readonly rules: ScheduleRules;
  readonly settings: ScheduleSettings;
  readonly codeFormat: PseudonymFormat;
  private readonly db: Kysely<Database>;
  private readonly clock: Clock;
  private readonly coordinator: CoordinatorPredicate;

  constructor(deps: FollowupServiceDeps) {
    this.db = deps.db;
    this.rules = scheduleRules(deps.content);
    this.settings = { ...DEFAULT_SCHEDULE_SETTINGS, ...deps.settings };
    this.clock = deps.clock ?? systemClock;
    this.codeFormat = deps.codeFormat ?? DEFAULT_PSEUDONYM_FORMAT;
    this.coordinator = deps.isCoordinator;
  }

  /** The registry's clock (when a reminder button was pressed). */
  now(): Date {
    return this.clock();
  }

  /** Today on the coordinators' calendar (Europe/Rome). */
  today(): IsoDate {
    return dateInZone(this.clock(), this.settings.timeZone);
  }

  /** Whether a therapy as typed is one the PDTA gives an interval for (so it needs a last administration). */
  private hasInterval(therapy: string): boolean {
    const found = this.rules.findTherapy(therapy);
    return found !== undefined && this.rules.therapy(found.id)?.kind === 'rhythm';
  }

  /** Checks an enrolment as typed into a form (Slack modal, Teams card) without writing. */
  validate(input: EnrolmentInput): ReturnType<typeof validateEnrolment> {
    return validateEnrolment(input, this.rules, this.today(), (code) => checkPatientCode(code, this.codeFormat));
  }

  /**
   * Whether `userRef` may change the registry. The channels ask before showing a form or the
   * registry's contents, so that a non-coordinator is refused before typing anything.
   */
  async isCoordinator(userRef: string): Promise<boolean> {
    return this.coordinator(userRef);
  }

  /** The refusal a non-coordinator gets, in both languages. */
  static readonly NOT_COORDINATOR: Localized = NOT_COORDINATOR;

  private async authorize(actor: string): Promise<void> {
    if (!(await this.coordinator(actor))) throw new FollowupError('NOT_COORDINATOR', NOT_COORDINATOR);
  }

  itemView(item: ItemRecord): ItemView {
    const rule = this.rules.rule(item.ruleId);
    const therapy = this.rules.therapy(item.ruleId);
    return {
      id: item.id,
      patientCode: item.patientCode,
      ruleId: item.ruleId,
      ruleKind: rule?.kind ?? (item.ruleId.startsWith('therapy.') ? 'therapy' : 'unknown'),
      name: rule?.name ?? (therapy?.kind === 'none' ? therapy.therapy.name : unknownName(item.ruleId)),
      dueOn: item.dueOn,
      status: item.status,
      bookedOn: item.bookedOn,
      doneOn: item.doneOn,
      nextReminderOn: item.nextReminderOn,
    };
  }

  private patientView(patient: PatientRecord, items: readonly ItemRecord[]): PatientView {
    const notes: Localized[] = [];
    let therapy: PatientView['therapy'] = null;
    if (patient.therapy !== null) {
      const rhythm = this.rules.therapy(patient.therapy.therapyId);
      const name = rhythm?.kind === 'rhythm' ? rhythm.rule.name : rhythm?.kind === 'none' ? rhythm.therapy.name : unknownName(patient.therapy.therapyId);
      therapy = { ...patient.therapy, name };
      if (rhythm?.kind === 'none') notes.push(rhythm.reason);
      if (needsLastGiven(this.rules, patient.therapy)) notes.push(lastGivenNote(patient.code, name));
    }
    return {
      code: patient.code,
      lastExamsOn: patient.lastExamsOn,
      therapy,
      enrolledAt: patient.enrolledAt,
      updatedAt: patient.updatedAt,
      items: [...items].sort((a, b) => (a.dueOn === b.dueOn ? Number(a.id) - Number(b.id) : a.dueOn < b.dueOn ? -1 : 1)).map((i) => this.itemView(i)),
      notes,
    };
  }

  /** Enrols a patient and schedules their follow-up; ALREADY_ENROLLED if the code is taken. */
  async enrol(actor: string, input: EnrolmentRequest): Promise<PatientView> {
    await this.authorize(actor);
    const request = this.revalidate(input);
    const now = this.clock();
    try {
      return await new FollowupRegistry(this.db).transaction(async (registry) => {
        if ((await registry.getPatient(request.code)) !== undefined) throw alreadyEnrolled(request.code);
        const { items, entry } = await this.insertEnrolment(registry, [request], actor, now);
        await registry.recordAudit(entry);
        const patient = await registry.getPatient(request.code);
        return this.patientView(patient!, items);
      });
    } catch (error) {
      // Two coordinators enrolling the same code at once: the primary key lets one through.
      if (isUniqueViolation(error)) throw alreadyEnrolled(request.code);
      throw error;
    }
  }

  /** Validation again at the door: the request may come from a form, not from our parser. */
  private revalidate(request: EnrolmentRequest): EnrolmentRequest {
    const checked = validateEnrolment(
      {
        code: request.code,
        lastExams: request.lastExamsOn,
        therapy: request.therapy?.therapyId ?? null,
        therapyLastGiven: request.therapy?.lastGivenOn ?? null,
        therapySince: request.therapy?.since ?? null,
      },
      this.rules,
      this.today(),
      (code) => checkPatientCode(code, this.codeFormat),
    );
    if (!checked.ok) throw invalid(checked.problems);
    return checked.value;
  }

  private async insertEnrolment(
    registry: FollowupRegistry,
    requests: readonly EnrolmentRequest[],
    actor: string,
    now: Date,
  ): Promise<{ items: ItemRecord[]; entry: AuditEntry[] }> {
    await registry.insertPatients(
      requests.map((r) => ({ code: r.code, lastExamsOn: r.lastExamsOn, therapy: r.therapy, enrolledAt: now })),
    );
    const planned: NewItem[] = [];
    for (const r of requests) {
      for (const p of planExams(this.rules, r.lastExamsOn)) planned.push({ patientCode: r.code, ...p });
      const t = planTherapy(this.rules, r.therapy);
      if (t !== null) planned.push({ patientCode: r.code, ...t });
    }
    const items = await registry.insertItems(planned, now);
    const byCode = new Map<string, ItemRecord[]>();
    for (const item of items) byCode.set(item.patientCode, [...(byCode.get(item.patientCode) ?? []), item]);
    const entry = requests.map<AuditEntry>((r) => ({
      at: now,
      actor,
      action: 'enrol',
      patientCode: r.code,
      itemId: null,
      changes: {
        last_exams_on: { from: null, to: r.lastExamsOn },
        ...therapyChanges(null, r.therapy),
        ...dueChanges(byCode.get(r.code) ?? []),
      },
    }));
    return { items, entry };
  }

  /** Changes the last-exams date and/or the therapy, and re-plans what they drive. */
  async update(actor: string, code: string, changes: PatientChanges): Promise<PatientView> {
    await this.authorize(actor);
    const checkedCode = checkPatientCode(code, this.codeFormat, 'lookup');
    if (!checkedCode.ok) throw invalid([{ field: 'code', message: checkedCode.reason }]);
    const today = this.today();
    this.checkChanges(changes, today);
    const now = this.clock();
    return new FollowupRegistry(this.db).transaction(async (registry) => {
      const result = await this.applyUpdate(registry, checkedCode.code, changes, actor, now);
      return result.view;
    });
  }

  private checkChanges(changes: PatientChanges, today: IsoDate): void {
    const problems: Problem[] = [];
    if (changes.lastExamsOn !== undefined && (!isIsoDate(changes.lastExamsOn) || changes.lastExamsOn > today)) {
      problems.push({ field: 'last_exams', message: { it: 'data degli ultimi esami non valida o futura', en: 'the last exams date is invalid or in the future' } });
    }
    if (changes.therapy) {
      const { therapyId, lastGivenOn, since } = changes.therapy;
      const rhythm = this.rules.therapy(therapyId);
      if (rhythm === undefined) {
        problems.push({ field: 'therapy', message: { it: `${therapyId}: non coperta da questo PDTA`, en: `${therapyId}: not covered by this PDTA` } });
      }
      if (rhythm?.kind === 'rhythm' && lastGivenOn === null) {
        problems.push({ field: 'therapy_last_given', message: { it: 'manca l’ultima somministrazione della terapia', en: 'the therapy’s last administration is missing' } });
      }
      if (lastGivenOn !== null && (!isIsoDate(lastGivenOn) || lastGivenOn > today)) {
        problems.push({ field: 'therapy_last_given', message: { it: 'ultima somministrazione non valida o futura', en: 'the last administration is invalid or in the future' } });
      }
      if (since !== null && (!isIsoDate(since) || since > today)) {
        problems.push({ field: 'therapy_since', message: { it: 'inizio della terapia non valido o futuro', en: 'the therapy start date is invalid or in the future' } });
      }
    }
    if (problems.length > 0) throw invalid(problems);
  }

  private async applyUpdate(
    registry: FollowupRegistry,
    code: string,
    changes: PatientChanges,
    actor: string,
    now: Date,
  ): Promise<{ view: PatientView; changed: AuditChanges | null }> {
    const patient = await registry.getPatient(code, { forUpdate: true });
    if (patient === undefined) throw notFound(code);
    const live = await registry.liveItems(code, { forUpdate: true });
    const outbox = new ReminderOutbox(registry.db);
    const audit: AuditChanges = {};
    const superseded: ItemRecord[] = [];
    const planned: NewItem[] = [];
    const lastExamsOn = changes.lastExamsOn ?? patient.lastExamsOn;
    const therapy = changes.therapy === undefined ? patient.therapy : changes.therapy;

    if (lastExamsOn !== patient.lastExamsOn) {
      audit.last_exams_on = { from: patient.lastExamsOn, to: lastExamsOn };
      const examIds = new Set(this.rules.exams.map((r) => r.id));
      superseded.push(...live.filter((i) => examIds.has(i.ruleId)));
      for (const p of planExams(this.rules, lastExamsOn)) planned.push({ patientCode: code, ...p });
    }
    if (therapyKey(therapy) !== therapyKey(patient.therapy)) {
      Object.assign(audit, therapyChanges(patient.therapy, therapy));
      const oldTherapy = patient.therapy?.therapyId;
      superseded.push(...live.filter((i) => i.ruleId === oldTherapy));
      const t = planTherapy(this.rules, therapy);
      if (t !== null) planned.push({ patientCode: code, ...t });
    }
    if (Object.keys(audit).length === 0) {
      return { view: this.patientView(patient, live), changed: null };
    }
    for (const item of superseded) {
      await registry.updateItem(item.id, { status: 'superseded' }, now);
      await outbox.cancelForItem(item.id, now);
    }
    await registry.updatePatient(code, { lastExamsOn, therapy }, now);
    const inserted = await registry.insertItems(planned, now);
    Object.assign(audit, dueChanges(inserted, superseded));
    await registry.recordAudit([{ at: now, actor, action: 'update', patientCode: code, itemId: null, changes: audit }]);
    const updated = await registry.getPatient(code);
    return { view: this.patientView(updated!, await registry.liveItems(code)), changed: audit };
  }

  /** Locks a live item for a button's change; NOT_FOUND or ALREADY_CLOSED otherwise. */
  private async liveItem(registry: FollowupRegistry, itemId: string): Promise<ItemRecord> {
    const item = await registry.getItem(itemId, { forUpdate: true });
    if (item === undefined) {
      throw new FollowupError('NOT_FOUND', { it: `promemoria ${itemId} non trovato`, en: `reminder ${itemId} not found` });
    }
    if (!LIVE_STATUSES.includes(item.status)) {
      throw new FollowupError('ALREADY_CLOSED', closedMessage(item), []);
    }
    return item;
  }

  private checkActionDate(on: IsoDate | undefined, today: IsoDate, item?: ItemRecord): IsoDate {
    const date = on ?? today;
    if (!isIsoDate(date) || date > today) {
      throw invalid([{ field: 'date', message: { it: `data non valida o futura: ${date}`, en: `invalid or future date: ${date}` } }]);
    }
    if (item !== undefined && date < item.anchorOn) {
      throw invalid([
        {
          field: 'date',
          message: {
            it: `${date} è prima del ${item.anchorOn}, da cui conta questa scadenza`,
            en: `${date} is before ${item.anchorOn}, which this due date counts from`,
          },
        },
      ]);
    }
    return date;
  }

  /** "Booked": the exam or administration has a date; reminders go on until it is marked done. */
  async markBooked(actor: string, itemId: string, options: { on?: IsoDate } = {}): Promise<ItemView> {
    await this.authorize(actor);
    const now = this.clock();
    const on = this.checkActionDate(options.on, this.today());
    return new FollowupRegistry(this.db).transaction(async (registry) => {
      const item = await this.liveItem(registry, itemId);
      const updated = await registry.updateItem(itemId, { status: 'booked', booked_on: on }, now);
      // The reminder that prompted the booking has done its job; later ones (overdue) still come.
      await settleItem(registry, { at: now, actor, action: 'booked', patientCode: item.patientCode, itemId, changes: { status: { from: item.status, to: 'booked' }, booked_on: { from: item.bookedOn, to: on } } });
      return this.itemView(updated);
    });
  }

  /** "Done": records the date and schedules the next occurrence from it. */
  async markDone(actor: string, itemId: string, options: { on?: IsoDate } = {}): Promise<{ done: ItemView; next: ItemView | null }> {
    await this.authorize(actor);
    const now = this.clock();
    const today = this.today();
    return new FollowupRegistry(this.db).transaction(async (registry) => {
      const item = await this.liveItem(registry, itemId);
      const on = this.checkActionDate(options.on, today, item);
      const done = await registry.updateItem(itemId, { status: 'done', done_on: on }, now);
      const rule = this.rules.rule(item.ruleId);
      // A rule no longer in content/ (a therapy taken out of the PDTA) schedules nothing further.
      const [next] = rule === undefined ? [] : await registry.insertItems([{ patientCode: item.patientCode, ...nextAfterDone(rule, on) }], now);
      const lastGiven = await this.recordAdministration(registry, item, on, now);
      await settleItem(registry, {
        at: now,
        actor,
        action: 'done',
        patientCode: item.patientCode,
        itemId,
        changes: { status: { from: item.status, to: 'done' }, done_on: { from: null, to: on }, ...lastGiven, ...(next ? dueChanges([next]) : {}) },
      });
      return { done: this.itemView(done), next: next ? this.itemView(next) : null };
    });
  }

  /**
   * An administration of the patient's current therapy marked done becomes their last
   * administration on record, so the export (and a re-import of it) and a later edit count from it.
   */
  private async recordAdministration(registry: FollowupRegistry, item: ItemRecord, on: IsoDate, now: Date): Promise<AuditChanges> {
    const patient = await registry.getPatient(item.patientCode, { forUpdate: true });
    const therapy = patient?.therapy;
    if (patient === undefined || therapy === null || therapy === undefined || therapy.therapyId !== item.ruleId) return {};
    if (therapy.lastGivenOn !== null && therapy.lastGivenOn >= on) return {};
    await registry.updatePatient(patient.code, { lastExamsOn: patient.lastExamsOn, therapy: { ...therapy, lastGivenOn: on } }, now);
    return { therapy_last_given: { from: therapy.lastGivenOn, to: on } };
  }

  /** "Snooze": no reminder for `snoozeDays` (7); never later than the first reminder would be. */
  async snooze(actor: string, itemId: string, options: { days?: number } = {}): Promise<ItemView> {
    await this.authorize(actor);
    const days = options.days ?? this.settings.snoozeDays;
    if (!Number.isInteger(days) || days < 1 || days > 90) {
      throw invalid([{ field: 'date', message: { it: 'rimanda di 1-90 giorni', en: 'snooze by 1-90 days' } }]);
    }
    const now = this.clock();
    const today = this.today();
    return new FollowupRegistry(this.db).transaction(async (registry) => {
      const item = await this.liveItem(registry, itemId);
      const next = maxDate(addDays(today, days), firstReminderOn(item.dueOn, this.settings));
      const updated = await registry.updateItem(itemId, { next_reminder_on: next }, now);
      await settleItem(registry, { at: now, actor, action: 'snooze', patientCode: item.patientCode, itemId, changes: { next_reminder_on: { from: item.nextReminderOn, to: next } } });
      return this.itemView(updated);
    });
  }

  /** "Not applicable": no more reminders for this item and nothing scheduled after it. */
  async markNotApplicable(actor: string, itemId: string): Promise<ItemView> {
    await this.authorize(actor);
    const now = this.clock();
    return new FollowupRegistry(this.db).transaction(async (registry) => {
      const item = await this.liveItem(registry, itemId);
      const updated = await registry.updateItem(itemId, { status: 'not_applicable' }, now);
      await settleItem(registry, { at: now, actor, action: 'not_applicable', patientCode: item.patientCode, itemId, changes: { status: { from: item.status, to: 'not_applicable' } } });
      return this.itemView(updated);
    });
  }

  /** Every patient (or one) with their open and booked items. Reading needs no coordinator role. */
  async list(options: { code?: string } = {}): Promise<PatientView[]> {
    const code = options.code === undefined ? undefined : checkPatientCode(options.code, this.codeFormat, 'lookup');
    if (code !== undefined && !code.ok) throw invalid([{ field: 'code', message: code.reason }]);
    const rows = await new FollowupRegistry(this.db).listPatients(code === undefined ? {} : { code: code.code });
    return rows.map((p) => this.patientView(p, p.items));
  }

  /** One row per patient: the import's columns (so an export imports back) plus the next due item. */
  async export(): Promise<ExportRow[]> {
    return (await this.list()).map((p) => {
      const next = p.items[0];
      return {
        code: p.code,
        lastExamsOn: p.lastExamsOn,
        therapy: p.therapy?.name.it ?? '',
        therapyLastGivenOn: p.therapy?.lastGivenOn ?? '',
        therapySince: p.therapy?.since ?? '',
        nextDueOn: next?.dueOn ?? '',
        nextDue: next?.ruleId ?? '',
      };
    });
  }

  async exportCsv(): Promise<string> {
    const rows = await this.export();
    return formatCsv(
      [...CSV_COLUMNS, 'next_due_on', 'next_due'],
      rows.map((r) => [r.code, r.lastExamsOn, r.therapy, r.therapyLastGivenOn, r.therapySince, r.nextDueOn, r.nextDue]),
    );
  }

  /** Open and booked items due within `daysAhead` days, overdue ones included, by due date. */
  async upcoming(daysAhead: number): Promise<ItemView[]> {
    if (!Number.isInteger(daysAhead) || daysAhead < 0 || daysAhead > 3660) {
      throw invalid([{ field: 'date', message: { it: 'giorni: da 0 a 3660', en: 'days: 0 to 3660' } }]);
    }
    const items = await new FollowupRegistry(this.db).liveItemsDueBy(addDays(this.today(), daysAhead));
    return items.map((i) => this.itemView(i));
  }

  async audit(options: { code?: string; limit?: number } = {}): Promise<AuditRecord[]> {
    return new FollowupRegistry(this.db).listAudit({ limit: options.limit ?? 100, ...(options.code ? { code: options.code } : {}) });
  }

  /**
   * Imports a CSV (code,last_exams,therapy,therapy_last_given,therapy_since): new codes are
   * enrolled, known ones updated, identical ones left alone, invalid lines refused with the
   * reason. A dry run reports the same lines and writes nothing. The lines that can be applied are
   * applied in one transaction (a re-run after fixing the refused lines changes nothing else).
   */
  async importCsv(actor: string, csv: string, options: ImportOptions): Promise<ImportReport> {
    if (!options.dryRun) await this.authorize(actor);
    let table;
    try {
      table = parseCsv(csv, CSV_COLUMNS);
    } catch (error) {
      if (error instanceof CsvError) throw invalid([{ field: 'csv', message: error.messages }]);
      throw error;
    }
    const index = new Map(table.header.map((h, i) => [h, i]));
    const missing = CSV_COLUMNS.filter((c) => (c === 'code' || c === 'last_exams') && !index.has(c));
    if (missing.length > 0) {
      throw invalid([
        {
          field: 'csv',
          message: {
            it: `mancano le colonne ${missing.join(', ')} nell'intestazione (attese: ${CSV_COLUMNS.join(',')})`,
            en: `the header lacks ${missing.join(', ')} (expected: ${CSV_COLUMNS.join(',')})`,
          },
        },
      ]);
    }
    const cell = (cells: string[], column: string): string => {
      const i = index.get(column);
      return i === undefined ? '' : (cells[i] ?? '').trim();
    };
    const today = this.today();
    const lines: ImportLine[] = [];
    const valid: Array<{ line: ImportLine; request: EnrolmentRequest }> = [];
    const seen = new Map<string, number>();
    // A code already enrolled (perhaps under an earlier PSEUDONYM_PATTERN) is an update: the site's
    // format is for new codes. The detectors apply to every line.
    const registry = new FollowupRegistry(this.db);
    const lookups = table.records.map((r) => checkPatientCode(cell(r.cells, 'code'), this.codeFormat, 'lookup'));
    const existing = await registry.getPatients([...new Set(lookups.flatMap((c) => (c.ok ? [c.code] : [])))]);
    const checkCode = (code: string): CodeCheck => {
      const lookup = checkPatientCode(code, this.codeFormat, 'lookup');
      return lookup.ok && existing.has(lookup.code) ? lookup : checkPatientCode(code, this.codeFormat);
    };
    for (const record of table.records) {
      const therapy = cell(record.cells, 'therapy');
      const since = cell(record.cells, 'therapy_since');
      let lastGiven = cell(record.cells, 'therapy_last_given');
      const assumed: Localized[] = [];
      // The old file format gave only the therapy's start: read as the last administration only
      // when the coordinator says so, and then said on the line.
      if (options.sinceIsLastGiven === true && lastGiven === '' && since !== '' && !isNoTherapy(therapy) && this.hasInterval(therapy)) {
        lastGiven = since;
        assumed.push({
          it: `therapy_since ${since} letto come ultima somministrazione (--since-is-last-given)`,
          en: `therapy_since ${since} read as the last administration (--since-is-last-given)`,
        });
      }
      const checked = validateEnrolment(
        { code: cell(record.cells, 'code'), lastExams: cell(record.cells, 'last_exams'), therapy, therapyLastGiven: lastGiven, therapySince: since },
        this.rules,
        today,
        checkCode,
      );
      if (!checked.ok) {
        // The code is echoed only when it is one: a refused name must not reach the report.
        const code = checkCode(cell(record.cells, 'code'));
        const problems = checked.problems.map((p) => (p.field === 'therapy_last_given' && lastGiven === '' ? importLastGivenMissing(since !== '') : p));
        lines.push({ line: record.line, code: code.ok ? code.code : null, outcome: 'refused', problems });
        continue;
      }
      const earlier = seen.get(checked.value.code);
      if (earlier !== undefined) {
        lines.push({
          line: record.line,
          code: checked.value.code,
          outcome: 'refused',
          problems: [
            {
              field: 'code',
              message: { it: `codice già presente alla riga ${earlier}`, en: `code already on line ${earlier}` },
            },
          ],
        });
        continue;
      }
      seen.set(checked.value.code, record.line);
      const line: ImportLine = { line: record.line, code: checked.value.code, outcome: 'added', ...(assumed.length > 0 ? { assumed } : {}) };
      lines.push(line);
      valid.push({ line, request: checked.value });
    }

    for (const { line, request } of valid) {
      const known = existing.get(request.code);
      if (known === undefined) continue;
      const changes: AuditChanges = {};
      if (known.lastExamsOn !== request.lastExamsOn) changes.last_exams_on = { from: known.lastExamsOn, to: request.lastExamsOn };
      if (therapyKey(known.therapy) !== therapyKey(request.therapy)) Object.assign(changes, therapyChanges(known.therapy, request.therapy));
      line.outcome = Object.keys(changes).length === 0 ? 'unchanged' : 'changed';
      if (line.outcome === 'changed') line.changes = changes;
    }

    const toAdd = valid.filter((v) => v.line.outcome === 'added').map((v) => v.request);
    const toChange = valid.filter((v) => v.line.outcome === 'changed');
    const written = !options.dryRun && (toAdd.length > 0 || toChange.length > 0);
    if (written) {
      const now = this.clock();
      try {
        await registry.transaction(async (trx) => {
          if (toAdd.length > 0) {
            const { entry } = await this.insertEnrolment(trx, toAdd, actor, now);
            await trx.recordAudit(entry);
          }
          for (const { request } of toChange) {
            await this.applyUpdate(trx, request.code, { lastExamsOn: request.lastExamsOn, therapy: request.therapy }, actor, now);
          }
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new FollowupError('ALREADY_ENROLLED', {
            it: 'un altro coordinatore ha iscritto alcuni di questi codici durante l’importazione: ripeti l’importazione',
            en: 'another coordinator enrolled some of these codes during the import: run it again',
          });
        }
        throw error;
      }
    }
    const counts = { added: 0, changed: 0, unchanged: 0, refused: 0 };
    for (const line of lines) counts[line.outcome] += 1;
    const known = new Set<string>(CSV_COLUMNS);
    return {
      dryRun: options.dryRun,
      written,
      lines: lines.sort((a, b) => a.line - b.line),
      counts,
      ignoredColumns: table.header.filter((h) => !known.has(h)),
    };
  }
}

/** A CSV line with a therapy and no therapy_last_given: the column to add, or the flag that reads therapy_since as it. */
function importLastGivenMissing(sinceGiven: boolean): Problem {
  return {
    field: 'therapy_last_given',
    message: sinceGiven
      ? {
          it: 'manca therapy_last_given (data dell’ultima somministrazione, da cui si conta la prossima): therapy_since è solo l’inizio della terapia. Aggiungi la colonna, oppure, se therapy_since è davvero l’ultima somministrazione, ripeti con --since-is-last-given',
          en: 'therapy_last_given is missing (the last administration, which the next counts from): therapy_since is only the therapy start. Add the column or, if therapy_since really is the last administration, run again with --since-is-last-given',
        }
      : {
          it: 'manca therapy_last_given (data dell’ultima somministrazione, da cui si conta la prossima)',
          en: 'therapy_last_given is missing (the last administration, which the next counts from)',
        },
  };
}

/** The due dates an item set scheduled (and ended), for the audit: "due:<rule>" from → to. */
function dueChanges(added: readonly ItemRecord[], removed: readonly ItemRecord[] = []): AuditChanges {
  const out: AuditChanges = {};
  for (const item of removed) out[`due:${item.ruleId}`] = { from: item.dueOn, to: null };
  for (const item of added) out[`due:${item.ruleId}`] = { from: out[`due:${item.ruleId}`]?.from ?? null, to: item.dueOn };
  return out;
}

/**
 * A coordinator acted on an item (booked, done, snoozed, not applicable): the reminders already
 * queued for it have done their job, and the change goes to the audit trail, in the same transaction.
 */
async function settleItem(registry: FollowupRegistry, entry: AuditEntry & { itemId: string }): Promise<void> {
  await new ReminderOutbox(registry.db).cancelForItem(entry.itemId, entry.at);
  await registry.recordAudit([entry]);
}

function invalid(problems: readonly Problem[]): FollowupError {
  return new FollowupError('INVALID_INPUT', { it: describeProblems(problems, 'it'), en: describeProblems(problems, 'en') }, problems);
}

function alreadyEnrolled(code: string): FollowupError {
  return new FollowupError('ALREADY_ENROLLED', {
    it: `${code} è già iscritto: usa «aggiorna ${code} …» per cambiare esami o terapia`,
    en: `${code} is already enrolled: use "update ${code} …" to change exams or therapy`,
  });
}

function notFound(code: string): FollowupError {
  return new FollowupError('NOT_FOUND', { it: `${code} non è iscritto`, en: `${code} is not enrolled` });
}

function closedMessage(item: ItemRecord): Localized {
  switch (item.status) {
    case 'done':
      return { it: `già segnato come fatto il ${item.doneOn}`, en: `already marked done on ${item.doneOn}` };
    case 'not_applicable':
      return { it: 'già segnato come non applicabile', en: 'already marked not applicable' };
    case 'superseded':
      return {
        it: 'sostituito da una scadenza più recente (esami o terapia aggiornati)',
        en: 'replaced by a newer due date (exams or therapy were updated)',
      };
    case 'open':
    case 'booked':
      return { it: 'ancora aperto', en: 'still open' };
    default: {
      const never: never = item.status;
      return never;
    }
  }
}
