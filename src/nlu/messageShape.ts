/**
 * The shape of a message beyond its subject: two questions joined in one ("dose di zoledronato e
 * ogni quanto controllo il fosforo?"), a premise about the PDTA ("since the PDTA recommends…",
 * "ogni 3 mesi"), a question about something no PDTA of this kind states (a prognosis figure, a
 * cost, a phone number, how many patients). Words only: what the PDTA says is looked up in
 * content/ by the engine (src/engine/oneMessage.ts).
 */
import { normalize } from './normalize.js';

/** Where a message may hold a second question: a conjunction, or a question mark with more after it. */
const SPLIT = /\s+(?:e|ed|and|also|inoltre|poi|plus)\s+|[?;]\s+/gi;

/** Candidate (left, right) pairs, the first split first. */
export function splitQuestions(message: string): Array<{ left: string; right: string }> {
  const out: Array<{ left: string; right: string }> = [];
  for (const m of message.matchAll(SPLIT)) {
    const left = message.slice(0, m.index).trim();
    const right = message.slice(m.index + m[0].length).trim();
    if (normalize(left).tokens.length >= 1 && normalize(right).tokens.length >= 2) out.push({ left, right });
  }
  return out;
}

/**
 * Phrases that state what the PDTA says before asking: what they state is checked, not taken.
 * Folded, as normalize() tokenises them.
 */
const PREMISE_PHRASES = [
  'the pdta recommends', 'the pdta says', 'the pdta gives', 'the pdta suggests', 'the pdta advises', 'the pdta states', 'as the pdta says',
  'according to the pdta', 'per the pdta', 'as per the pdta',
  'il pdta raccomanda', 'il pdta consiglia', 'il pdta prevede', 'il pdta indica', 'il pdta dice', 'come dice il pdta', 'come prevede il pdta',
  'secondo il pdta', 'come indica il pdta', 'il pdta suggerisce',
].map((p) => ` ${normalize(p).tokens.join(' ')} `);

/** `tokens`: the message as normalize() tokenises it. */
export function statesPremise(tokens: readonly string[]): boolean {
  const text = ` ${tokens.join(' ')} `;
  return PREMISE_PHRASES.some((p) => text.includes(p));
}

/** An interval the message takes for granted: "ogni 3 mesi", "every 3 months", "every 3 mo". */
/** `folded`: the message as fold() gives it. */
export function statedIntervalMonths(folded: string): number | null {
  const m = /(?:ogni|every|each)\s+(\d{1,2})\s+(?:mesi|mese|months?|mo)\b/.exec(folded);
  return m ? Number(m[1]) : null;
}

export type NotStatedKind = 'prognosis' | 'cost' | 'contact' | 'patient-count';

/**
 * Kinds of question the PDTA does not answer anywhere: it gives no prognosis or survival figure, no
 * cost, no phone number or address, no count of the patients followed.
 */
const NOT_STATED: Record<NotStatedKind, readonly string[]> = {
  prognosis: ['prognosi', 'prognosis', 'sopravvivenza', 'survival', 'aspettativa di vita', 'life expectancy', 'mortalita', 'mortality', 'outcome a lungo termine', 'long term outcome'],
  cost: ['costo', 'costi', 'costa', 'costano', 'prezzo', 'prezzi', 'cost', 'costs', 'price', 'prices', 'ticket', 'rimborso', 'reimbursement'],
  // Not a bare "indirizzo" / "address": "indirizzo diagnostico", "how to address hyperphosphataemia".
  contact: ['numero di telefono', 'telefono', 'phone number', 'phone', 'telephone', 'indirizzo email', 'email address', 'postal address', 'email', 'e-mail', 'orari di apertura', 'opening hours', 'come prenotare', 'how to book'],
  'patient-count': ['quanti pazienti', 'numero di pazienti', 'how many patients', 'number of patients', 'quanti casi', 'how many cases'],
};

const NOT_STATED_FOLDED = (Object.entries(NOT_STATED) as Array<[NotStatedKind, readonly string[]]>).map(
  ([kind, phrases]) => [kind, phrases.map((p) => ` ${normalize(p).tokens.join(' ')} `)] as const,
);

/** `tokens`: the message as normalize() tokenises it. */
export function notStatedKind(tokens: readonly string[]): NotStatedKind | null {
  const text = ` ${tokens.join(' ')} `;
  for (const [kind, phrases] of NOT_STATED_FOLDED) if (phrases.some((p) => text.includes(p))) return kind;
  return null;
}
