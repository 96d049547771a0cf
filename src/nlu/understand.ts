/**
 * One message in, what it asks out: language, intent and entities (drugs, population, weight, lab
 * values, exams, conditions, algorithm step), plus ranked content items for open questions.
 * Pure and synchronous: the same message always gives the same understanding.
 */
import type { Catalog } from '../content/catalog.js';
import type { Lang } from '../reply/model.js';
import { findCues, type CueKind } from './cues.js';
import { Gazetteer, tokenizeEntries, type GazetteerEntry, type GazetteerMatch, type TokenizedEntry } from './gazetteer.js';
import { detectLanguage } from './language.js';
import { normalize, type Normalized } from './normalize.js';
import { OUT_OF_SCOPE, type OutOfScopeKind } from './outOfScope.js';
import { findAges, findLabValues, findWeights, type AgeMention, type LabMention, type WeightMention } from './quantities.js';
import { SearchIndex, type SearchHit } from './searchIndex.js';
import { isStopword } from './stem.js';

export type Population = 'adult' | 'paediatric';

export type Intent =
  | 'empty'
  | 'greeting'
  | 'thanks'
  | 'help'
  | 'tmp-gfr'
  | 'therapy'
  | 'not-covered'
  | 'condition'
  | 'differential'
  | 'step'
  | 'exam'
  | 'topic'
  | 'unknown';

export interface Understanding {
  lang: Lang;
  /** True when the language was detected (not imposed by the caller). */
  langDetected: boolean;
  intent: Intent;
  text: Normalized;
  cues: Set<CueKind>;
  therapies: string[];
  exams: string[];
  conditions: string[];
  /** Items named in the message but absent from the PDTA. */
  outOfScope: Array<{ name: string; kind: OutOfScopeKind }>;
  /** A word after "dose of" that names nothing we know: treated as not covered, never guessed. */
  unknownDrug: string | null;
  population: Population | 'conflicting' | null;
  ages: AgeMention[];
  weights: WeightMention[];
  labs: LabMention[];
  step: 1 | 2 | 3 | null;
  /** Best content items for the words of the message. */
  hits: SearchHit[];
  /** Item ids recognised by name (fuzzy matches included), in message order. */
  named: GazetteerMatch[];
}

const GENE_WORDS = new Set(['fgf23', 'galnt3', 'klotho', 'samd9', 'gans1', 'smad9']);

const STEP_WORDS: Record<string, 1 | 2 | 3> = {
  '1': 1, '2': 2, '3': 3, i: 1, ii: 2, iii: 3, uno: 1, due: 2, tre: 3, one: 1, two: 2, three: 3,
  primo: 1, secondo: 2, terzo: 3, first: 1, second: 2, third: 3, prima: 1, seconda: 2, terza: 3,
};
const STEP_NOUNS = new Set(['step', 'passo', 'fase', 'stage', 'tappa', 'livello', 'passaggio']);

function findStep(tokens: readonly string[]): 1 | 2 | 3 | null {
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    if (STEP_NOUNS.has(t)) {
      const next = tokens[i + 1];
      const prev = tokens[i - 1];
      if (next && STEP_WORDS[next]) return STEP_WORDS[next]!;
      if (prev && STEP_WORDS[prev] && !/^\d/.test(prev)) return STEP_WORDS[prev]!;
    }
    const glued = /^(?:step|passo|fase)(\d)$/.exec(t);
    if (glued && STEP_WORDS[glued[1]!]) return STEP_WORDS[glued[1]!]!;
  }
  return null;
}

const DOSE_OF = /\b(?:dose|dosi|dosaggio|posologia|dosing|dosage)\s+(?:di|del|della|dello|dell|of|for|per)?\s*([a-z][a-z-]{3,})/;

/** What the understander is built from; `compileUnderstanding` makes it, the build saves it. */
export interface UnderstandingIndexes {
  gazetteer: TokenizedEntry[];
  search: SearchIndex;
}

export function buildIndexes(catalog: Catalog): UnderstandingIndexes {
  const entries: GazetteerEntry[] = [];
  for (const t of catalog.content.therapies) {
    for (const phrase of [t.name.it, t.name.en, ...t.synonyms]) entries.push({ id: t.id, kind: 'therapy', phrase });
  }
  for (const e of catalog.content.exams) {
    for (const phrase of [e.name.it, e.name.en, ...e.keywords.it, ...e.keywords.en]) entries.push({ id: e.id, kind: 'exam', phrase });
  }
  for (const c of catalog.content.conditions) {
    for (const phrase of [c.name.it, c.name.en, ...c.synonyms]) entries.push({ id: c.id, kind: 'condition', phrase });
  }
  for (const o of OUT_OF_SCOPE) entries.push({ id: `out-of-scope:${o.kind}:${o.name}`, kind: 'out-of-scope', phrase: o.name });
  return { gazetteer: tokenizeEntries(entries), search: SearchIndex.build(catalog) };
}

export class Understander {
  private readonly gazetteer: Gazetteer;
  private readonly index: SearchIndex;

  constructor(indexes: UnderstandingIndexes) {
    this.gazetteer = new Gazetteer(indexes.gazetteer);
    this.index = indexes.search;
  }

  understand(message: string, options: { lang?: Lang } = {}): Understanding {
    const text = normalize(message);
    const tokens = text.tokens;
    const lang = options.lang ?? detectLanguage(tokens);
    const cues = findCues(tokens);
    const named = this.gazetteer.find(tokens);
    const unique = (kind: string) => [...new Set(named.filter((m) => m.kind === kind).map((m) => m.id))];
    const therapies = unique('therapy');
    const exams = unique('exam');
    const conditions = unique('condition');
    const outOfScope = named
      .filter((m) => m.kind === 'out-of-scope')
      .map((m) => {
        const [, kind, ...name] = m.id.split(':');
        return { kind: kind as OutOfScopeKind, name: name.join(':') };
      });
    const ages = findAges(text.folded);
    const weights = findWeights(text.folded);
    const labs = findLabValues(text.folded);
    const step = findStep(tokens);

    let population: Understanding['population'] = null;
    const saysChild = cues.has('paediatric') || ages.some((a) => a.years < 18);
    const saysAdult = cues.has('adult') || ages.some((a) => a.years >= 18);
    if (saysChild && saysAdult) population = 'conflicting';
    else if (saysChild) population = 'paediatric';
    else if (saysAdult) population = 'adult';

    let unknownDrug: string | null = null;
    const doseOf = DOSE_OF.exec(tokens.join(' '));
    if (doseOf && therapies.length === 0 && outOfScope.length === 0) {
      const word = doseOf[1]!;
      const namedHere = named.some((m) => tokens.slice(m.start, m.end).includes(word));
      if (!isStopword(word) && !namedHere && !findCues([word]).size) unknownDrug = word;
    }

    const hits = this.index.search(tokens);
    const intent = this.decide({ tokens, cues, therapies, exams, conditions, outOfScope, unknownDrug, labs, step, hits });
    return {
      lang, langDetected: options.lang === undefined, intent, text, cues, therapies, exams, conditions, outOfScope, unknownDrug,
      population, ages, weights, labs, step, hits, named,
    };
  }

  private decide(u: {
    tokens: string[];
    cues: Set<CueKind>;
    therapies: string[];
    exams: string[];
    conditions: string[];
    outOfScope: Array<{ name: string; kind: OutOfScopeKind }>;
    unknownDrug: string | null;
    labs: LabMention[];
    step: 1 | 2 | 3 | null;
    hits: SearchHit[];
  }): Intent {
    const meaningful = u.tokens.filter((t) => !isStopword(t));
    if (meaningful.length === 0) return 'empty';
    if (u.cues.has('tmp') || u.labs.filter((l) => l.unit !== null || l.specimenTyped).length >= 3) return 'tmp-gfr';
    if (u.therapies.length > 0) return 'therapy';
    if (u.outOfScope.length > 0 || u.unknownDrug) return 'not-covered';
    if (u.step) return 'step';
    if (u.conditions.length > 0) return 'condition';
    if (u.cues.has('differential') && u.exams.length === 0) return 'differential';
    if (u.exams.length > 0 && !u.tokens.some((t) => GENE_WORDS.has(t))) {
      const top = u.hits[0];
      // An exam named inside a broader question ("ogni quanto il fosforo nel follow-up?") is
      // answered by the broader passage when that passage clearly ranks first.
      if (top && top.kind !== 'exam' && u.exams.length === 1 && top.score > 3 * (u.hits.find((h) => h.id === u.exams[0])?.score ?? 0)) {
        return 'topic';
      }
      return 'exam';
    }
    if (u.hits.length > 0) return 'topic';
    if (meaningful.length <= 3) {
      if (u.cues.has('help')) return 'help';
      if (u.cues.has('greeting')) return 'greeting';
      if (u.cues.has('thanks')) return 'thanks';
    }
    return 'unknown';
  }
}
