/**
 * The registry in chat, the same for Slack and Teams: which texts are follow-up commands (they go
 * here, not to the conversation engine), what a coordinator is answered, and what the enrolment
 * forms (Slack modal, Teams card) offer and do. The channels only translate platform events to
 * these calls and the replies back, so the two platforms cannot drift apart.
 *
 *   iscrivi TC-0042 esami 2026-03-01 terapia neridronato ultima 2026-11-10 → enrol
 *   aggiorna TC-0042 esami 2026-09-15                                      → update
 *   iscrivi / enrol (nothing after it)                                     → the enrolment form
 *   promemoria della settimana / this week's reminders                     → what is due in 7 days
 */
import { FORM_FIELDS, FORM_TEXT, NO_THERAPY_VALUE, type FormField } from '../core/followup.js';
import type { Lang, Reply } from '../reply/model.js';
import { checkPatientCode } from './codes.js';
import { followupCommandVerb, parseFollowupCommand, type FollowupCommand } from './command.js';
import { formatDate } from './message.js';
import type { EnrolmentInput } from './enrolment.js';
import { FollowupError, type Problem } from './errors.js';
import { SPECIALIST_VISITS_NOTE } from './rules.js';
import { FollowupService, type ItemView, type PatientView } from './service.js';

export { FORM_FIELDS, FORM_TEXT, NO_THERAPY_VALUE, type FormField };

export type ChatOutcome =
  /** Show this reply to the person who wrote. */
  | { kind: 'reply'; reply: Reply; ok: boolean }
  /** Open the enrolment form (a coordinator wrote "iscrivi" or "enrol" alone). */
  | { kind: 'form'; lang: Lang };

/** "promemoria della settimana" looks this far ahead (overdue items always included). */
export const WEEK_DAYS = 7;
/** Items a chat reply lists; the CLI shows them all. */
const MAX_LISTED = 40;

/**
 * Verbs that also begin ordinary questions ("update me on…", "modifica della dose…"): they make a
 * command only with something command-like after them, so a clinical question is never swallowed.
 */
const AMBIGUOUS_VERBS = new Set(['update', 'modifica', 'register', 'registra']);
const SLOT_WORDS = /(?:^|\s)(esami|esame|exams|exam|terapia|therapy)(?:\s|$)/i;

/** Whole messages that ask for the week's reminders (compared folded: lower case, no accents or punctuation). */
const WEEK_PHRASES: Record<string, Lang> = {
  'promemoria della settimana': 'it',
  'promemoria di questa settimana': 'it',
  'promemoria settimana': 'it',
  'promemoria settimanali': 'it',
  'scadenze della settimana': 'it',
  'scadenze di questa settimana': 'it',
  'this weeks reminders': 'en',
  'this week reminders': 'en',
  'reminders this week': 'en',
  'reminders for this week': 'en',
  'weekly reminders': 'en',
};

/** A message reduced to the key WEEK_PHRASES is indexed by (accents, case, apostrophes and punctuation do not count). */
function weekPhraseKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^\p{L}\p{N}\s/]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\/?pdta\s+/, '');
}

export function weekPhraseLang(text: string): Lang | null {
  return WEEK_PHRASES[weekPhraseKey(text)] ?? null;
}

const TEXT = {
  it: {
    title: 'Follow-up',
    enrolled: (code: string) => `${code} iscritto al follow-up`,
    updated: (code: string) => `${code} aggiornato`,
    lastExams: 'Ultimi esami',
    therapy: 'Terapia',
    none: 'nessuna',
    lastGiven: 'ultima somministrazione',
    since: 'in corso dal',
    scheduled: 'Scadenze in programma',
    nothingScheduled: 'Nessuna scadenza in programma.',
    week: 'Promemoria della settimana',
    weekNone: `Nessun follow-up in scadenza nei prossimi ${WEEK_DAYS} giorni e nessuno scaduto.`,
    weekSpan: (n: number) => `${n} follow-up in scadenza entro ${WEEK_DAYS} giorni o già scaduti.`,
    more: (n: number) => `… e altri ${n}: \`pdta followup upcoming\` li mostra tutti.`,
    overdue: 'scaduto',
    booked: 'prenotato',
    formInChat: 'Per il modulo usa `/pdta iscrivi`; in chat scrivi: iscrivi <codice> esami <data> [terapia <farmaco> ultima <data> [dal <data>]]',
  },
  en: {
    title: 'Follow-up',
    enrolled: (code: string) => `${code} enrolled in follow-up`,
    updated: (code: string) => `${code} updated`,
    lastExams: 'Last exams',
    therapy: 'Therapy',
    none: 'none',
    lastGiven: 'last given',
    since: 'since',
    scheduled: 'Scheduled',
    nothingScheduled: 'Nothing scheduled.',
    week: 'This week’s reminders',
    weekNone: `Nothing due in the next ${WEEK_DAYS} days and nothing overdue.`,
    weekSpan: (n: number) => `${n} follow-up${n === 1 ? '' : 's'} due within ${WEEK_DAYS} days or overdue.`,
    more: (n: number) => `… and ${n} more: \`pdta followup upcoming\` shows them all.`,
    overdue: 'overdue',
    booked: 'booked',
    formInChat: 'For the form use `/pdta enrol`; in chat write: enrol <code> exams <date> [therapy <drug> last given <date> [since <date>]]',
  },
} as const;

function reply(lang: Lang, blocks: Reply['blocks'], itemIds: string[] = []): Reply {
  return { lang, kind: 'answer', blocks, warnings: [], citations: [], actions: [], itemIds };
}

function message(lang: Lang, body: string): Reply {
  return reply(lang, [{ type: 'text', title: TEXT[lang].title, body }]);
}

/** "Neridronato, ultima somministrazione 1 settembre 2026, in corso dal 10 gennaio 2026". */
export function therapyText(therapy: NonNullable<PatientView['therapy']>, lang: Lang): string {
  const t = TEXT[lang];
  return [
    therapy.name[lang],
    ...(therapy.lastGivenOn === null ? [] : [`${t.lastGiven} ${formatDate(therapy.lastGivenOn, lang)}`]),
    ...(therapy.since === null ? [] : [`${t.since} ${formatDate(therapy.since, lang)}`]),
  ].join(', ');
}

/** One item as a line of a chat list: "9 marzo 2026 · TC-0042 · Phosphate metabolism (scaduto)". */
export function itemLine(item: ItemView, today: string, lang: Lang): string {
  const marks = [item.dueOn < today ? TEXT[lang].overdue : null, item.status === 'booked' ? TEXT[lang].booked : null].filter((m) => m !== null);
  return `${formatDate(item.dueOn, lang)} · ${item.patientCode} · ${item.name[lang]}${marks.length > 0 ? ` (${marks.join(', ')})` : ''}`;
}

export class FollowupChat {
  constructor(readonly service: FollowupService) {}

  /**
   * What a text is, for the registry: null when it is not a follow-up command (the conversation
   * engine answers it), else the reply to show or the form to open. A non-coordinator is refused
   * before anything is parsed or written. Database failures are thrown, for the channel's own
   * "could not answer".
   */
  async handleText(text: string, userRef: string): Promise<ChatOutcome | null> {
    const weekLang = weekPhraseLang(text);
    if (weekLang !== null) {
      if (!(await this.service.isCoordinator(userRef))) return this.refusal(weekLang);
      return { kind: 'reply', reply: await this.week(weekLang), ok: true };
    }
    const head = followupCommandVerb(text);
    if (head === null) return null;
    if (AMBIGUOUS_VERBS.has(head.word) && !this.looksLikeCommand(text)) return null;
    if (!(await this.service.isCoordinator(userRef))) return this.refusal(head.lang);
    if (head.verb === 'enrol' && head.argumentCount === 0) return { kind: 'form', lang: head.lang };
    const parsed = parseFollowupCommand(text, this.service.rules, this.service.today(), this.service.codeFormat);
    if (parsed === null) return null;
    if (!parsed.ok) return { kind: 'reply', reply: message(parsed.lang, parsed.error), ok: false };
    return this.run(parsed.command, userRef);
  }

  /** For the verbs that also start questions: a code, a keyword or a parse that succeeds. */
  private looksLikeCommand(text: string): boolean {
    if (SLOT_WORDS.test(text)) return true;
    const tokens = text.trim().split(/\s+/).filter(Boolean);
    if (tokens[0]?.toLowerCase() === '/pdta' || tokens[0]?.toLowerCase() === 'pdta') tokens.shift();
    return tokens[1] !== undefined && checkPatientCode(tokens[1], this.service.codeFormat, 'lookup').ok;
  }

  /** The answer to a message that cannot open a form (a plain chat message in Slack): how to enrol instead. */
  formUnavailable(lang: Lang): Reply {
    return message(lang, TEXT[lang].formInChat);
  }

  refusal(lang: Lang): ChatOutcome {
    return { kind: 'reply', reply: message(lang, FollowupService.NOT_COORDINATOR[lang]), ok: false };
  }

  private async run(command: FollowupCommand, userRef: string): Promise<ChatOutcome> {
    const lang = command.lang;
    try {
      const patient =
        command.kind === 'enrol' ? await this.service.enrol(userRef, command.request) : await this.service.update(userRef, command.code, command.changes);
      return { kind: 'reply', reply: this.patientReply(patient, command.kind, lang), ok: true };
    } catch (error) {
      if (error instanceof FollowupError) return { kind: 'reply', reply: message(lang, error.messages[lang]), ok: false };
      throw error;
    }
  }

  /** The confirmation of an enrolment or an update: what is on record and what falls due when. */
  patientReply(patient: PatientView, what: 'enrol' | 'update', lang: Lang): Reply {
    const t = TEXT[lang];
    const therapy = patient.therapy ? therapyText(patient.therapy, lang) : t.none;
    const today = this.service.today();
    const blocks: Reply['blocks'] = [
      {
        type: 'facts',
        title: what === 'enrol' ? t.enrolled(patient.code) : t.updated(patient.code),
        facts: [
          { label: t.lastExams, value: formatDate(patient.lastExamsOn, lang) },
          { label: t.therapy, value: therapy },
        ],
      },
      patient.items.length > 0
        ? { type: 'list', title: t.scheduled, items: patient.items.map((i) => itemLine(i, today, lang)) }
        : { type: 'text', body: t.nothingScheduled },
    ];
    const notes = [...patient.notes.map((n) => n[lang]), SPECIALIST_VISITS_NOTE[lang]];
    blocks.push({ type: 'text', body: notes.join('\n') });
    return reply(lang, blocks, patient.items.map((i) => i.ruleId));
  }

  /** What falls due in the next week, overdue first. */
  async week(lang: Lang): Promise<Reply> {
    const t = TEXT[lang];
    const items = await this.service.upcoming(WEEK_DAYS);
    if (items.length === 0) return reply(lang, [{ type: 'text', title: t.week, body: t.weekNone }]);
    const today = this.service.today();
    const blocks: Reply['blocks'] = [
      { type: 'text', title: t.week, body: t.weekSpan(items.length) },
      { type: 'list', items: items.slice(0, MAX_LISTED).map((i) => itemLine(i, today, lang)) },
    ];
    if (items.length > MAX_LISTED) blocks.push({ type: 'text', body: t.more(items.length - MAX_LISTED) });
    return reply(lang, blocks, [...new Set(items.map((i) => i.ruleId))]);
  }

  /** The form's therapy choices: every therapy the PDTA gives an interval for, then "none". */
  therapyChoices(lang: Lang): Array<{ value: string; label: string }> {
    return [
      ...this.service.rules.therapyRules.map((r) => ({ value: r.id, label: r.name[lang] })),
      { value: NO_THERAPY_VALUE, label: FORM_TEXT[lang].noTherapy },
    ];
  }

  /**
   * A submitted enrolment form: every problem by field (for the form to show next to each field),
   * or the patient enrolled and the confirmation. NOT_COORDINATOR and ALREADY_ENROLLED come back
   * as problems too (on the code), so the form can stay open with the reason.
   */
  async submitForm(
    userRef: string,
    fields: EnrolmentInput,
    lang: Lang,
  ): Promise<{ ok: true; reply: Reply; patient: PatientView } | { ok: false; problems: Problem[]; reply: Reply }> {
    const fail = (problems: Problem[]) => ({ ok: false as const, problems, reply: message(lang, problems.map((p) => p.message[lang]).join('\n')) });
    if (!(await this.service.isCoordinator(userRef))) {
      return fail([{ field: 'code', message: FollowupService.NOT_COORDINATOR }]);
    }
    const checked = this.service.validate(fields);
    if (!checked.ok) return fail(checked.problems);
    try {
      const patient = await this.service.enrol(userRef, checked.value);
      return { ok: true, reply: this.patientReply(patient, 'enrol', lang), patient };
    } catch (error) {
      if (!(error instanceof FollowupError)) throw error;
      return fail(error.problems.length > 0 ? [...error.problems] : [{ field: 'code', message: error.messages }]);
    }
  }

  /**
   * The App Home's list: what falls due within `days` (overdue included) for a coordinator;
   * 'coordinators-only' for anyone else, since the registry is the coordinators' working list.
   */
  async upcomingFor(userRef: string, days: number): Promise<ItemView[] | 'coordinators-only'> {
    if (!(await this.service.isCoordinator(userRef))) return 'coordinators-only';
    return this.service.upcoming(days);
  }
}

function isFormField(field: Problem['field']): field is FormField {
  return FORM_FIELDS.some((f) => f === field);
}

/** Groups problems by form field; problems about no particular field go on the code, the first field. */
export function problemsByField(problems: readonly Problem[], lang: Lang): Partial<Record<FormField, string>> {
  const out: Partial<Record<FormField, string>> = {};
  for (const p of problems) {
    const field: FormField = isFormField(p.field) ? p.field : 'code';
    out[field] = out[field] === undefined ? p.message[lang] : `${out[field]}; ${p.message[lang]}`;
  }
  return out;
}
