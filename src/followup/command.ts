/**
 * The registry's chat commands, parsed without I/O:
 *
 *   /pdta iscrivi TC-0042 esami 2026-03-01 terapia neridronato ultima 2026-11-10 [dal 2026-01-10]
 *   enrol TC-0042 exams 2026-03-01 therapy neridronate last given 2026-11-10 [since 2026-01-10]
 *   aggiorna TC-0042 esami 2026-09-01        update TC-0042 therapy none
 *
 * "ultima" / "last given" is the last administration, which the next one counts from; "dal" /
 * "since" is the therapy's start, shown only (docs/followup.md).
 *
 * The result is a validated request (or every problem, in the command's language); the Slack
 * modal and the Teams card build the same requests from their fields with validateEnrolment().
 */
import type { Lang } from '../reply/model.js';
import type { Localized } from '../content/schema.js';
import { checkPatientCode, DEFAULT_PSEUDONYM_FORMAT, type PseudonymFormat } from './codes.js';
import type { IsoDate } from './dates.js';
import { parseUserDate } from './dates.js';
import { checkPastDate, describeProblems, validateEnrolment, validateTherapy, type EnrolmentRequest } from './enrolment.js';
import type { Problem } from './errors.js';
import type { ScheduleRules } from './rules.js';
import type { TherapyOnRecord } from './schedule.js';

export interface PatientChanges {
  lastExamsOn?: IsoDate;
  /** null: the patient no longer has a therapy on record. */
  therapy?: TherapyOnRecord | null;
}

export type FollowupCommand =
  | { kind: 'enrol'; lang: Lang; request: EnrolmentRequest; notes: Localized[] }
  | { kind: 'update'; lang: Lang; code: string; changes: PatientChanges; notes: Localized[] };

export type CommandParse =
  | { ok: true; command: FollowupCommand }
  | { ok: false; lang: Lang; problems: Problem[]; /** All problems, one line, in `lang`. */ error: string };

export type CommandVerb = 'enrol' | 'update';
type Verb = CommandVerb;
type Slot = 'exams' | 'therapy' | 'last' | 'since';

const VERBS: Record<string, { verb: Verb; lang: Lang }> = {
  iscrivi: { verb: 'enrol', lang: 'it' },
  iscrizione: { verb: 'enrol', lang: 'it' },
  registra: { verb: 'enrol', lang: 'it' },
  aggiorna: { verb: 'update', lang: 'it' },
  modifica: { verb: 'update', lang: 'it' },
  enrol: { verb: 'enrol', lang: 'en' },
  enroll: { verb: 'enrol', lang: 'en' },
  register: { verb: 'enrol', lang: 'en' },
  update: { verb: 'update', lang: 'en' },
};

const SLOTS: Record<string, Slot> = {
  esami: 'exams',
  esame: 'exams',
  exams: 'exams',
  exam: 'exams',
  terapia: 'therapy',
  therapy: 'therapy',
  ultima: 'last',
  dal: 'since',
  dall: 'since',
  since: 'since',
  from: 'since',
};

/**
 * Words that may sit between a keyword and its value ("esami del 1/3/2026", "last exams on …",
 * "ultima somministrazione il …", "last given on …").
 */
const FILLERS = new Set([
  'ultimi',
  'ultimo',
  'last',
  'del',
  'il',
  'on',
  'in',
  'data',
  'date',
  'somministrazione',
  'infusione',
  'dose',
  'given',
  'administration',
  'administered',
  'infusion',
]);

/** "last" opens the last-administration slot, except in "last exams" (the exams' own filler). */
const EXAM_WORDS = new Set(['esami', 'esame', 'exams', 'exam']);

const USAGE: Record<Lang, Record<Verb, string>> = {
  it: {
    enrol: 'iscrivi <codice> esami <data> [terapia <farmaco> ultima <data> [dal <data>]]',
    update: 'aggiorna <codice> [esami <data>] [terapia <farmaco> ultima <data> [dal <data>] | terapia nessuna]',
  },
  en: {
    enrol: 'enrol <code> exams <date> [therapy <drug> last given <date> [since <date>]]',
    update: 'update <code> [exams <date>] [therapy <drug> last given <date> [since <date>] | therapy none]',
  },
};

function problem(field: Problem['field'], it: string, en: string): Problem {
  return { field, message: { it, en } };
}

function fail(lang: Lang, problems: Problem[]): CommandParse {
  return { ok: false, lang, problems, error: describeProblems(problems, lang) };
}

/**
 * The command word a text starts with ("/pdta iscrivi …", "enrol …"), its language, and how many
 * words follow it; null when the text does not start with one. The channels use it to tell a bare
 * "iscrivi" (open the form) from a command with arguments.
 */
export function followupCommandVerb(text: string): { verb: CommandVerb; lang: Lang; word: string; argumentCount: number } | null {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  if (tokens[0]?.toLowerCase() === '/pdta' || tokens[0]?.toLowerCase() === 'pdta') tokens.shift();
  const word = (tokens[0] ?? '').toLowerCase();
  const head = VERBS[word];
  return head === undefined ? null : { ...head, word, argumentCount: tokens.length - 1 };
}

/**
 * Parses a follow-up command; null when the text is not one (so the caller hands it to the
 * assistant as a question instead). `format` is the site's PSEUDONYM_PATTERN for a new code; an
 * update names a code already enrolled, checked by the detectors only.
 */
export function parseFollowupCommand(text: string, rules: ScheduleRules, today: IsoDate, format: PseudonymFormat = DEFAULT_PSEUDONYM_FORMAT): CommandParse | null {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  if (tokens[0]?.toLowerCase() === '/pdta' || tokens[0]?.toLowerCase() === 'pdta') tokens.shift();
  const head = VERBS[(tokens[0] ?? '').toLowerCase()];
  if (head === undefined) return null;
  tokens.shift();
  const { verb, lang } = head;

  const codeTokens: string[] = [];
  const slots: Partial<Record<Slot, string[]>> = {};
  let current: Slot | 'code' = 'code';
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    const word = token.toLowerCase().replace(/['’]$/, '');
    // "da" is a start-date keyword only when a date follows ("terapia x da 10/01/2026"); "last"
    // is the last administration unless exams follow ("last exams 2026-03-01").
    const next = (tokens[i + 1] ?? '').toLowerCase();
    const slot =
      SLOTS[word] ??
      (word === 'da' && parseUserDate(next) !== null ? 'since' : undefined) ??
      (word === 'last' && !EXAM_WORDS.has(next) ? 'last' : undefined);
    if (slot !== undefined) {
      if (slots[slot] !== undefined) {
        return fail(lang, [problem('command', `«${token}» compare due volte`, `"${token}" appears twice`)]);
      }
      slots[slot] = [];
      current = slot;
      continue;
    }
    if (current === 'code') codeTokens.push(token);
    else slots[current]!.push(token);
  }
  const value = (slot: Slot): string | undefined => {
    const words = slots[slot]?.filter((w) => !FILLERS.has(w.toLowerCase()));
    return words === undefined ? undefined : words.join(' ');
  };

  const code = codeTokens.join(' ');
  if (code === '') {
    return fail(lang, [
      problem('code', `manca il codice del paziente: ${USAGE.it[verb]}`, `the patient code is missing: ${USAGE.en[verb]}`),
    ]);
  }
  if (slots.since !== undefined && slots.therapy === undefined) {
    return fail(lang, [
      problem('therapy', `«dal» senza terapia: ${USAGE.it[verb]}`, `"since" without a therapy: ${USAGE.en[verb]}`),
    ]);
  }
  if (slots.last !== undefined && slots.therapy === undefined) {
    return fail(lang, [
      problem('therapy', `«ultima» senza terapia: ${USAGE.it[verb]}`, `"last given" without a therapy: ${USAGE.en[verb]}`),
    ]);
  }

  if (verb === 'enrol') {
    if (slots.exams === undefined) {
      return fail(lang, [
        problem(
          'last_exams',
          `manca la data degli ultimi esami: ${USAGE.it.enrol}`,
          `the date of the last exams is missing: ${USAGE.en.enrol}`,
        ),
      ]);
    }
    const checked = validateEnrolment(
      {
        code,
        lastExams: value('exams') ?? '',
        therapy: value('therapy') ?? null,
        therapyLastGiven: value('last') ?? null,
        therapySince: value('since') ?? null,
      },
      rules,
      today,
      (candidate) => checkPatientCode(candidate, format),
    );
    if (!checked.ok) return fail(lang, checked.problems);
    return { ok: true, command: { kind: 'enrol', lang, request: checked.value, notes: checked.notes } };
  }

  const problems: Problem[] = [];
  const codeCheck = checkPatientCode(code, format, 'lookup');
  if (!codeCheck.ok) problems.push({ field: 'code', message: codeCheck.reason });
  const changes: PatientChanges = {};
  const notes: Localized[] = [];
  const exams = value('exams');
  if (exams !== undefined) {
    const checked = checkPastDate(exams, 'last_exams', { it: 'data degli ultimi esami', en: 'date of the last exams' }, today);
    if (checked.ok) changes.lastExamsOn = checked.date;
    else problems.push(checked.problem);
  }
  if (slots.therapy !== undefined) {
    const checked = validateTherapy(value('therapy') ?? '', { lastGiven: value('last') ?? null, since: value('since') ?? null }, rules, today);
    if (checked.ok) {
      changes.therapy = checked.value;
      notes.push(...checked.notes);
    } else problems.push(...checked.problems);
  }
  if (problems.length === 0 && exams === undefined && slots.therapy === undefined) {
    problems.push(problem('command', `niente da aggiornare: ${USAGE.it.update}`, `nothing to update: ${USAGE.en.update}`));
  }
  if (problems.length > 0 || !codeCheck.ok) return fail(lang, problems);
  return { ok: true, command: { kind: 'update', lang, code: codeCheck.code, changes, notes } };
}

export type EnrolmentParse =
  | { ok: true; lang: Lang; request: EnrolmentRequest; notes: Localized[] }
  | { ok: false; lang: Lang; problems: Problem[]; error: string };

/**
 * Parses "iscrivi …" / "enrol …" only. Text that is not an enrolment command comes back as an
 * error too (with the usage), since the caller asked for an enrolment.
 */
export function parseEnrolmentCommand(text: string, rules: ScheduleRules, today: IsoDate, format: PseudonymFormat = DEFAULT_PSEUDONYM_FORMAT): EnrolmentParse {
  const parsed = parseFollowupCommand(text, rules, today, format);
  if (parsed !== null && !parsed.ok) return parsed;
  if (parsed?.command.kind === 'enrol') {
    const { lang, request, notes } = parsed.command;
    return { ok: true, lang, request, notes };
  }
  const lang: Lang = parsed?.command.lang ?? (/\b(enrol|enroll|exams?|therapy|since|given)\b/i.test(text) ? 'en' : 'it');
  const problems = [problem('command', `non è un comando di iscrizione: ${USAGE.it.enrol}`, `not an enrolment command: ${USAGE.en.enrol}`)];
  return { ok: false, lang, problems, error: describeProblems(problems, lang) };
}
