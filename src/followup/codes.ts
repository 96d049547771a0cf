/**
 * Pseudonymous patient codes. The registry holds nothing that identifies a patient (DESIGN.md,
 * clinical safety): a code that looks like a name, a codice fiscale, an e-mail address or a phone
 * number is refused with the reason, so the coordinator knows what to type instead.
 *
 * A code is a letter, then letters and digits, optionally in hyphenated groups, with at least one
 * digit: "TC-0042", "PZ123", "RCO230-17". Requiring a digit is what keeps out "Rossi" and
 * "ROSSI-MARIO"; the specific checks before it only give the better reason.
 */
import type { Localized } from '../content/schema.js';

export type CodeProblem = 'empty' | 'email' | 'codice-fiscale' | 'phone' | 'name' | 'format';

export type CodeCheck = { ok: true; code: string } | { ok: false; problem: CodeProblem; reason: Localized };

const MAX_CODE_LENGTH = 32;
const CODE = /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$/;

/**
 * The 16-character codice fiscale: 6 letters (surname, name), 2 for the year, a month letter,
 * 2 for the day, 4 for the municipality, a check letter. Omocodia replaces digits with the letters
 * L M N P Q R S T U V, so each digit position accepts those too.
 */
const D = '[0-9LMNPQRSTUV]';
const CODICE_FISCALE = new RegExp(`^[A-Z]{6}${D}{2}[ABCDEHLMPRST]${D}{2}[A-Z]${D}{3}[A-Z]$`);

const EXAMPLE = 'TC-0042, PZ123, RCO230-17';

const REASONS: Record<CodeProblem, Localized> = {
  empty: {
    it: `manca il codice del paziente (un codice pseudonimo, es. ${EXAMPLE})`,
    en: `the patient code is missing (a pseudonymous code, e.g. ${EXAMPLE})`,
  },
  email: {
    it: 'sembra un indirizzo e-mail: il registro accetta solo codici pseudonimi (es. TC-0042)',
    en: 'this looks like an e-mail address: the registry takes pseudonymous codes only (e.g. TC-0042)',
  },
  'codice-fiscale': {
    it: 'sembra un codice fiscale: il registro accetta solo codici pseudonimi (es. TC-0042)',
    en: 'this looks like an Italian tax code (codice fiscale): the registry takes pseudonymous codes only (e.g. TC-0042)',
  },
  phone: {
    it: 'sembra un numero di telefono: il registro accetta solo codici pseudonimi (es. TC-0042)',
    en: 'this looks like a phone number: the registry takes pseudonymous codes only (e.g. TC-0042)',
  },
  name: {
    it: 'sembra un nome di persona: il registro accetta solo codici pseudonimi con lettere e cifre (es. TC-0042)',
    en: "this looks like a person's name: the registry takes pseudonymous codes of letters and digits only (e.g. TC-0042)",
  },
  format: {
    it: `non è un codice pseudonimo valido: una lettera, poi lettere e cifre (almeno una cifra), gruppi separati da "-", al massimo ${MAX_CODE_LENGTH} caratteri (es. ${EXAMPLE})`,
    en: `not a valid pseudonymous code: a letter, then letters and digits (at least one digit), groups separated by "-", at most ${MAX_CODE_LENGTH} characters (e.g. ${EXAMPLE})`,
  },
};

function refuse(problem: CodeProblem): CodeCheck {
  return { ok: false, problem, reason: REASONS[problem] };
}

/** Validates a code as typed; an accepted code comes back upper-cased, the form it is stored in. */
export function checkPatientCode(input: string): CodeCheck {
  const text = input.normalize('NFC').trim();
  if (text === '') return refuse('empty');
  if (text.includes('@') || /\b[\w.+-]+\s*(?:\(at\)|\[at\])\s*[\w-]+\.\w+/i.test(text)) return refuse('email');
  const compact = text.replace(/[\s.]/g, '').toUpperCase();
  if (compact.length === 16 && CODICE_FISCALE.test(compact)) return refuse('codice-fiscale');
  const digits = text.replace(/\D/g, '');
  if (/^\+?[\d\s()./-]+$/.test(text) && digits.length >= 6) return refuse('phone');
  // A number inside other text: international (+39 …, 0039 …) or an Italian mobile (3xx xxx xxxx).
  if (/(?:\+|\b00)\d[\d\s./-]{6,}\d/.test(text) || /(?:^|\D)3\d{2}[\s./-]?\d{3}[\s./-]?\d{3,4}(?:\D|$)/.test(text)) {
    return refuse('phone');
  }
  // Two or more words of letters ("Mario Rossi", "rossi mario", "De Luca, Anna"), or one word of
  // letters only ("Rossi"): names, whatever their case.
  if (/^[\p{L}'’.,-]+(?:\s+[\p{L}'’.,-]+)+$/u.test(text) || /^\p{L}+$/u.test(text)) return refuse('name');
  if (/\s/.test(text)) return refuse('format');
  const code = text.toUpperCase();
  if (code.length > MAX_CODE_LENGTH || !CODE.test(code) || !/\d/.test(code)) return refuse('format');
  return { ok: true, code };
}
