/**
 * One message in, what it asks out: language, intent and entities (drugs, population, weight, lab
 * values, exams, conditions, algorithm step), plus ranked content items for open questions.
 * Pure and synchronous: the same message always gives the same understanding.
 */
import type { Catalog } from '../content/catalog.js';
import type { Lang } from '../reply/model.js';
import { findCues, type CueKind } from './cues.js';
import { Gazetteer, tokenizeEntries, type GazetteerEntry, type GazetteerMatch, type TokenizedEntry } from './gazetteer.js';
import { buildLanguageVocabulary, LanguageDetector, type LanguageVocabulary } from './language.js';
import { normalize, type Normalized } from './normalize.js';
import { OUT_OF_SCOPE, type OutOfScopeKind } from './outOfScope.js';
import { IndicationFinder, indicationEntries, isIndicationEntry, isMistypedReferralWord } from './indications.js';
import { findAges, findLabValues, findWeights, type AgeMention, type LabMention, type WeightMention } from './quantities.js';
import { coveredBy, QuestionIndex, type QuestionHit } from './questionIndex.js';
import { SearchIndex, type SearchHit } from './searchIndex.js';
import { isStopword } from './stem.js';
import { isUnaddressedEntry, UnaddressedFinder, unaddressedEntries, type UnaddressedMention } from './unaddressed.js';

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
  | 'referral'
  | 'unknown';

export interface Understanding {
  lang: Lang;
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
  /** Best content items for the words of the message (computed on first read). */
  readonly hits: SearchHit[];
  /** Nearest pages when nothing was found with confidence: offered as buttons, never cited. */
  readonly nearest: SearchHit[];
  /** Item ids recognised by name (fuzzy matches included), in message order. */
  named: GazetteerMatch[];
  /** Patient conditions the PDTA does not address (content/unaddressed.yaml), in the message. */
  unaddressed: UnaddressedMention[];
  /** Specialist rows whose indication the message names ("occhi", "dolore"), in the table's order. */
  indications: string[];
  /** "Which specialist for X?": `indications` when the message asks for a referral, else empty. */
  referralFor: string[];
}

const STRONG_DIFFERENTIAL = new Set(['differenziale', 'differenziali', 'differential', 'differentials', 'ddx', 'distinguere', 'distinguish', 'mimic', 'mimics']);

const GENE_WORDS = new Set(['fgf23', 'galnt3', 'klotho', 'samd9', 'gans1', 'smad9']);

const STEP_WORDS: Record<string, 1 | 2 | 3> = {
  '1': 1, '2': 2, '3': 3, i: 1, ii: 2, iii: 3, uno: 1, due: 2, tre: 3, one: 1, two: 2, three: 3,
  primo: 1, secondo: 2, terzo: 3, first: 1, second: 2, third: 3, prima: 1, seconda: 2, terza: 3,
  ultimo: 3, ultima: 3, final: 3, finale: 3, last: 3, iniziale: 1, initial: 1,
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
  questions: QuestionIndex;
  language: LanguageVocabulary;
}

function localizedTexts(catalog: Catalog): Array<{ it: string; en: string }> {
  const out: Array<{ it: string; en: string }> = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (typeof o['it'] === 'string' && typeof o['en'] === 'string') out.push({ it: o['it'], en: o['en'] });
      else if (Array.isArray(o['it']) && Array.isArray(o['en'])) out.push({ it: (o['it'] as string[]).join(' '), en: (o['en'] as string[]).join(' ') });
      else Object.values(o).forEach(visit);
    }
  };
  visit(catalog.content);
  return out;
}

/** The disease itself is every question's subject, not a differential to answer about. */
const NOT_IN_GAZETTEER = new Set(['condition.tumoral-calcinosis']);

/** Words naming the disease itself: every question may carry them, so they identify no passage. */
const DISEASE_WORDS = new Set(['calcinosi', 'tumorale', 'tumoral', 'tumoural', 'calcinosis', 'familiare', 'familial', 'forma', 'form']);

function keywordEntries(id: string, kind: string, keywords: { it: string[]; en: string[] }, names: string[] = []): GazetteerEntry[] {
  const out: GazetteerEntry[] = [];
  const add = (phrase: string, lang?: 'it' | 'en') => {
    const tokens = normalize(phrase).tokens;
    if (tokens.length === 0 || tokens.every((t) => DISEASE_WORDS.has(t) || isStopword(t))) return;
    const short = tokens.length === 1 && tokens[0]!.length <= 3;
    out.push(short && lang ? { id, kind, phrase, lang } : { id, kind, phrase });
  };
  for (const n of names) add(n);
  for (const k of keywords.it) add(k, 'it');
  for (const k of keywords.en) add(k, 'en');
  return out;
}

export function buildIndexes(catalog: Catalog): UnderstandingIndexes {
  const entries: GazetteerEntry[] = [];
  for (const t of catalog.content.therapies) {
    for (const phrase of [t.name.it, t.name.en, ...t.synonyms]) entries.push({ id: t.id, kind: 'therapy', phrase });
  }
  for (const e of catalog.content.exams) entries.push(...keywordEntries(e.id, 'exam', e.keywords, [e.name.it, e.name.en]));
  for (const c of catalog.content.conditions) {
    if (NOT_IN_GAZETTEER.has(c.id)) continue;
    for (const phrase of [c.name.it, c.name.en, ...c.synonyms]) entries.push({ id: c.id, kind: 'condition', phrase });
  }
  // Passages are found by their keywords too: a keyword typed is a stronger signal than a word of
  // the passage's text, which is all full-text ranking sees.
  for (const t of catalog.content.topics) entries.push(...keywordEntries(t.id, 'topic', t.keywords, [t.title.it, t.title.en]));
  for (const sp of catalog.content.specialists) entries.push(...keywordEntries(sp.id, 'specialist', sp.keywords, [sp.visit.it, sp.visit.en]));
  for (const f of catalog.content.followup) entries.push(...keywordEntries(f.id, 'followup', f.keywords, [f.name.it, f.name.en]));
  for (const st of catalog.content.algorithm) entries.push(...keywordEntries(st.id, 'step', st.keywords));
  for (const o of OUT_OF_SCOPE) entries.push({ id: `out-of-scope:${o.kind}:${o.name}`, kind: 'out-of-scope', phrase: o.name });
  // Kept in the same saved list, matched apart (UnaddressedFinder): a condition's words must not
  // take a drug's or a test's words away from it ("clearance creatinina" is a test too).
  entries.push(...unaddressedEntries(catalog.content.unaddressed));
  entries.push(...indicationEntries(catalog.content.specialists));
  return {
    gazetteer: tokenizeEntries(entries),
    search: SearchIndex.build(catalog),
    questions: QuestionIndex.build(catalog),
    language: buildLanguageVocabulary(localizedTexts(catalog), (text) => normalize(text).tokens),
  };
}

const PASSAGE_KINDS = new Set(['topic', 'specialist', 'followup', 'step']);

/**
 * Passages ranked by the words of the message that their keywords cover (a keyword typed is the
 * strongest signal), then by full-text score.
 */
function rankPassages(hits: SearchHit[], named: readonly GazetteerMatch[], cues: Set<CueKind>): SearchHit[] {
  const coverage = new Map<string, { kind: string; tokens: number }>();
  for (const m of named) {
    if (!PASSAGE_KINDS.has(m.kind)) continue;
    const c = coverage.get(m.id) ?? { kind: m.kind, tokens: 0 };
    c.tokens += m.end - m.start;
    coverage.set(m.id, c);
  }
  // "ogni quanto la fosfaturia?" asks for the schedule; "cardiology referral" for the specialist.
  for (const [, c] of coverage) {
    if (c.kind === 'followup' && cues.has('followup')) c.tokens += 2;
    if (c.kind === 'specialist' && cues.has('referral')) c.tokens += 2;
  }
  // "a chi lo mando?" names no specialist: the best-ranked specialist passage is the answer.
  if (cues.has('referral') && !coverage.has('topic.specialists') && ![...coverage.values()].some((c) => c.kind === 'specialist')) {
    const specialist = hits.find((h) => h.kind === 'specialist');
    if (specialist) coverage.set(specialist.id, { kind: 'specialist', tokens: 1 + Math.max(0, ...[...coverage.values()].map((c) => c.tokens)) });
  }
  const byId = new Map(hits.map((h) => [h.id, h]));
  for (const [id, c] of coverage) if (!byId.has(id)) byId.set(id, { id, kind: c.kind as SearchHit['kind'], score: 0 });
  // On equal coverage the more specific passage wins: a specialist or a follow-up item answers
  // exactly, and offers the general list as a button.
  const specificity = (h: SearchHit) => (coverage.has(h.id) && (h.kind === 'specialist' || h.kind === 'followup') ? 1 : 0);
  return [...byId.values()].sort(
    (a, b) => (coverage.get(b.id)?.tokens ?? 0) - (coverage.get(a.id)?.tokens ?? 0) || specificity(b) - specificity(a) || b.score - a.score,
  );
}

/** Words of the message covered by keyword matches of passages (not drugs, tests or conditions). */
function passageCoverage(named: readonly GazetteerMatch[]): number {
  return Math.max(0, ...named.filter((m) => PASSAGE_KINDS.has(m.kind)).map((m) => m.end - m.start));
}

export class Understander {
  private readonly gazetteer: Gazetteer;
  private readonly index: SearchIndex;
  private readonly questions: QuestionIndex;
  private readonly language: LanguageDetector;
  private readonly unaddressed: UnaddressedFinder;
  private readonly indications: IndicationFinder;

  constructor(indexes: UnderstandingIndexes) {
    this.gazetteer = new Gazetteer(indexes.gazetteer.filter((e) => !isUnaddressedEntry(e.kind) && !isIndicationEntry(e.kind)));
    this.unaddressed = new UnaddressedFinder(indexes.gazetteer.filter((e) => isUnaddressedEntry(e.kind)));
    this.indications = new IndicationFinder(indexes.gazetteer.filter((e) => isIndicationEntry(e.kind)));
    this.index = indexes.search;
    this.questions = indexes.questions;
    this.language = new LanguageDetector(indexes.language);
  }

  understand(message: string, options: { lang?: Lang } = {}): Understanding {
    const text = normalize(message);
    const tokens = text.tokens;
    const lang = options.lang ?? this.language.detect(tokens);
    const cues = findCues(tokens);
    const named = this.gazetteer.find(tokens, lang);
    const unique = (kind: string) => [...new Set(named.filter((m) => m.kind === kind).map((m) => m.id))];
    const therapies = unique('therapy');
    const exams = unique('exam');
    if (cues.has('tmp') && !exams.includes('exam.tmp-gfr')) exams.unshift('exam.tmp-gfr');
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
    const unaddressed = therapies.length > 0 ? this.unaddressed.find(tokens, outOfScope.filter((o) => o.kind === 'drug').map((o) => o.name)) : [];
    const asksReferral = cues.has('referral') || tokens.some(isMistypedReferralWord);
    const indications = this.indications.find(tokens);
    const referralFor = asksReferral ? indications : [];

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

    // Full-text ranking is the costliest part of understanding and most messages (a drug, a step,
    // lab values) are decided without it: it runs only when asked for.
    let ranked: SearchHit[] | null = null;
    let asked: QuestionHit[] | null = null;
    const questions = (): QuestionHit[] => (asked ??= this.questions.match(tokens));
    // The page a strong question match names comes first; otherwise keyword coverage, then full text.
    let chosen: SearchHit | null = null;
    const hits = (): SearchHit[] => {
      ranked ??= rankPassages(this.index.search(tokens, 8), named, cues);
      return chosen ? [chosen, ...ranked.filter((h) => h.id !== chosen!.id)] : ranked;
    };
    const choose = (hit: SearchHit) => {
      chosen = hit;
    };
    const intent = this.decide({ tokens, cues, therapies, exams, conditions, outOfScope, unknownDrug, labs, step, hits, named, questions, choose, referralFor });
    return {
      lang, intent, text, cues, therapies, exams, conditions, outOfScope, unknownDrug,
      population, ages, weights, labs, step, named, unaddressed, indications, referralFor,
      get hits() {
        return hits();
      },
      get nearest() {
        return intent === 'unknown' && !cues.has('meta') ? nearestPages(hits(), questions()) : [];
      },
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
    hits: () => SearchHit[];
    named: GazetteerMatch[];
    questions: () => QuestionHit[];
    choose: (hit: SearchHit) => void;
    referralFor: string[];
  }): Intent {
    const meaningful = u.tokens.filter((t) => !isStopword(t));
    if (meaningful.length === 0) return 'empty';
    const named = u.named.length;
    if (meaningful.length <= 4 && named === 0 && u.labs.length === 0) {
      if (u.cues.has('help')) return 'help';
      if (u.cues.has('greeting') && meaningful.length <= 3) return 'greeting';
      if (u.cues.has('thanks') && meaningful.length <= 3) return 'thanks';
    }
    const labsWithUnits = u.labs.filter((l) => l.unit !== null || l.specimenTyped).length;
    if (labsWithUnits >= 3 || (u.cues.has('tmp') && u.labs.length > 0)) return 'tmp-gfr';
    if (u.therapies.length > 0) return 'therapy';
    if (u.outOfScope.length > 0 || u.unknownDrug) return 'not-covered';
    // An instruction to the assistant itself is not a question about the PDTA.
    if (u.cues.has('meta')) return 'unknown';
    // "Quale specialista per gli occhi?" asks for the visit the PDTA names for that indication, not
    // for the clinical element of the same name; a visit named ("visita ortopedica per …") is
    // answered as it is named.
    if (u.referralFor.length > 0 && !u.named.some((m) => m.kind === 'specialist')) return 'referral';
    if (u.step && u.exams.length === 0) return 'step';
    const strong = strongQuestion(u.questions());
    // A question matched strongly answers, unless the message names something else the question
    // does not ("shoulder x-rays needed?" names the exam, not the imaging page's "which x-rays?");
    // naming the broader page the answer belongs to ("… in follow-up") is no such thing.
    if (strong && u.named.every((m) => m.id === strong.id || strong.parents.includes(m.id) || coveredBy(u.tokens.slice(m.start, m.end), strong.stems))) {
      u.choose({ id: strong.id, kind: strong.kind, score: strong.score });
      return 'topic';
    }
    if (u.conditions.length > 0) return 'condition';
    if (u.cues.has('differential') && u.exams.length === 0) {
      // "diagnosi differenziale" asks for Table I; a bare "vs" between two passages does not.
      const strong = u.tokens.some((t) => STRONG_DIFFERENTIAL.has(t));
      // How to approach the differential is a passage of its own; the list of Table I is not.
      if (passageCoverage(u.named) > 0 && u.hits()[0]?.id === 'topic.differential-diagnosis') return 'topic';
      if (strong || passageCoverage(u.named) === 0) return 'differential';
    }
    if (u.cues.has('followup')) {
      // "ogni quanto la fosfaturia?" asks about the follow-up schedule, not about the test itself.
      const schedule = u.hits().find((h) => h.kind === 'followup' || h.id === 'topic.followup');
      if (schedule) return 'topic';
    }
    if (u.exams.length > 0 && !u.tokens.some((t) => GENE_WORDS.has(t))) {
      // An exam named inside a broader question ("fosforo alto a digiuno, cosa faccio?") is answered
      // by the passage whose keywords cover more of the question than the exam's name does.
      const examWords = Math.max(...u.named.filter((m) => m.kind === 'exam').map((m) => m.end - m.start));
      if (passageCoverage(u.named) > examWords) return 'topic';
      return 'exam';
    }
    // A page is cited only when the match is specific: a passage's keyword typed, or a question
    // of the page itself matched well enough. Otherwise "not found", with the nearest pages offered.
    const top = u.hits()[0];
    const namedTop = top !== undefined && u.named.some((m) => m.id === top.id);
    if (top && (passageCoverage(u.named) > 0 || namedTop || supportsTop(u.questions(), top.id))) return 'topic';
    return 'unknown';
  }
}

/** A question of one page matched well, and clearly better than any other page's: that page answers. */
export const STRONG_QUESTION = 0.6;
export const QUESTION_MARGIN = 0.1;
/** A weaker question match is enough to confirm the page full-text ranking put first. */
export const SUPPORTING_QUESTION = 0.34;

function strongQuestion(hits: readonly QuestionHit[]): QuestionHit | null {
  const [best, second] = hits;
  if (!best || best.score < STRONG_QUESTION) return null;
  return !second || best.score - second.score >= QUESTION_MARGIN ? best : null;
}

function supportsTop(hits: readonly QuestionHit[], id: string): boolean {
  const [best, second] = hits;
  if (!best || best.id !== id || best.score < SUPPORTING_QUESTION) return false;
  return !second || best.score - second.score >= QUESTION_MARGIN / 2;
}

/** Up to three pages to offer as buttons: the best question matches first, then full-text hits. */
function nearestPages(hits: readonly SearchHit[], questions: readonly QuestionHit[]): SearchHit[] {
  const out: SearchHit[] = [];
  for (const h of [...questions.filter((q) => q.score >= 0.2), ...hits]) if (!out.some((o) => o.id === h.id) && out.length < 3) out.push(h);
  return out;
}
