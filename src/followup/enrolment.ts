/**
 * What a coordinator gives to enrol a patient, checked once for every way in (chat command,
 * Slack modal, Teams card, CSV import): a pseudonymous code, the date of the last exams, and the
 * current therapy with the date of its last administration (what the next one counts from) and,
 * optionally, its start (shown only). Every problem is reported, not just the first, each with
 * the field and a reason in both languages.
 */
import type { Localized } from '../content/schema.js';
import { checkPatientCode, type CodeCheck } from './codes.js';
import { parseUserDate, type IsoDate } from './dates.js';
import type { Problem } from './errors.js';
import type { ScheduleRules } from './rules.js';
import type { TherapyOnRecord } from './schedule.js';

export interface EnrolmentInput {
  code: string;
  lastExams: string;
  /** A therapy name, synonym or id as typed; empty, null, "nessuna" or "none" for none. */
  therapy?: string | null;
  /** The last administration of the therapy: required for a therapy the PDTA gives an interval for. */
  therapyLastGiven?: string | null;
  /** The therapy's start: optional, shown only. */
  therapySince?: string | null;
}

/** A validated enrolment: the code upper-cased, dates ISO, the therapy as a content id. */
export interface EnrolmentRequest {
  code: string;
  lastExamsOn: IsoDate;
  therapy: TherapyOnRecord | null;
}

export type Validated<T> = { ok: true; value: T; notes: Localized[] } | { ok: false; problems: Problem[] };

/** Dates before this are typing mistakes (a year of 1026), not follow-up history. */
const EARLIEST_PLAUSIBLE = '1990-01-01';

const NO_THERAPY = new Set(['', '-', 'nessuna', 'nessuno', 'niente', 'no', 'none', 'nessuna terapia', 'no therapy']);

export function isNoTherapy(text: string | null | undefined): boolean {
  return text === null || text === undefined || NO_THERAPY.has(text.trim().toLowerCase());
}

/** A past or present date as typed, or the problem with it. */
export function checkPastDate(
  text: string,
  field: Problem['field'],
  label: Localized,
  today: IsoDate,
): { ok: true; date: IsoDate } | { ok: false; problem: Problem } {
  const date = parseUserDate(text);
  if (date === null) {
    return {
      ok: false,
      problem: {
        field,
        message: {
          it: `${label.it}: «${text}» non è una data valida (es. 2026-03-01 o 01/03/2026)`,
          en: `${label.en}: "${text}" is not a valid date (e.g. 2026-03-01 or 01/03/2026)`,
        },
      },
    };
  }
  if (date > today) {
    return {
      ok: false,
      problem: {
        field,
        message: { it: `${label.it}: ${date} è nel futuro`, en: `${label.en}: ${date} is in the future` },
      },
    };
  }
  if (date < EARLIEST_PLAUSIBLE) {
    return {
      ok: false,
      problem: {
        field,
        message: { it: `${label.it}: ${date} è troppo lontano, controlla l'anno`, en: `${label.en}: ${date} is too long ago, check the year` },
      },
    };
  }
  return { ok: true, date };
}

const LABELS = {
  code: { it: 'codice paziente', en: 'patient code' },
  lastExams: { it: 'data degli ultimi esami', en: 'date of the last exams' },
  therapy: { it: 'terapia', en: 'therapy' },
  therapyLastGiven: { it: 'ultima somministrazione', en: 'last administration' },
  therapySince: { it: 'inizio della terapia', en: 'therapy start date' },
} as const;

function blank(text: string | null | undefined): text is null | undefined | '' {
  return text === null || text === undefined || text.trim() === '';
}

/**
 * Why a therapy with an interval needs its last administration, naming the field the way in
 * (chat keyword, form field, CSV column) asked for it. `sinceGiven`: the coordinator gave only the
 * start, which the schedule used to count from and no longer does.
 */
export function lastGivenMissing(sinceGiven: boolean): Problem {
  return {
    field: 'therapy_last_given',
    message: sinceGiven
      ? {
          it: 'manca la data dell’ultima somministrazione (es. terapia neridronato ultima 2026-11-10; colonna CSV therapy_last_given): la prossima si conta da quella, non dall’inizio della terapia («dal»), così una somministrazione saltata risulta scaduta',
          en: 'the date of the last administration is missing (e.g. therapy neridronate last given 2026-11-10; CSV column therapy_last_given): the next one counts from it, not from the therapy start ("since"), so a missed administration shows as overdue',
        }
      : {
          it: 'manca la data dell’ultima somministrazione (es. terapia neridronato ultima 2026-11-10; colonna CSV therapy_last_given): la prossima si conta da quella',
          en: 'the date of the last administration is missing (e.g. therapy neridronate last given 2026-11-10; CSV column therapy_last_given): the next one counts from it',
        },
  };
}

/** The therapy part alone (also used when a coordinator changes only the therapy). */
export function validateTherapy(
  therapy: string | null | undefined,
  dates: { lastGiven?: string | null | undefined; since?: string | null | undefined },
  rules: ScheduleRules,
  today: IsoDate,
): Validated<TherapyOnRecord | null> {
  if (isNoTherapy(therapy)) {
    if (!blank(dates.lastGiven) || !blank(dates.since)) {
      return {
        ok: false,
        problems: [
          {
            field: 'therapy',
            message: {
              it: 'c’è una data di somministrazione o di inizio ma nessuna terapia: indica quale (es. terapia neridronato ultima 2026-11-10)',
              en: 'there is an administration or start date but no therapy: say which (e.g. therapy neridronate last given 2026-11-10)',
            },
          },
        ],
      };
    }
    return { ok: true, value: null, notes: [] };
  }
  const problems: Problem[] = [];
  const name = (therapy ?? '').trim();
  const found = rules.findTherapy(name);
  if (found === undefined) {
    problems.push({
      field: 'therapy',
      message: {
        it: `«${name}» non è tra le terapie di questo PDTA: non è coperta da questo PDTA`,
        en: `"${name}" is not among this PDTA's therapies: not covered by this PDTA`,
      },
    });
  }
  const date = (text: string | null | undefined, field: 'therapy_last_given' | 'therapy_since', label: Localized): IsoDate | null | 'invalid' => {
    if (blank(text)) return null;
    const checked = checkPastDate(text, field, label, today);
    if (checked.ok) return checked.date;
    problems.push(checked.problem);
    return 'invalid';
  };
  const lastGivenOn = date(dates.lastGiven, 'therapy_last_given', LABELS.therapyLastGiven);
  const sinceOn = date(dates.since, 'therapy_since', LABELS.therapySince);
  const rhythm = found === undefined ? undefined : rules.therapy(found.id);
  // Only a therapy with an interval is scheduled, so only there is the last administration needed.
  if (rhythm?.kind === 'rhythm' && lastGivenOn === null) problems.push(lastGivenMissing(sinceOn !== null));
  if (lastGivenOn !== null && lastGivenOn !== 'invalid' && sinceOn !== null && sinceOn !== 'invalid' && lastGivenOn < sinceOn) {
    problems.push({
      field: 'therapy_last_given',
      message: {
        it: `l’ultima somministrazione (${lastGivenOn}) è prima dell’inizio della terapia (${sinceOn}): controlla le date`,
        en: `the last administration (${lastGivenOn}) is before the therapy started (${sinceOn}): check the dates`,
      },
    });
  }
  if (problems.length > 0 || found === undefined || lastGivenOn === 'invalid' || sinceOn === 'invalid') return { ok: false, problems };
  const notes = rhythm?.kind === 'none' ? [rhythm.reason] : [];
  return { ok: true, value: { therapyId: found.id, lastGivenOn, since: sinceOn }, notes };
}

/**
 * `checkCode` checks the code for an enrolment: by default against the strict PSEUDONYM_PATTERN
 * default; the service passes the site's format (and, in an import, lets codes already enrolled
 * through).
 */
export function validateEnrolment(
  input: EnrolmentInput,
  rules: ScheduleRules,
  today: IsoDate,
  checkCode: (code: string) => CodeCheck = (code) => checkPatientCode(code),
): Validated<EnrolmentRequest> {
  const problems: Problem[] = [];
  const code = checkCode(input.code);
  if (!code.ok) {
    problems.push({ field: 'code', message: { it: `${LABELS.code.it}: ${code.reason.it}`, en: `${LABELS.code.en}: ${code.reason.en}` } });
  }
  let lastExamsOn: IsoDate | null = null;
  if (input.lastExams.trim() === '') {
    problems.push({
      field: 'last_exams',
      message: { it: 'manca la data degli ultimi esami (es. esami 2026-03-01)', en: 'the date of the last exams is missing (e.g. exams 2026-03-01)' },
    });
  } else {
    const checked = checkPastDate(input.lastExams, 'last_exams', LABELS.lastExams, today);
    if (checked.ok) lastExamsOn = checked.date;
    else problems.push(checked.problem);
  }
  const therapy = validateTherapy(input.therapy, { lastGiven: input.therapyLastGiven, since: input.therapySince }, rules, today);
  if (!therapy.ok) problems.push(...therapy.problems);
  if (problems.length > 0 || !code.ok || lastExamsOn === null || !therapy.ok) return { ok: false, problems };
  return { ok: true, value: { code: code.code, lastExamsOn, therapy: therapy.value }, notes: therapy.notes };
}

/** Problems as lines for a reply or a CSV report, in one language. */
export function describeProblems(problems: readonly Problem[], lang: 'it' | 'en'): string {
  return problems.map((p) => p.message[lang]).join('; ');
}
