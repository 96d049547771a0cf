/**
 * Patient conditions the PDTA does not address, found in a message: by their words ("dialisi",
 * "pregnant", "fase acuta"), by a lab value's name followed by a number ("eGFR 20", "K 2,9",
 * "calcemia 7,5 mg/dL"), or by a drug outside the PDTA typed beside a PDTA therapy. The conditions
 * and their words are content (content/unaddressed.yaml); this module only finds them.
 */
import type { Unaddressed } from '../content/schema.js';
import { Gazetteer, type GazetteerEntry, type TokenizedEntry } from './gazetteer.js';

export const UNADDRESSED_KIND = 'unaddressed';
export const UNADDRESSED_VALUE_KIND = 'unaddressed-value';
/** Marks the condition a drug outside the PDTA names (its `otherDrug` flag), in the same entry list. */
export const UNADDRESSED_OTHER_DRUG_KIND = 'unaddressed-other-drug';

export interface UnaddressedMention {
  id: string;
  /** The words as typed (folded), for the warning: "egfr 20". */
  typed: string;
}

export function unaddressedEntries(conditions: readonly Unaddressed[]): GazetteerEntry[] {
  const out: GazetteerEntry[] = [];
  for (const c of conditions) {
    for (const phrase of [...c.terms.it, ...c.terms.en]) out.push({ id: c.id, kind: UNADDRESSED_KIND, phrase });
    for (const phrase of c.values) out.push({ id: c.id, kind: UNADDRESSED_VALUE_KIND, phrase });
    if (c.otherDrug) out.push({ id: c.id, kind: UNADDRESSED_OTHER_DRUG_KIND, phrase: c.id });
  }
  return out;
}

export function isUnaddressedEntry(kind: string): boolean {
  return kind === UNADDRESSED_KIND || kind === UNADDRESSED_VALUE_KIND || kind === UNADDRESSED_OTHER_DRUG_KIND;
}

/** Words allowed between a value's name and its number ("clearance di 25", "K: 2,9", "eGFR is 20"). */
const LINKS = new Set(['di', 'del', 'a', 'e', 'is', 'of', 'at', 'was', 'era', 'pari', 'circa', 'about', 'around']);
/** A number followed by one of these is a weight or an age ("ca 20 kg"), not a lab value. */
const NOT_LAB_UNITS = /^(?:kgs?|kilos?|kili|chil[io]|g|gr|grammi|grams?|lbs?|libbr[ea]|pounds?|anni|anno|years?|yrs?|mesi|mese|months?|settimane|weeks?|giorni|days?)$/;

export class UnaddressedFinder {
  private readonly gazetteer: Gazetteer;
  private readonly otherDrugIds: string[];

  constructor(entries: readonly TokenizedEntry[]) {
    this.gazetteer = new Gazetteer(entries.filter((e) => e.kind !== UNADDRESSED_OTHER_DRUG_KIND));
    this.otherDrugIds = entries.filter((e) => e.kind === UNADDRESSED_OTHER_DRUG_KIND).map((e) => e.id);
  }

  /** `otherDrugs`: names of drugs outside the PDTA that the message names. */
  find(tokens: readonly string[], otherDrugs: readonly string[]): UnaddressedMention[] {
    const found: UnaddressedMention[] = [];
    const add = (id: string, typed: string) => {
      if (!found.some((f) => f.id === id)) found.push({ id, typed });
    };
    for (const m of this.gazetteer.find(tokens)) {
      const typed = tokens.slice(m.start, m.end).join(' ');
      if (m.kind === UNADDRESSED_KIND) add(m.id, typed);
      else {
        let i = m.end;
        while (i < tokens.length && LINKS.has(tokens[i]!)) i += 1;
        const value = tokens[i];
        const unit = tokens[i + 1] ?? '';
        if (value !== undefined && /^\d/.test(value) && !NOT_LAB_UNITS.test(unit)) add(m.id, `${typed} ${value}`);
      }
    }
    if (otherDrugs.length > 0) for (const id of this.otherDrugIds) add(id, otherDrugs.join(', '));
    return found;
  }
}
