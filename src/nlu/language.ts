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
    'alendronato colecalciferolo calcitriolo acetazolamide').split(' '),
);

const ENGLISH = new Set(
  ('the a an of to in on for with and or but not is are was be been what which who how when where why ' +
    'does do did should can could would much many every after before then this that these those my your ' +
    'child children kid adult years old weight weighs dose dosing therapy treatment tests test exam visit ' +
    'difference between versus vs need needs calcinosis tumoral tumoural phosphate serum urine creatinine ' +
    'tablets day week diagnosis differential follow monitoring reminders help hi hello thanks thank step ' +
    'stop start when indications surgery rehabilitation association pounds lb lbs paediatric pediatric ' +
    'neridronate zoledronate zoledronic alendronate cholecalciferol calcitriol about give show tell me').split(' '),
);

export function detectLanguage(tokens: readonly string[]): Lang {
  let it = 0;
  let en = 0;
  for (const token of tokens) {
    if (ITALIAN.has(token)) it += 1;
    if (ENGLISH.has(token)) en += 1;
  }
  return en > it ? 'en' : 'it';
}
