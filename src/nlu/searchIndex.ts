/**
 * Full-text ranking of every content item, for questions that name no drug, exam or condition
 * ("cosa evitare?", "who does the transition clinic?"). MiniSearch gives BM25 ranking, fuzzy and
 * prefix matching; we give it the PDTA's words, the items' keywords, and Italian+English stems.
 */
import MiniSearch from 'minisearch';
import type { Catalog, Item, ItemKind } from '../content/catalog.js';
import { itemName } from '../content/catalog.js';
import { expandAbbreviations, fold, tokenize } from './normalize.js';
import { isStopword, stems } from './stem.js';

interface Doc {
  id: string;
  kind: ItemKind;
  names: string;
  keywords: string;
  text: string;
}

function textOf(entry: Item): string {
  const parts: string[] = [];
  const add = (l?: { it: string; en: string }) => {
    if (l) parts.push(l.it, l.en);
  };
  switch (entry.kind) {
    case 'topic':
      add(entry.item.body);
      entry.item.items.forEach(add);
      break;
    case 'exam':
      add(entry.item.note);
      break;
    case 'therapy':
      // Not the note: it quotes the PDTA around the table and would make every therapy match
      // every question about treatment.
      add(entry.item.class);
      break;
    case 'condition':
      add(entry.item.description);
      add(entry.item.group);
      break;
    case 'followup':
      add(entry.item.intervalText);
      break;
    case 'specialist':
      add(entry.item.indication);
      break;
    case 'step':
      add(entry.item.summary);
      entry.item.who.forEach(add);
      entry.item.what.forEach(add);
      break;
    default: {
      const never: never = entry;
      return never;
    }
  }
  return parts.join(' ');
}

function namesOf(entry: Item): string {
  const name = itemName(entry);
  const extra = entry.kind === 'therapy' || entry.kind === 'condition' ? entry.item.synonyms : [];
  return [name.it, name.en, ...extra].join(' ');
}

export function searchTerms(text: string): string[] {
  const out: string[] = [];
  for (const token of expandAbbreviations(tokenize(fold(text)))) {
    if (isStopword(token) || token.length < 2) continue;
    out.push(...stems(token));
  }
  return out;
}

export interface SearchHit {
  id: string;
  kind: ItemKind;
  score: number;
}

function options(vocabulary: ReadonlySet<string>) {
  // Fuzzy and prefix matching are MiniSearch's costliest searches (walks of the term tree per
  // word): a word the index already holds needs neither, only a misspelt or cut-short one does.
  const misspelt = (term: string) => !vocabulary.has(term);
  return {
    fields: ['names', 'keywords', 'text'],
    storeFields: ['kind'],
    tokenize: (text: string) => [text],
    processTerm: (term: string) => searchTerms(term),
    searchOptions: {
      boost: { names: 3, keywords: 2.5, text: 0.6 },
      fuzzy: (term: string) => (term.length >= 6 && misspelt(term) ? 0.2 : false),
      prefix: (term: string) => term.length >= 5 && misspelt(term),
      weights: { fuzzy: 0.4, prefix: 0.5 },
    },
  };
}

/** The disease itself is the subject of every question, not an item to answer with. */
const NOT_INDEXED = new Set(['condition.tumoral-calcinosis']);

export class SearchIndex {
  private constructor(
    private readonly mini: MiniSearch<Doc>,
    private readonly vocabulary: ReadonlySet<string>,
  ) {}

  /** Re-creates an index saved with `toJSON()` (at build time), without re-indexing the content. */
  static fromJSON(json: string): SearchIndex {
    const saved = JSON.parse(json) as { index: unknown; vocabulary: string[] };
    const vocabulary = new Set(saved.vocabulary);
    return new SearchIndex(MiniSearch.loadJS<Doc>(saved.index as Parameters<typeof MiniSearch.loadJS>[0], options(vocabulary)), vocabulary);
  }

  toJSON(): string {
    return JSON.stringify({ index: this.mini.toJSON(), vocabulary: [...this.vocabulary] });
  }

  static build(catalog: Catalog): SearchIndex {
    const vocabulary = new Set<string>();
    const mini = new MiniSearch<Doc>(options(vocabulary));
    const docs: Doc[] = [];
    for (const [id, entry] of catalog.byId) {
      if (NOT_INDEXED.has(id)) continue;
      docs.push({
        id,
        kind: entry.kind,
        names: namesOf(entry),
        keywords: [...entry.item.keywords.it, ...entry.item.keywords.en].join(' '),
        text: textOf(entry),
      });
    }
    for (const doc of docs) for (const term of searchTerms(`${doc.names} ${doc.keywords} ${doc.text}`)) vocabulary.add(term);
    mini.addAll(docs);
    return new SearchIndex(mini, vocabulary);
  }

  search(tokens: readonly string[], limit = 5): SearchHit[] {
    const terms = tokens.filter((t) => !isStopword(t) && t.length >= 2 && !/^\d/.test(t));
    if (terms.length === 0) return [];
    return this.mini
      .search(terms.join(' '), { combineWith: 'OR' })
      .slice(0, limit)
      .map((r) => ({ id: String(r.id), kind: r['kind'] as ItemKind, score: r.score }));
  }
}
