/**
 * Language of a message, Italian or English, from function words. Short clinical messages often
 * have none ("neridronato 18 kg"), so drug and clinical words vote too, and Italian wins ties:
 * the PDTA and its clinicians are Italian.
 */
import type { Lang } from '../reply/model.js';

const ITALIAN = new Set(
  ('il lo la i gli le un una uno di da del della dei delle degli al alla ai agli nel nella con per tra fra ' +
    'che chi cosa come quando quanto quanti quale quali dove perche e o ma non se si sono ho ha hanno ' +
    'mi ci ti anche piu meno ogni dopo prima poi bambino bambina bambini bimbo adulto adulta anni mesi peso pesa ' +
    'dose dosaggio posologia terapia esami esame visita quale differenza tra fa fare serve cosa prevede ' +
    'calcinosi tumorale fosforo fosfato sierico urinario creatinina endovena compresse giorno settimana ' +
    'diagnosi differenziale controlli promemoria aiuto ciao grazie buongiorno buonasera passo fase chili ' +
    'sospendere iniziare quando indicazioni chirurgia riabilitazione associazione neridronato zoledronato ' +
    'alendronato colecalciferolo calcitriolo differenze elenco sito dolore gestione a quanta quante gravidanza incinta ' +
    'allattamento allatta insieme dopo domani oggi settimanale giornaliero').split(' '),
);

const ENGLISH = new Set(
  ('the a an of to in on for with and or but not is are was be been what which who how when where why ' +
    'does do did should can could would much many every after before then this that these those my your ' +
    'child children kid adult years old weight weighs dose dosing therapy treatment tests test exam visit ' +
    'difference between versus need needs calcinosis tumoral tumoural phosphate serum urine creatinine ' +
    'tablets day week diagnosis differential follow monitoring reminders help hi hello thanks thank ' +
    'stop start when indications surgery rehabilitation association pounds lb lbs paediatric pediatric ' +
    'neridronate zoledronate zoledronic alendronate cholecalciferol about give show tell me kid kids baby newborn ' +
    'neonate infant toddler website site link list needed required referral pain management meaning ' +
    'weekly daily monthly yearly pregnant pregnancy breastfeeding together taking').split(' '),
);

/**
 * Words that occur only in the Italian or only in the English text of the content: the PDTA's
 * own vocabulary in each language ("spalle"/"shoulder", "radiografia"/"x-ray"), so that a terse
 * question made only of clinical words still finds its language.
 */
export interface LanguageVocabulary {
  it: string[];
  en: string[];
}

export function buildLanguageVocabulary(texts: Array<{ it: string; en: string }>, tokenize: (s: string) => string[]): LanguageVocabulary {
  const it = new Set<string>();
  const en = new Set<string>();
  for (const t of texts) {
    for (const w of tokenize(t.it)) it.add(w);
    for (const w of tokenize(t.en)) en.add(w);
  }
  // "ct" and "tc" mean a CT scan in one language and the disease in the other: no vote.
  const ambiguous = new Set(['ct', 'tc', 'step', 'follow-up']);
  const onlyIt = [...it].filter((w) => !en.has(w) && w.length > 1 && !/\d/.test(w) && !ambiguous.has(w));
  const onlyEn = [...en].filter((w) => !it.has(w) && w.length > 1 && !/\d/.test(w) && !ambiguous.has(w));
  return { it: onlyIt.sort(), en: onlyEn.sort() };
}

export class LanguageDetector {
  private readonly it: Set<string>;
  private readonly en: Set<string>;

  constructor(vocabulary: LanguageVocabulary = { it: [], en: [] }) {
    this.it = new Set(vocabulary.it);
    this.en = new Set(vocabulary.en);
  }

  detect(tokens: readonly string[]): Lang {
    let it = 0;
    let en = 0;
    for (const token of tokens) {
      // Function words weigh more than content words: they are what a language is made of.
      if (ITALIAN.has(token)) it += 2;
      else if (this.it.has(token)) it += 1;
      if (ENGLISH.has(token)) en += 2;
      else if (this.en.has(token)) en += 1;
    }
    return en > it ? 'en' : 'it';
  }
}

export function detectLanguage(tokens: readonly string[]): Lang {
  return new LanguageDetector().detect(tokens);
}
