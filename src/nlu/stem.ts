/**
 * Stems for search, from the Snowball stemmers (a well-kept implementation of Porter's Italian and
 * English algorithms): "calcificazioni" and "calcificazione" meet, and so do "dosing" and "dose".
 * A term gets both stems because short clinical messages mix the languages ("follow up fosforo").
 */
import snowball from 'snowball-stemmers';

const italian = snowball.newStemmer('italian');
const english = snowball.newStemmer('english');

const STOPWORDS = new Set(
  ('il lo la i gli le un una uno di da del dello della dei delle degli al allo alla ai agli dal dalla dai nel nello nella nei ' +
    'nelle con su per tra fra che chi cosa come e ed o od ma non se si sono sei siamo era ho hai ha hanno mi ti ci vi ne ' +
    'questo questa questi queste quello quella quelli quelle mio mia tuo tua suo sua nostro vostro loro al all c e la ' +
    'the a an of to in on for with and or but not is are was were be been being it its this that these those what which ' +
    'who whom how when where why does do did can could would should shall will me my i you your he she we they them ' +
    'about any some there their from by as at into than then so if also please per favore grazie thanks mi dici dimmi ' +
    'tell show give qual quale quali').split(' '),
);

export function isStopword(token: string): boolean {
  return STOPWORDS.has(token);
}

export function stems(token: string): string[] {
  const a = italian.stem(token);
  const b = english.stem(token);
  return a === b ? [a] : [a, b];
}
