/**
 * The questions each content item answers (content: `questions`, as clinicians phrase them, both
 * languages), matched against a message by the words they share, each word weighted by how rare it
 * is among all the questions (idf). The best item's score, and its margin over the next item,
 * decide between answering and "not found": a page is cited only when the match is strong and
 * specific to what was asked (the training-phrase approach of Dialogflow and Rasa, without a model).
 */
import type { Catalog, ItemKind } from '../content/catalog.js';
import { expandAbbreviations, fold, tokenize } from './normalize.js';
import { isStopword, stems } from './stem.js';

export interface QuestionHit {
  id: string;
  kind: ItemKind;
  score: number;
  /** Stems of the question that matched best. */
  stems: ReadonlySet<string>;
  /** Pages that list this one among their related items (its broader pages). */
  parents: readonly string[];
}

/** Question words that tell pages apart ("who does the concluding visit?" vs "when?"). */
const KEEP = new Set(['chi', 'who', 'quando', 'when', 'dove', 'where', 'perche', 'why', 'ogni', 'often', 'quanto']);
/** Words naming the disease itself: every question carries them, so they identify no page. */
const DISEASE = new Set(['calcinosi', 'tumorale', 'tumoral', 'tumoural', 'calcinosis', 'ct', 'tc', 'paziente', 'patient', 'pazienti', 'patients', 'malattia', 'disease']);

/** A word of a message or question as the set of its stems; null when it carries no meaning here. */
function wordStems(token: string, disease: boolean): string[] | null {
  if ((!disease && DISEASE.has(token)) || token.length < 2 || /^\d/.test(token)) return null;
  if (isStopword(token) && !KEEP.has(token)) return null;
  return stems(token);
}

/**
 * The meaningful words of a text, each as its stems. The disease's own words count only in a
 * question about nothing else ("what is tumoral calcinosis?").
 */
export function questionWords(tokens: readonly string[]): string[][] {
  const collect = (disease: boolean) => {
    const out: string[][] = [];
    for (const t of tokens) {
      const s = wordStems(t, disease);
      if (s && !out.some((w) => w.join() === s.join())) out.push(s);
    }
    return out;
  };
  const words = collect(false);
  return words.length > 0 ? words : collect(true);
}

/** Whether every meaningful word of `tokens` is among the stems of a question. */
export function coveredBy(tokens: readonly string[], stemSet: ReadonlySet<string>): boolean {
  return questionWords(tokens).every((w) => w.some((s) => stemSet.has(s)));
}

interface SavedQuestion {
  id: string;
  kind: ItemKind;
  words: string[][];
}

export interface SavedQuestionIndex {
  questions: SavedQuestion[];
  idf: Record<string, number>;
  parents: Record<string, string[]>;
}

/** Weight of a word no question holds: as rare as the rarest, so an unknown word weakens a match. */
function weightOf(idf: ReadonlyMap<string, number>, word: readonly string[], fallback: number): number {
  let best = 0;
  let known = false;
  for (const s of word) {
    const w = idf.get(s);
    if (w !== undefined) {
      known = true;
      best = Math.max(best, w);
    }
  }
  return known ? best : fallback;
}

export class QuestionIndex {
  private readonly idf: Map<string, number>;
  private readonly maxIdf: number;
  private readonly questions: Array<SavedQuestion & { stemSet: Set<string>; weight: number }>;
  private readonly parents: Record<string, string[]>;
  /** Each stem's questions, by position in `questions`, ascending: match() visits only questions sharing a word. */
  private readonly byStem: Map<string, number[]>;
  /** Per question, scratch for match(): the weight shared so far and the last message word counted. */
  private readonly shared: Float64Array;
  private readonly countedWord: Int32Array;

  private constructor(saved: SavedQuestionIndex) {
    this.parents = saved.parents;
    this.idf = new Map(Object.entries(saved.idf));
    this.maxIdf = Math.max(1, ...this.idf.values());
    this.questions = saved.questions.map((q) => ({
      ...q,
      stemSet: new Set(q.words.flat()),
      weight: q.words.reduce((sum, w) => sum + weightOf(this.idf, w, this.maxIdf), 0),
    }));
    this.byStem = new Map();
    this.questions.forEach((q, i) => {
      for (const s of q.stemSet) {
        const list = this.byStem.get(s);
        if (list) list.push(i);
        else this.byStem.set(s, [i]);
      }
    });
    this.shared = new Float64Array(this.questions.length);
    this.countedWord = new Int32Array(this.questions.length).fill(-1);
  }

  static build(catalog: Catalog): QuestionIndex {
    const questions: SavedQuestion[] = [];
    for (const [id, entry] of catalog.byId) {
      const q = entry.item.questions;
      for (const text of [...q.it, ...q.en]) {
        const words = questionWords(expandAbbreviations(tokenize(fold(text))));
        if (words.length > 0) questions.push({ id, kind: entry.kind, words });
      }
    }
    const df = new Map<string, number>();
    for (const q of questions) for (const s of new Set(q.words.flat())) df.set(s, (df.get(s) ?? 0) + 1);
    const n = Math.max(1, questions.length);
    const idf: Record<string, number> = {};
    for (const [s, d] of df) idf[s] = Math.log(1 + n / d);
    const parents: Record<string, string[]> = {};
    for (const topic of catalog.content.topics) for (const r of topic.related) (parents[r] ??= []).push(topic.id);
    return new QuestionIndex({ questions, idf, parents });
  }

  static fromJSON(saved: SavedQuestionIndex): QuestionIndex {
    return new QuestionIndex(saved);
  }

  toJSON(): SavedQuestionIndex {
    return { questions: this.questions.map(({ id, kind, words }) => ({ id, kind, words })), idf: Object.fromEntries(this.idf), parents: this.parents };
  }

  /**
   * Items by their best question's weighted Dice score (0..1): the words the message and the
   * question share, over the words of both.
   */
  match(tokens: readonly string[], limit = 5): QuestionHit[] {
    const words = questionWords(tokens);
    if (words.length === 0) return [];
    const weights = words.map((w) => weightOf(this.idf, w, this.maxIdf));
    const messageWeight = weights.reduce((a, b) => a + b, 0);
    // Only the questions that share a word are visited (through byStem); each word's weight is
    // added once per question, in the order of the words, as a scan of every question would add it.
    const { shared, countedWord } = this;
    const touched: number[] = [];
    words.forEach((w, i) => {
      for (const s of w) {
        const list = this.byStem.get(s);
        if (!list) continue;
        for (const q of list) {
          if (countedWord[q] === i) continue;
          if (countedWord[q] === -1) touched.push(q);
          countedWord[q] = i;
          shared[q] = shared[q]! + weights[i]!;
        }
      }
    });
    // In the order of the questions, as the scan met them: an item's first question decides its
    // place among items of equal score.
    touched.sort((a, b) => a - b);
    const best = new Map<string, { question: number; score: number }>();
    for (const i of touched) {
      const q = this.questions[i]!;
      const score = shared[i] === 0 ? 0 : (2 * shared[i]!) / (messageWeight + q.weight);
      shared[i] = 0;
      countedWord[i] = -1;
      if (score === 0) continue;
      const prev = best.get(q.id);
      if (!prev) best.set(q.id, { question: i, score });
      else if (score > prev.score) {
        prev.question = i;
        prev.score = score;
      }
    }
    return [...best.values()]
      .sort((a, b) => b.score - a.score)
      .slice(0, limit)
      .map(({ question, score }) => {
        const q = this.questions[question]!;
        return { id: q.id, kind: q.kind, score, stems: q.stemSet, parents: this.parents[q.id] ?? [] };
      });
  }
}
