/**
 * Finds the content's named things (therapies, exams, conditions, genes) in a message, tolerating
 * the typos of fast typing ("neridronto", "zoledrnato", "acetazolammide"). Phrases are matched token
 * by token; a token matches exactly or, when long enough that a slip cannot turn it into another
 * word, within a small edit distance.
 */
import { distance } from 'fastest-levenshtein';
import { normalize } from './normalize.js';

export interface GazetteerEntry {
  id: string;
  /** What kind of item the id names, used to prefer therapies over exams on equal matches. */
  kind: string;
  phrase: string;
  /** Only in messages of this language (short abbreviations that differ: "TC" is a CT scan in
   * Italian and tumoral calcinosis in English). */
  lang?: 'it' | 'en';
}

/** An entry with its phrase already normalised (saved at build time; see nlu/compileKnowledge.ts). */
export interface TokenizedEntry extends GazetteerEntry {
  tokens: string[];
}

export function tokenizeEntries(entries: readonly GazetteerEntry[]): TokenizedEntry[] {
  const seen = new Set<string>();
  const out: TokenizedEntry[] = [];
  for (const entry of entries) {
    const tokens = normalize(entry.phrase).tokens;
    const key = `${entry.id}|${entry.lang ?? ''}|${tokens.join(' ')}`;
    if (tokens.length === 0 || seen.has(key)) continue;
    seen.add(key);
    out.push({ ...entry, tokens });
  }
  return out;
}

export interface GazetteerMatch {
  id: string;
  kind: string;
  /** Token positions [start, end) in the message. */
  start: number;
  end: number;
  /** Sum of edit distances over the phrase's tokens: 0 is an exact match. */
  edits: number;
  phrase: string;
}

interface Phrase {
  id: string;
  kind: string;
  tokens: string[];
  phrase: string;
  lang?: 'it' | 'en';
}

/** Edits allowed for a token of this length; short tokens (PTH, TC, LES) must match exactly. */
export function allowedEdits(length: number): number {
  if (length >= 9) return 2;
  if (length >= 5) return 1;
  return 0;
}

/** On equal matches, the more specific kind wins: a drug over a test, a test over a passage. */
const KIND_PRIORITY: Record<string, number> = { therapy: 6, condition: 5, exam: 4, followup: 3, specialist: 3, topic: 2, step: 1 };

/**
 * Names of things outside the PDTA match only exactly: a near miss must not turn a word the PDTA
 * does contain ("ipofosfaturia") into "not covered" ("ipofosfatasia").
 */
const EXACT_ONLY_KINDS = new Set(['out-of-scope']);

export class Gazetteer {
  private readonly byToken = new Map<string, Phrase[]>();
  private readonly vocabulary: string[][] = [];
  private readonly fuzzyCache = new Map<string, Array<{ token: string; edits: number }>>();

  constructor(entries: readonly TokenizedEntry[]) {
    const vocab = new Set<string>();
    for (const entry of entries) {
      const { tokens } = entry;
      const phrase: Phrase = { id: entry.id, kind: entry.kind, tokens, phrase: entry.phrase };
      if (entry.lang) phrase.lang = entry.lang;
      const first = tokens[0]!;
      const list = this.byToken.get(first) ?? [];
      list.push(phrase);
      this.byToken.set(first, list);
      for (const t of tokens) vocab.add(t);
    }
    for (const token of vocab) {
      const bucket = (this.vocabulary[token.length] ??= []);
      bucket.push(token);
    }
  }

  /** Vocabulary tokens within the allowed edit distance of `token`, the exact one first. */
  private near(token: string): Array<{ token: string; edits: number }> {
    const cached = this.fuzzyCache.get(token);
    if (cached) return cached;
    const out: Array<{ token: string; edits: number }> = [];
    // Tokens longer than any clinical word are noise (pasted text, random input): exact match only.
    const allowed = token.length > 30 ? 0 : allowedEdits(token.length);
    if (/^\d/.test(token)) {
      if (this.byToken.has(token) || this.vocabulary[token.length]?.includes(token)) out.push({ token, edits: 0 });
    } else {
      for (let len = token.length - allowed; len <= token.length + allowed; len += 1) {
        for (const candidate of this.vocabulary[len] ?? []) {
          if (candidate === token) out.push({ token, edits: 0 });
          else if (allowed > 0 && allowedEdits(candidate.length) > 0) {
            const d = distance(token, candidate);
            if (d <= allowed && d <= allowedEdits(candidate.length)) out.push({ token: candidate, edits: d });
          }
        }
      }
      out.sort((a, b) => a.edits - b.edits);
    }
    // The cache is bounded: a stream of random messages must not grow memory without limit.
    if (this.fuzzyCache.size > 20_000) this.fuzzyCache.clear();
    this.fuzzyCache.set(token, out);
    return out;
  }

  private tokenEdits(messageToken: string, phraseToken: string): number | null {
    if (messageToken === phraseToken) return 0;
    for (const n of this.near(messageToken)) if (n.token === phraseToken) return n.edits;
    return null;
  }

  /** Non-overlapping matches, longest and most exact first. */
  find(tokens: readonly string[], lang?: 'it' | 'en'): GazetteerMatch[] {
    const candidates: GazetteerMatch[] = [];
    for (let i = 0; i < tokens.length; i += 1) {
      for (const start of this.near(tokens[i]!)) {
        for (const phrase of this.byToken.get(start.token) ?? []) {
          if (i + phrase.tokens.length > tokens.length) continue;
          if (phrase.lang && lang && phrase.lang !== lang) continue;
          let edits = start.edits;
          let ok = true;
          for (let k = 1; k < phrase.tokens.length && ok; k += 1) {
            const e = this.tokenEdits(tokens[i + k]!, phrase.tokens[k]!);
            if (e === null) ok = false;
            else edits += e;
          }
          if (ok && edits > 0 && EXACT_ONLY_KINDS.has(phrase.kind)) ok = false;
          if (ok) {
            candidates.push({ id: phrase.id, kind: phrase.kind, start: i, end: i + phrase.tokens.length, edits, phrase: phrase.phrase });
          }
        }
      }
    }
    candidates.sort(
      (a, b) =>
        b.end - b.start - (a.end - a.start) ||
        a.edits - b.edits ||
        (KIND_PRIORITY[b.kind] ?? 0) - (KIND_PRIORITY[a.kind] ?? 0) ||
        a.start - b.start,
    );
    const taken = new Array<boolean>(tokens.length).fill(false);
    const chosen: GazetteerMatch[] = [];
    for (const c of candidates) {
      // The same words can name two items equally well ("sclerodermia": both calcinoses of Table I's
      // connective-tissue row): keep both rather than pick one.
      if (chosen.some((x) => x.start === c.start && x.end === c.end && x.edits === c.edits && x.id !== c.id && x.kind === c.kind)) {
        chosen.push(c);
        continue;
      }
      let free = true;
      for (let k = c.start; k < c.end; k += 1) if (taken[k]) free = false;
      if (!free) continue;
      for (let k = c.start; k < c.end; k += 1) taken[k] = true;
      chosen.push(c);
    }
    return chosen.sort((a, b) => a.start - b.start);
  }
}
