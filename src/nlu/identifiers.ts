/**
 * Patient identifiers typed inside a question (the README's safety rules: patients appear only as pseudonymous
 * codes): e-mail addresses, codici fiscali, phone numbers, and names where the message marks them
 * as names ("sig.ra Rossi", "paziente Mario Rossi", "si chiama …"). Each is cut out of the message
 * before anything reads, answers, stores or logs it; the turn answers the rest and reminds the user.
 * Pseudonymous codes ("TC-0042") are not identifiers and stay.
 */
export type IdentifierKind = 'email' | 'codice-fiscale' | 'phone' | 'name';

export interface Redaction {
  /** The message with every identifier replaced by REDACTED. */
  text: string;
  /** What kinds were found (never the identifiers themselves). */
  found: IdentifierKind[];
}

export const REDACTED = '[…]';

const D = '[0-9LMNPQRSTUVlmnpqrstuv]';
const CAP = String.raw`\p{Lu}[\p{Ll}'’]+`;
const PATTERNS: Array<[IdentifierKind, RegExp]> = [
  ['email', /[\p{L}\d._%+-]+\s*(?:@|\(at\)|\[at\])\s*[\p{L}\d-]+(?:\.[\p{L}\d-]+)+/giu],
  ['codice-fiscale', new RegExp(String.raw`\b[A-Za-z]{6}${D}{2}[ABCDEHLMPRSTabcdehlmprst]${D}{2}[A-Za-z]${D}{3}[A-Za-z]\b`, 'g')],
  // International (+39 …, 0039 …), an Italian mobile (3xx xxx xxxx) or a landline (0x… with 6+ digits after).
  ['phone', /(?:\+|\b00)\d[\d\s./-]{6,}\d/g],
  ['phone', /(?<![\d,.])\b3\d{2}[\s./-]?\d{3}[\s./-]?\d{3,4}\b(?![.,]\d)/g],
  ['phone', /(?<![\d,.])\b0\d{1,3}[\s./-]?\d{6,8}\b(?![.,]\d)/g],
  // A name the message marks as one: after a title, after "si chiama / named / nome:", or two
  // capitalised words after "paziente / pz / patient / bambino / child".
  ['name', new RegExp(String.raw`\b(?:sig\.?(?:ra|na)?|signor[ae]?|sig\.ra|mr|mrs|ms|miss)\.?\s+${CAP}(?:\s+${CAP})?`, 'gu')],
  ['name', new RegExp(String.raw`\b(?:si chiama|chiamat[oa]|di nome|nome e cognome|nome|cognome|named|called|name is|name)\s*:?\s+${CAP}(?:\s+${CAP})?`, 'giu')],
  ['name', new RegExp(String.raw`\b(?:paziente|pz|patient|pt|bambin[oa]|bimb[oa]|child|boy|girl|ragazz[oa])\s+${CAP}\s+${CAP}`, 'giu')],
];

/** Cuts identifiers out of a message. The words before a name ("paziente") are kept. */
export function redactIdentifiers(message: string): Redaction {
  let text = message;
  const found: IdentifierKind[] = [];
  for (const [kind, pattern] of PATTERNS) {
    text = text.replace(pattern, (match: string) => {
      if (kind !== 'name') {
        if (!found.includes(kind)) found.push(kind);
        return REDACTED;
      }
      // The marker words match in any case; the name's words must be capitalised as typed
      // ("il bambino pesa 18 kg" names nobody).
      const marker = /^\S+(?:\s+(?:chiama|nome|cognome|is|e cognome))?\s*:?/iu.exec(match)?.[0] ?? '';
      const name = match.slice(marker.length).trim().split(/\s+/);
      if (!name.every((w) => /^\p{Lu}/u.test(w))) return match;
      if (!found.includes(kind)) found.push(kind);
      // Keep the marker ("paziente", "sig.ra") so the question still reads; drop the name.
      return `${marker.trimEnd()} ${REDACTED}`;
    });
  }
  return { text, found };
}
