/**
 * "Which specialist for X?": the specialist rows whose indication a message names, by the rows'
 * `indicationTerms` (content/specialists.yaml). The words are content; this module only finds them.
 * Matched apart from the main gazetteer, as the unaddressed conditions are: "alterazioni oculari" is
 * also a clinical element of chapter 3, and asking about it without asking for a specialist must keep
 * finding that passage.
 */
import { distance } from 'fastest-levenshtein';
import type { Specialist } from '../content/schema.js';
import { CUES } from './cues.js';
import { Gazetteer, type GazetteerEntry, type TokenizedEntry } from './gazetteer.js';

export const INDICATION_KIND = 'indication';

export function indicationEntries(specialists: readonly Specialist[]): GazetteerEntry[] {
  return specialists.flatMap((s) => [...s.indicationTerms.it, ...s.indicationTerms.en].map((phrase) => ({ id: s.id, kind: INDICATION_KIND, phrase })));
}

export function isIndicationEntry(kind: string): boolean {
  return kind === INDICATION_KIND;
}

/**
 * One-word referral cues long enough that one slip cannot make them another word ("specialsta",
 * "referal"); shorter ones ("visita", one edit from "vista") must be typed exactly.
 */
const LONG_REFERRAL_WORDS = CUES.referral.filter((w) => !w.includes(' ') && w.length >= 8);

/** Whether a token is a referral word typed with one slip (the exact ones are cues already). */
export function isMistypedReferralWord(token: string): boolean {
  return token.length >= 7 && LONG_REFERRAL_WORDS.some((w) => Math.abs(w.length - token.length) <= 1 && distance(w, token) === 1);
}

export class IndicationFinder {
  private readonly gazetteer: Gazetteer;
  /** Specialist ids in content order: the PDTA's table order is the order rows are shown in. */
  private readonly order: string[];

  private readonly vocabulary: Set<string>;

  constructor(entries: readonly TokenizedEntry[]) {
    this.gazetteer = new Gazetteer(entries);
    this.order = [...new Set(entries.map((e) => e.id))];
    this.vocabulary = new Set(entries.flatMap((e) => e.tokens));
  }

  /**
   * Two letters swapped ("ocualri") are two edits to the gazetteer, beyond what a word of that length
   * is allowed; here a swap undone that gives an indication word is taken as that word.
   */
  private unswapped(token: string): string {
    if (token.length < 5 || this.vocabulary.has(token)) return token;
    for (let i = 0; i + 1 < token.length; i += 1) {
      const swapped = token.slice(0, i) + token[i + 1] + token[i] + token.slice(i + 2);
      if (this.vocabulary.has(swapped)) return swapped;
    }
    return token;
  }

  /** Ids of the specialist rows whose indication the message names, in the table's order. */
  find(tokens: readonly string[]): string[] {
    const found = new Set(this.gazetteer.find(tokens.map((t) => this.unswapped(t))).map((m) => m.id));
    return this.order.filter((id) => found.has(id));
  }
}
