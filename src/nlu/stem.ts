/**
 * Stems for search, from the Snowball stemmers (a well-kept implementation of Porter's Italian and
 * English algorithms): "calcificazioni" and "calcificazione" meet, and so do "dosing" and "dose".
 * A term gets both stems because short clinical messages mix the languages ("follow up fosforo").
 *
 * Loading the Snowball package costs ~50 ms, a seventh of the CLI's cold-start budget, so the stems
 * of every word of the content are computed at build time (see nlu/compileKnowledge.ts) and Snowball
 * is loaded only for a word never seen before.
 */
import { createRequire } from 'node:module';

interface Stemmer {
  stem(word: string): string;
}

let stemmers: { italian: Stemmer; english: Stemmer } | null = null;
const cache = new Map<string, string[]>();
const MAX_CACHE = 50_000;

function snowball(): { italian: Stemmer; english: Stemmer } {
  if (!stemmers) {
    const lib = createRequire(import.meta.url)('snowball-stemmers') as { newStemmer(language: string): Stemmer };
    stemmers = { italian: lib.newStemmer('italian'), english: lib.newStemmer('english') };
  }
  return stemmers;
}

const STOPWORDS = new Set(
  ('il lo la i gli le un una uno di da del dello della dei delle degli al allo alla ai agli dal dalla dai nel nello nella nei ' +
    'nelle con su per tra fra che chi cosa come e ed o od ma non se si sono sei siamo era ho hai ha hanno mi ti ci vi ne ' +
    'questo questa questi queste quello quella quelli quelle mio mia tuo tua suo sua nostro vostro loro al all c e la ' +
    'the a an of to in on for with and or but not is are was were be been being it its this that these those what which ' +
    'who whom how when where why does do did can could would should shall will me my i you your he she we they them ' +
    'about any some there their from by as at into than then so if also please per favore grazie thanks mi dici dimmi ' +
    'tell show give qual quale quali quando quanto quanta dove perche come cosa faccio fare fa serve servono devo deve ' +
    'posso puo bisogna what when how which where why should need needed must do does any there pdta').split(' '),
);

export function isStopword(token: string): boolean {
  return STOPWORDS.has(token);
}

export function stems(token: string): string[] {
  const known = cache.get(token);
  if (known) return known;
  const { italian, english } = snowball();
  const a = italian.stem(token);
  const b = english.stem(token);
  const result = a === b ? [a] : [a, b];
  // Bounded: a stream of random words must not grow memory without limit.
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(token, result);
  return result;
}

/** The stems computed so far, to be saved at build time. */
export function exportStems(): Record<string, string[]> {
  return Object.fromEntries(cache);
}

export function preloadStems(table: Record<string, string[]>): void {
  for (const [token, s] of Object.entries(table)) cache.set(token, s);
}
