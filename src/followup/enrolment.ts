/**
 * What a coordinator gives to enrol a patient, checked once for every way in (chat command,
 * Slack modal, Teams card, CSV import): a pseudonymous code, the date of the last exams, and the
 * current therapy with its start date. Every problem is reported, not just the first, each with
 * the field and a reason in both languages.
 */
import type { Localized } from '../content/schema.js';
import { checkPatientCode } from './codes.js';
import { parseUserDate, type IsoDate } from './dates.js';
import type { Problem } from './errors.js';
import type { ScheduleRules } from './rules.js';
import type { TherapyOnRecord } from './schedule.js';

export interface EnrolmentInput {
  code: string;
  lastExams: string;
  /** A therapy name, synonym or id as typed; empty, null, "nessuna" or "none" for none. */
  therapy?: string | null;
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
  therapySince: { it: 'inizio della terapia', en: 'therapy start date' },
} as const;

/** The therapy part alone (also used when a coordinator changes only the therapy). */
export function validateTherapy(
  therapy: string | null | undefined,
  since: string | null | undefined,
  rules: ScheduleRules,
  today: IsoDate,
): Validated<TherapyOnRecord | null> {
  if (isNoTherapy(therapy)) {
    if (since !== null && since !== undefined && since.trim() !== '') {
      return {
        ok: false,
        problems: [
          {
            field: 'therapy',
            message: {
              it: 'c’è una data di inizio ma nessuna terapia: indica quale (es. terapia neridronato dal 2026-01-10)',
              en: 'there is a start date but no therapy: say which (e.g. therapy neridronate since 2026-01-10)',
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
  let sinceOn: IsoDate | null = null;
  if (since === null || since === undefined || since.trim() === '') {
    problems.push({
      field: 'therapy_since',
      message: {
        it: 'manca da quando il paziente fa la terapia (es. terapia neridronato dal 2026-01-10)',
        en: 'say since when the patient is on the therapy (e.g. therapy neridronate since 2026-01-10)',
      },
    });
  } else {
    const checked = checkPastDate(since, 'therapy_since', LABELS.therapySince, today);
    if (checked.ok) sinceOn = checked.date;
    else problems.push(checked.problem);
  }
  if (problems.length > 0 || found === undefined || sinceOn === null) return { ok: false, problems };
  const rhythm = rules.therapy(found.id);
  const notes = rhythm?.kind === 'none' ? [rhythm.reason] : [];
  return { ok: true, value: { therapyId: found.id, since: sinceOn }, notes };
}

export function validateEnrolment(input: EnrolmentInput, rules: ScheduleRules, today: IsoDate): Validated<EnrolmentRequest> {
  const problems: Problem[] = [];
  const code = checkPatientCode(input.code);
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
  const therapy = validateTherapy(input.therapy, input.therapySince, rules, today);
  if (!therapy.ok) problems.push(...therapy.problems);
  if (problems.length > 0 || !code.ok || lastExamsOn === null || !therapy.ok) return { ok: false, problems };
  return { ok: true, value: { code: code.code, lastExamsOn, therapy: therapy.value }, notes: therapy.notes };
}

/** Problems as lines for a reply or a CSV report, in one language. */
export function describeProblems(problems: readonly Problem[], lang: 'it' | 'en'): string {
  return problems.map((p) => p.message[lang]).join('; ');
}
