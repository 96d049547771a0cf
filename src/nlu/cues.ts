/**
 * Words that say what kind of answer is wanted, in Italian and English (folded, abbreviations
 * expanded). Kept as data so the evaluation set can grow them without touching the logic.
 */
export const CUES = {
  dose: ['dose', 'dosi', 'dosaggio', 'dosaggi', 'posologia', 'quanto', 'quanta', 'quanti', 'mg', 'somministrare', 'dare', 'dosing', 'dosage', 'how much', 'give', 'calcola', 'calculate', 'compute', 'mg/kg', 'prescrivere', 'prescribe'],
  criteria: ['quando', 'iniziare', 'inizio', 'sospendere', 'interrompere', 'terminare', 'smettere', 'criteri', 'criterio', 'when', 'start', 'stop', 'criteria', 'discontinue', 'indicazioni', 'indications'],
  differential: ['differenza', 'differenze', 'differenziare', 'distinguere', 'distingue', 'differenziale', 'differenziali', 'diagnosi differenziale', 'vs', 'versus', 'differential', 'differentials', 'distinguish', 'difference', 'differences', 'differ', 'mimic', 'mimics', 'rispetto'],
  referral: ['referral', 'refer', 'invio', 'inviare', 'mandare', 'mando', 'mandarlo', 'mandarla', 'a chi', 'who treats', 'who sees', 'who should see', 'who monitors', 'chi monitora', 'send', 'consulto', 'consulenza', 'specialista', 'specialist', 'visita', 'visit'],
  followup: ['ogni quanto', 'ogni quanti', 'every how many', 'how many months', 'quanti mesi', 'how often', 'follow-up', 'follow', 'controlli', 'controllo', 'monitoraggio', 'monitoring', 'scadenze', 'scadenza', 'intervallo', 'intervalli', 'interval', 'intervals', 'ripetere', 'repeat', 'cadenza', 'frequenza', 'frequency', 'sorveglianza', 'surveillance'],
  help: ['aiuto', 'help', 'menu', 'comandi', 'commands', 'cosa sai fare', 'what can you do', 'istruzioni', 'start'],
  greeting: ['ciao', 'buongiorno', 'buonasera', 'salve', 'hi', 'hello', 'hey', 'good morning', 'good evening'],
  thanks: ['grazie', 'thanks', 'thank you', 'ok grazie', 'perfetto', 'great'],
  tmp: ['tmp', 'tmp/gfr', 'tmpgfr', 'trp', 'riassorbimento tubulare', 'tubular reabsorption', 'tubular maximum', 'gfr'],
  paediatric: ['bambino', 'bambina', 'bambini', 'pediatrico', 'pediatrica', 'pediatrici', 'pediatria', 'paediatric', 'pediatric', 'paediatrics', 'pediatrics', 'child', 'children', 'kid', 'kids', 'infant', 'neonato', 'neonata', 'lattante', 'adolescente', 'adolescent', 'ragazzo', 'ragazza', 'ragazzino', 'ragazzina', 'toddler', 'baby', 'figlio', 'figlia', 'minore', 'teenager', 'boy', 'girl', 'eta pediatrica'],
  /** Instructions to the assistant itself (prompt injection): nothing of the PDTA answers them. */
  meta: ['prompt', 'system prompt', 'developer mode', 'modalita sviluppatore', 'jailbreak', 'ignore previous', 'ignore all previous', 'ignore the previous', 'ignora le istruzioni', 'ignora tutte le istruzioni', 'istruzioni precedenti', 'previous instructions', 'hidden instructions', 'act as', 'pretend to be', 'fingi di essere', 'comportati come', 'system:'],
  adult: ['adulto', 'adulta', 'adulti', 'adult', 'adults', 'grown-up', 'maggiorenne', 'anziano', 'anziana', 'elderly', 'uomo', 'donna', 'man', 'woman'],
} as const;

export type CueKind = keyof typeof CUES;

/** Which cue kinds a token sequence contains (multi-word cues matched as phrases). */
/** One-word cues by word, looked up per token; cues of several words are matched as phrases. */
const WORD_CUES = new Map<string, CueKind[]>();
const PHRASE_CUES: Array<[CueKind, string]> = [];
for (const [kind, words] of Object.entries(CUES) as Array<[CueKind, readonly string[]]>) {
  for (const word of words) {
    if (word.includes(' ')) PHRASE_CUES.push([kind, ` ${word} `]);
    else WORD_CUES.set(word, [...(WORD_CUES.get(word) ?? []), kind]);
  }
}

export function findCues(tokens: readonly string[]): Set<CueKind> {
  const found = new Set<CueKind>();
  for (const token of tokens) {
    const kinds = WORD_CUES.get(token);
    if (kinds) for (const kind of kinds) found.add(kind);
  }
  const text = ` ${tokens.join(' ')} `;
  for (const [kind, phrase] of PHRASE_CUES) if (!found.has(kind) && text.includes(phrase)) found.add(kind);
  return found;
}
