/**
 * Pseudonymous patient codes. The registry holds nothing that identifies a patient (clinical
 * safety): a code must have the site's format, and whatever looks like a personal identifier is
 * refused with the reason, so the coordinator knows what to type instead.
 *
 * Two lines of defence, because no heuristic recognises every identifier (issue #15: surname and
 * year, partial codici fiscali, initials and a birth date, STP codes all passed one):
 *
 * 1. The format: PSEUDONYM_PATTERN, strict by default (2-4 letters, a hyphen, 1-6 digits:
 *    "TC-0042"), named in every refusal. A site with its own codes ("PZ_17") configures it.
 * 2. Detectors that hold whatever the format: e-mail addresses, codici fiscali whole or in part
 *    (omocodia included), STP/ENI codes, dates, phone and other long numbers, names (words of
 *    letters, any code without a digit), and a surname-like word with a year ("ROSSI85").
 *
 * A code is compared and stored upper-cased, with spaces between its groups made hyphens
 * ("tc 0042" is TC-0042).
 */
import type { Localized } from '../content/schema.js';

export type CodeProblem = 'empty' | 'email' | 'codice-fiscale' | 'stp-eni' | 'date' | 'phone' | 'name' | 'name-year' | 'format';

export type CodeCheck = { ok: true; code: string } | { ok: false; problem: CodeProblem; reason: Localized };

/** The default PSEUDONYM_PATTERN: 2-4 letters, a hyphen, 1-6 digits. */
export const DEFAULT_PSEUDONYM_PATTERN = '[A-Z]{2,4}-[0-9]{1,6}';

/** A site's code format: the pattern a whole code must match, and how a refusal describes it. */
export interface PseudonymFormat {
  readonly source: string;
  readonly pattern: RegExp;
  readonly description: Localized;
}

/**
 * The format from PSEUDONYM_PATTERN (a regular expression matched against the whole upper-cased
 * code), or the strict default. A pattern that does not compile is an error: config.ts refuses it
 * at start-up, naming the variable.
 */
export function pseudonymFormat(source: string = DEFAULT_PSEUDONYM_PATTERN): PseudonymFormat {
  const pattern = new RegExp(`^(?:${source})$`, 'u');
  const description: Localized =
    source === DEFAULT_PSEUDONYM_PATTERN
      ? { it: '2-4 lettere, un trattino e 1-6 cifre, es. TC-0042', en: '2-4 letters, a hyphen and 1-6 digits, e.g. TC-0042' }
      : { it: `il formato del sito ${source} (PSEUDONYM_PATTERN)`, en: `the site's format ${source} (PSEUDONYM_PATTERN)` };
  return { source, pattern, description };
}

export const DEFAULT_PSEUDONYM_FORMAT = pseudonymFormat();

/**
 * What the database stores whatever the site's format (migration 005 checks the same): groups of
 * capitals and digits joined by "-" or "_", at most 32 characters, with at least one digit.
 */
const MAX_CODE_LENGTH = 32;
const STORED_CODE = /^[A-Z0-9]+(?:[_-][A-Z0-9]+)*$/;

/**
 * The 16-character codice fiscale: 6 letters (surname, name), 2 for the year, a month letter,
 * 2 for the day, 4 for the municipality, a check letter. Omocodia replaces digits with the letters
 * L M N P Q R S T U V, so each digit position accepts those too. A code that is its beginning
 * ("RSSMRA85", "RSSMRA85T10") identifies the person nearly as well.
 */
const D = '[0-9LMNPQRSTUV]';
const MONTH = '[ABCDEHLMPRST]';
const CODICE_FISCALE_ANYWHERE = new RegExp(`[A-Z]{6}${D}{2}${MONTH}${D}{2}[A-Z]${D}{3}[A-Z]`);
const CODICE_FISCALE_START = new RegExp(`^[A-Z]{6}${D}{2}(?:${MONTH}(?:${D}{2}(?:[A-Z](?:${D}{3}[A-Z]?)?)?)?)?$`);
/** STP (foreigners without a residence permit) and ENI (EU citizens without a health card): the prefix and 13 digits. */
const STP_ENI = /^(?:STP|ENI)\d{13}$/;

function reasons(format: PseudonymFormat): Record<CodeProblem, Localized> {
  const because = (it: string, en: string): Localized => ({
    it: `${it}. Il registro accetta solo codici pseudonimi: ${format.description.it}`,
    en: `${en}. The registry takes pseudonymous codes only: ${format.description.en}`,
  });
  return {
    empty: because('manca il codice del paziente', 'the patient code is missing'),
    email: because('sembra un indirizzo e-mail', 'this looks like an e-mail address'),
    'codice-fiscale': because('sembra un codice fiscale (o la sua parte iniziale)', 'this looks like an Italian tax code (codice fiscale), or its beginning'),
    'stp-eni': because('sembra un codice STP o ENI, che identifica la persona', 'this looks like an STP or ENI code, which identifies the person'),
    date: because('contiene una data (di nascita?)', 'this contains a date (of birth?)'),
    phone: because('sembra un numero di telefono o di tessera', 'this looks like a phone number or a card number'),
    name: because('sembra un nome di persona', "this looks like a person's name"),
    'name-year': because('sembra un cognome o un nome con un anno', 'this looks like a surname or name with a year'),
    format: because(`non è nel formato dei codici, o supera ${MAX_CODE_LENGTH} caratteri`, `not in the codes' format, or longer than ${MAX_CODE_LENGTH} characters`),
  };
}

function refuse(problem: CodeProblem, format: PseudonymFormat): CodeCheck {
  return { ok: false, problem, reason: reasons(format)[problem] };
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A run of 6 or 8 digits that reads as a date (DDMMYY, DDMMYYYY, YYYYMMDD), or a written date. */
function containsDate(text: string): boolean {
  if (/\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{2}|\d{4})\b/.test(text) || /\b(?:19|20)\d{2}[/.-]\d{1,2}[/.-]\d{1,2}\b/.test(text)) return true;
  for (const run of text.match(/\d+/g) ?? []) {
    const n = (from: number, to: number) => Number(run.slice(from, to));
    if (run.length === 6 && isRealDate(1900 + n(4, 6), n(2, 4), n(0, 2))) return true;
    if (run.length === 8) {
      if (n(4, 8) >= 1900 && n(4, 8) <= 2099 && isRealDate(n(4, 8), n(2, 4), n(0, 2))) return true;
      if (n(0, 4) >= 1900 && n(0, 4) <= 2099 && isRealDate(n(0, 4), n(4, 6), n(6, 8))) return true;
    }
  }
  return false;
}

const VOWELS = /[AEIOUÀÈÉÌÒÙ]/g;

/**
 * A word that reads like a surname or a given name: 5 letters or more with 2 vowels ("ROSSI",
 * "BIANCHI"), which site prefixes ("TC", "RCO", "PZ") are not.
 */
function nameLikeWord(code: string): boolean {
  return (code.match(/\p{L}+/gu) ?? []).some((w) => w.length >= 5 && (w.match(VOWELS) ?? []).length >= 2);
}

/** A word of 4 letters or more with a vowel, and a 2-digit or 19xx/20xx number: "ROSSI85", "ROSA-1985". */
function nameWithYear(code: string): boolean {
  const word = (code.match(/\p{L}+/gu) ?? []).some((w) => w.length >= 4 && /[AEIOUÀÈÉÌÒÙ]/.test(w));
  const year = (code.match(/\d+/g) ?? []).some((d) => d.length === 2 || (d.length === 4 && /^(?:19|20)/.test(d)));
  return word && year;
}

/** The code as stored: NFC, trimmed, upper-cased, spaces between groups made one hyphen. */
export function normalizePatientCode(input: string): string {
  return input.normalize('NFC').trim().toUpperCase().replace(/\s+/g, '-');
}

/**
 * Validates a code as typed; an accepted code comes back in its stored form.
 *
 * `purpose: 'lookup'` is for a code already in the registry (an update, a listing): the detectors
 * and the stored form still apply, the site's format does not, so a patient enrolled under an
 * earlier PSEUDONYM_PATTERN can still be found and updated.
 */
export function checkPatientCode(input: string, format: PseudonymFormat = DEFAULT_PSEUDONYM_FORMAT, purpose: 'enrol' | 'lookup' = 'enrol'): CodeCheck {
  const text = input.normalize('NFC').trim();
  if (text === '') return refuse('empty', format);
  if (text.includes('@') || /\b[\w.+-]+\s*(?:\(at\)|\[at\])\s*[\w-]+\.\w+/i.test(text)) return refuse('email', format);
  const upper = text.toUpperCase();
  const compact = upper.replace(/[\s._-]/g, '');
  if (STP_ENI.test(compact)) return refuse('stp-eni', format);
  if (CODICE_FISCALE_ANYWHERE.test(compact) || CODICE_FISCALE_START.test(compact)) return refuse('codice-fiscale', format);
  if (containsDate(text)) return refuse('date', format);
  const digits = text.replace(/\D/g, '');
  if (/^\+?[\d\s()./-]+$/.test(text) && digits.length >= 6) return refuse('phone', format);
  // A number inside other text: international (+39 …, 0039 …), an Italian mobile (3xx xxx xxxx),
  // or any run of 10 digits or more (a card number).
  if (/(?:\+|\b00)\d[\d\s./-]{6,}\d/.test(text) || /(?:^|\D)3\d{2}[\s./-]?\d{3}[\s./-]?\d{3,4}(?:\D|$)/.test(text) || /\d{10,}/.test(text)) {
    return refuse('phone', format);
  }
  // Words of letters ("Mario Rossi", "De Luca, Anna", "M.ROSSI"), whatever their case: no digit, no code.
  if (!/\d/.test(text) && /\p{L}/u.test(text)) return refuse('name', format);
  if (nameWithYear(upper)) return refuse('name-year', format);
  if (nameLikeWord(upper)) return refuse('name', format);
  const code = normalizePatientCode(text);
  if (code.length > MAX_CODE_LENGTH || !STORED_CODE.test(code)) return refuse('format', format);
  if (purpose === 'enrol' && !format.pattern.test(code)) return refuse('format', format);
  return { ok: true, code };
}
