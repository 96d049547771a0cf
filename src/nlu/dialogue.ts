/**
 * The short replies of a dialogue, in Italian and English: yes / no / don't know, high / normal,
 * adult / child, a gene, where a mass is, and the commands (next, back, repeat, summary, restart,
 * exit, menu, help). Read with the same normalisation and typo tolerance as the rest of the NLU
 * ("avanit", "riepilgo", "tendinee"), so that a reply typed in a hurry on a phone still counts.
 *
 * Reading is not deciding: the engine (src/engine/interpret.ts) decides, from the state the
 * conversation is in, whether a reply answers the question or starts a new one.
 */
import type { Lang } from '../reply/model.js';
import type { GeneticFinding, LocationAnswer, Population } from '../../machines/context.js';
import { CUES } from './cues.js';
import { Gazetteer, tokenizeEntries, type GazetteerEntry } from './gazetteer.js';
import { fold, normalize } from './normalize.js';
import { isStopword } from './stem.js';

export type DialogueCommand = 'next' | 'back' | 'repeat' | 'summary' | 'restart' | 'exit' | 'menu' | 'help';
export type DialogueStart = 'walkthrough' | 'differential';
/** What a finding or a Table I question is about, when the message names it. */
export type DialogueTopic = 'phosphate' | 'ckd' | 'masses' | 'genetics' | 'connective' | 'erosion' | 'urate' | 'location';
export type Level = 'high' | 'normal' | 'low';

export type PlainValue =
  | { kind: 'yes' }
  | { kind: 'no' }
  | { kind: 'unknown' }
  | { kind: 'level'; level: Level }
  | { kind: 'gene'; gene: Exclude<GeneticFinding, 'negative' | 'unknown'> }
  | { kind: 'location'; location: LocationAnswer };

/**
 * A value and what was said of it: "non è alto" is { not: high }, which is neither high nor, by
 * itself, normal. What a negated value records depends on the question (src/engine/interpret.ts).
 */
export type DialogueValue = PlainValue | { kind: 'not'; value: PlainValue };

export type DialogueMeaning =
  | { kind: 'command'; command: DialogueCommand }
  | { kind: 'start'; start: DialogueStart }
  | { kind: 'topic'; topic: DialogueTopic }
  | { kind: 'value'; value: DialogueValue }
  /** A word that names a topic and its value at once ("iperfosforemia", "dermatomiosite", "FGF23", "intratendineo"). */
  | { kind: 'finding'; topic: DialogueTopic; value: DialogueValue }
  | { kind: 'population'; population: Population }
  /** A question with an answer of its own in the conversation layer ("what is due when?"). */
  | { kind: 'lookup'; lookup: 'schedule' };

interface Phrase {
  meaning: DialogueMeaning;
  lang: Lang | null;
  phrases: readonly string[];
}

const cmd = (command: DialogueCommand): DialogueMeaning => ({ kind: 'command', command });
const topic = (t: DialogueTopic): DialogueMeaning => ({ kind: 'topic', topic: t });
const value = (v: DialogueValue): DialogueMeaning => ({ kind: 'value', value: v });
const finding = (t: DialogueTopic, v: DialogueValue): DialogueMeaning => ({ kind: 'finding', topic: t, value: v });
const gene = (g: Exclude<GeneticFinding, 'negative' | 'unknown'>): DialogueMeaning => finding('genetics', { kind: 'gene', gene: g });
const place = (l: LocationAnswer): DialogueMeaning => finding('location', { kind: 'location', location: l });

const PHRASES: readonly Phrase[] = [
  { meaning: cmd('next'), lang: 'it', phrases: ['avanti', 'prossimo', 'prossimo step', 'step successivo', 'passo successivo', 'successivo', 'continua', 'continuiamo', 'procedi', 'vai avanti', 'andiamo avanti', 'prosegui', 'proseguiamo'] },
  { meaning: cmd('next'), lang: 'en', phrases: ['next', 'next step', 'continue', 'go on', 'proceed', 'forward', 'move on'] },
  { meaning: cmd('back'), lang: 'it', phrases: ['indietro', 'torna indietro', 'precedente', 'step precedente', 'passo precedente', 'torna'] },
  { meaning: cmd('back'), lang: 'en', phrases: ['back', 'go back', 'previous', 'previous step'] },
  { meaning: cmd('repeat'), lang: 'it', phrases: ['ripeti', 'ripetere', 'ripetimi', 'di nuovo', 'rimostra'] },
  { meaning: cmd('repeat'), lang: 'en', phrases: ['repeat', 'again', 'say again', 'show again', 'repeat that'] },
  { meaning: cmd('summary'), lang: 'it', phrases: ['riepilogo', 'riassunto', 'sommario', 'riepiloga', 'riassumi', 'reperti registrati', 'cosa abbiamo registrato'] },
  { meaning: cmd('summary'), lang: 'en', phrases: ['summary', 'recap', 'summarise', 'summarize', 'what have we recorded', 'recorded findings'] },
  { meaning: cmd('restart'), lang: 'it', phrases: ['ricomincia', 'ricominciare', 'ricominciamo', 'da capo', 'riparti', 'ripartire', 'azzera'] },
  { meaning: cmd('restart'), lang: 'en', phrases: ['restart', 'start over', 'start again', 'begin again', 'reset'] },
  { meaning: cmd('exit'), lang: 'it', phrases: ['esci', 'uscire', 'basta', 'annulla', 'chiudi', 'termina', 'fine', 'interrompi'] },
  { meaning: cmd('exit'), lang: 'en', phrases: ['exit', 'quit', 'cancel', 'stop', 'close', 'end', 'leave'] },
  { meaning: cmd('menu'), lang: null, phrases: ['menu', 'menu principale', 'main menu'] },
  { meaning: cmd('help'), lang: 'it', phrases: ['aiuto', 'come funziona', 'cosa posso scrivere', 'cosa posso rispondere', 'istruzioni'] },
  { meaning: cmd('help'), lang: 'en', phrases: ['help', 'how does this work', 'what can i type', 'what can i answer', 'instructions'] },

  { meaning: { kind: 'start', start: 'walkthrough' }, lang: 'it', phrases: ['percorso guidato', 'percorso diagnostico guidato', 'algoritmo guidato', 'guidami nel percorso', 'guidami', 'guidarmi', 'accompagnami', 'step guidati', 'passo passo'] },
  { meaning: { kind: 'start', start: 'walkthrough' }, lang: 'en', phrases: ['guided pathway', 'walkthrough', 'walk through', 'walk me through', 'take me through', 'guide me through', 'go through', 'run through', 'step through', 'talk me through', 'guided walkthrough', 'pathway walkthrough', 'guide me', 'guided steps', 'step by step'] },
  { meaning: { kind: 'start', start: 'differential' }, lang: 'it', phrases: ['diagnosi differenziale guidata', 'differenziale guidata', 'diagnosi differenziale passo passo', 'differenziale passo passo'] },
  { meaning: { kind: 'start', start: 'differential' }, lang: 'en', phrases: ['guided differential', 'guided differential diagnosis', 'differential step by step', 'differential diagnosis step by step'] },

  { meaning: { kind: 'lookup', lookup: 'schedule' }, lang: 'it', phrases: ['cosa e dovuto quando', 'cosa va fatto e quando', 'cosa va fatto quando', 'scadenze', 'scadenzario', 'calendario', 'calendario dei controlli', 'cosa scade', 'cosa e in scadenza', 'quando sono dovuti i controlli'] },
  { meaning: { kind: 'lookup', lookup: 'schedule' }, lang: 'en', phrases: ['what is due when', 'what is due', 'whats due', 'due dates', 'schedule', 'follow up schedule', 'what is due and when', 'calendar'] },

  { meaning: value({ kind: 'yes' }), lang: 'it', phrases: ['si', 'certo', 'esatto', 'presente', 'presenti', 'positivo', 'positiva', 'confermato', 'confermata', 'affermativo'] },
  { meaning: value({ kind: 'yes' }), lang: 'en', phrases: ['yes', 'yeah', 'yep', 'y', 'present', 'positive', 'confirmed'] },
  { meaning: value({ kind: 'no' }), lang: null, phrases: ['no', 'wild type', 'wildtype'] },
  { meaning: value({ kind: 'no' }), lang: 'it', phrases: ['non ha', 'non ci sono', 'non c e', 'non ce', 'non presente', 'non presenti', 'niente', 'nessuna', 'nessun', 'nessuno', 'assente', 'assenti', 'senza', 'negativo', 'negativa', 'negativi', 'negative', 'escluso', 'esclusa', 'esclusi', 'escluse', 'assenza', 'assenza di', 'mancanza di', 'nessuna evidenza di', 'non evidenza di', 'escludo', 'non mutato', 'non mutata'] },
  { meaning: value({ kind: 'no' }), lang: 'en', phrases: ['none', 'absent', 'without', 'negative', 'nope', 'n', 'ruled out', 'has no', 'does not have', 'not present', 'absence of', 'no evidence of', 'no sign of', 'no signs of', 'free of', 'not mutated'] },
  { meaning: value({ kind: 'unknown' }), lang: 'it', phrases: ['non so', 'non lo so', 'boh', 'non noto', 'non nota', 'sconosciuto', 'non disponibile', 'non ancora', 'salta', 'non saprei', 'in attesa', 'da fare', 'non fatto', 'non eseguito', 'non ricordo', 'non mi ricordo', 'non sono sicuro', 'non sono sicura', 'non sicuro', 'non certo', 'non chiaro'] },
  { meaning: value({ kind: 'unknown' }), lang: 'en', phrases: ['don t know', 'dont know', 'do not know', 'unknown', 'not known', 'skip', 'not sure', 'no idea', 'pending', 'not available', 'not done', 'n a', 'don t remember', 'do not remember', 'can t remember', 'not certain', 'unclear'] },

  { meaning: value({ kind: 'level', level: 'high' }), lang: 'it', phrases: ['alto', 'alta', 'elevato', 'elevata', 'aumentato', 'aumentata', 'sopra la norma', 'sopra il range', 'oltre la norma'] },
  { meaning: value({ kind: 'level', level: 'high' }), lang: 'en', phrases: ['high', 'raised', 'elevated', 'increased', 'above range', 'above normal'] },
  { meaning: value({ kind: 'level', level: 'normal' }), lang: 'it', phrases: ['normale', 'nella norma', 'nei limiti', 'nei limiti della norma', 'nel range', 'regolare'] },
  { meaning: value({ kind: 'level', level: 'normal' }), lang: 'en', phrases: ['normal', 'within range', 'in range', 'within normal limits', 'wnl'] },
  { meaning: value({ kind: 'level', level: 'low' }), lang: 'it', phrases: ['basso', 'bassa', 'ridotto', 'ridotta', 'diminuito', 'diminuita'] },
  { meaning: value({ kind: 'level', level: 'low' }), lang: 'en', phrases: ['low', 'reduced', 'decreased'] },

  { meaning: finding('phosphate', { kind: 'level', level: 'high' }), lang: 'it', phrases: ['iperfosforemia', 'iperfosfatemia'] },
  { meaning: finding('phosphate', { kind: 'level', level: 'high' }), lang: 'en', phrases: ['hyperphosphataemia', 'hyperphosphatemia'] },
  { meaning: finding('phosphate', { kind: 'level', level: 'normal' }), lang: 'it', phrases: ['normofosforemia', 'normofosfatemia'] },
  { meaning: finding('phosphate', { kind: 'level', level: 'normal' }), lang: 'en', phrases: ['normophosphataemia', 'normophosphatemia'] },
  { meaning: finding('phosphate', { kind: 'level', level: 'low' }), lang: 'it', phrases: ['ipofosforemia', 'ipofosfatemia'] },
  { meaning: finding('phosphate', { kind: 'level', level: 'low' }), lang: 'en', phrases: ['hypophosphataemia', 'hypophosphatemia'] },

  { meaning: topic('phosphate'), lang: 'it', phrases: ['fosforo', 'fosfato', 'fosforemia', 'fosfatemia', 'fosforo sierico', 'fosfato sierico', 'fosforo a digiuno', 'fosfato a digiuno', 'fosfato sierico a digiuno'] },
  { meaning: topic('phosphate'), lang: 'en', phrases: ['phosphate', 'phosphorus', 'serum phosphate', 'serum phosphorus', 'fasting phosphate', 'fasting serum phosphate', 'po4'] },
  { meaning: topic('ckd'), lang: 'it', phrases: ['insufficienza renale', 'insufficienza renale cronica', 'malattia renale cronica', 'malattia renale', 'nefropatia cronica', 'nefropatia'] },
  { meaning: topic('ckd'), lang: 'en', phrases: ['chronic kidney disease', 'kidney disease', 'renal failure', 'chronic renal failure', 'renal insufficiency', 'kidney failure'] },
  { meaning: topic('ckd'), lang: null, phrases: ['ckd'] },
  { meaning: topic('masses'), lang: 'it', phrases: ['masse', 'massa', 'masse calcifiche', 'massa calcifica', 'masse calcificate', 'masse extrascheletriche', 'calcificazioni extrascheletriche', 'tumefazioni', 'calcificazioni'] },
  { meaning: topic('masses'), lang: 'en', phrases: ['masses', 'mass', 'calcific masses', 'calcified masses', 'extraskeletal masses', 'calcifications', 'calcific mass'] },
  { meaning: topic('genetics'), lang: 'it', phrases: ['genetica', 'analisi genetica', 'test genetico', 'esame genetico', 'risultato genetico', 'mutazione', 'mutazioni'] },
  { meaning: topic('genetics'), lang: 'en', phrases: ['genetics', 'genetic test', 'genetic analysis', 'genetic result', 'mutation', 'mutations'] },
  { meaning: gene('fgf23'), lang: null, phrases: ['fgf23', 'fgf 23'] },
  // The diagram writes GANS1 and SMAD9 where the text has GALNT3 and SAMD9 (caution.gene-names-diagram).
  { meaning: gene('galnt3'), lang: null, phrases: ['galnt3', 'gans1'] },
  { meaning: gene('klotho'), lang: null, phrases: ['klotho'] },
  { meaning: gene('samd9'), lang: null, phrases: ['samd9', 'smad9'] },
  { meaning: topic('connective'), lang: 'it', phrases: ['malattia del connettivo', 'malattie del connettivo', 'connettivite', 'connettivo', 'collagenopatia'] },
  { meaning: topic('connective'), lang: 'en', phrases: ['connective tissue disease', 'connective tissue', 'collagen disease'] },
  { meaning: finding('connective', { kind: 'yes' }), lang: 'it', phrases: ['dermatomiosite', 'sclerosi sistemica', 'sclerodermia', 'lupus', 'polimiosite'] },
  { meaning: finding('connective', { kind: 'yes' }), lang: 'en', phrases: ['dermatomyositis', 'systemic sclerosis', 'scleroderma', 'lupus', 'polymyositis'] },
  { meaning: topic('erosion'), lang: 'it', phrases: ['erosione', 'erosioni', 'erosione ossea', 'erosioni ossee', 'distruzione ossea'] },
  { meaning: topic('erosion'), lang: 'en', phrases: ['erosion', 'erosions', 'bone erosion', 'bone erosions', 'bone destruction'] },
  { meaning: topic('urate'), lang: 'it', phrases: ['urato', 'urati', 'cristalli di urato', 'cristalli di urati', 'cristalli'] },
  { meaning: topic('urate'), lang: 'en', phrases: ['urate', 'urates', 'urate crystals', 'crystals', 'monosodium urate'] },
  { meaning: topic('location'), lang: 'it', phrases: ['sede', 'dove', 'localizzazione'] },
  { meaning: topic('location'), lang: 'en', phrases: ['where', 'location', 'site'] },
  { meaning: place('periarticular'), lang: 'it', phrases: ['periarticolare', 'periarticolari', 'intorno all articolazione', 'vicino all articolazione', 'attorno all articolazione'] },
  { meaning: place('periarticular'), lang: 'en', phrases: ['periarticular', 'around the joint', 'near the joint'] },
  { meaning: place('tendon'), lang: 'it', phrases: ['tendine', 'tendini', 'dentro un tendine', 'nel tendine', 'in un tendine', 'intratendineo', 'intratendinea', 'tendinea'] },
  { meaning: place('tendon'), lang: 'en', phrases: ['tendon', 'in a tendon', 'inside a tendon', 'within a tendon', 'intratendinous'] },
  { meaning: place('muscle'), lang: 'it', phrases: ['muscolo', 'muscoli', 'dentro un muscolo', 'nel muscolo', 'in un muscolo', 'intramuscolare', 'muscolare'] },
  { meaning: place('muscle'), lang: 'en', phrases: ['muscle', 'in a muscle', 'inside a muscle', 'within a muscle', 'intramuscular'] },
  { meaning: place('synovium'), lang: 'it', phrases: ['sinovia', 'sinoviale', 'intrasinoviale', 'nella sinovia', 'dentro la sinovia', 'membrana sinoviale'] },
  { meaning: place('synovium'), lang: 'en', phrases: ['synovium', 'synovial', 'intrasynovial', 'in the synovium', 'inside the synovium', 'within the synovium'] },
  { meaning: place('skin-subcutaneous'), lang: 'it', phrases: ['cute', 'cutanea', 'cutaneo', 'sottocute', 'sottocutanea', 'sottocutaneo', 'sottocutanee', 'pelle', 'cute e sottocute'] },
  { meaning: place('skin-subcutaneous'), lang: 'en', phrases: ['skin', 'subcutaneous', 'subcutis', 'cutaneous', 'dermal'] },

  { meaning: { kind: 'population', population: 'adult' }, lang: null, phrases: CUES.adult },
  { meaning: { kind: 'population', population: 'paediatric' }, lang: null, phrases: CUES.paediatric },
];

/**
 * Words that carry no answer but often come with one ("il paziente ha il fosforo alto", "direi di
 * no", "the mass is inside a tendon"). Stopwords are filler too.
 */
const FILLERS = new Set(
  ('t s re ve ll d m ok okay allora beh bene direi credo penso sembra risulta risultato esito valore valori presenza ' +
    'paziente patient pazienti patients ha hanno c e sono è mostra mostrano immagini imaging rx radiografia ' +
    'vai passa passiamo andiamo voglio vorrei fammi mostrami dimmi fai facciamo avvia avviare avviamo inizia iniziare iniziamo comincia cominciamo partiamo apri ' +
    'please let lets us go to start begin open run show want would like has have there found trovato trovata trovati ' +
    'trovate shows showed seems result value level livello livelli lo lui lei it he she').split(' '),
);

const meanings: DialogueMeaning[] = [];
const entries: GazetteerEntry[] = [];
for (const p of PHRASES) {
  const id = String(meanings.length);
  meanings.push(p.meaning);
  for (const phrase of p.phrases) entries.push({ id, kind: p.lang ?? 'any', phrase });
}
const gazetteer = new Gazetteer(tokenizeEntries(entries));

export interface DialogueMatch {
  meaning: DialogueMeaning;
  lang: Lang | null;
  /** Token positions [start, end), as normalize() tokenises the message. */
  start: number;
  end: number;
}

export interface DialogueReading {
  tokens: string[];
  matches: DialogueMatch[];
  /** Positions of tokens that no dialogue phrase, filler or stopword explains. */
  unexplained: number[];
  /** The language the dialogue words are in, when they say (a bare "no" or "18 kg" does not). */
  lang: Lang | null;
}

/**
 * Words that turn what follows round ("non è alto", "isn't inside a tendon", "not KLOTHO") when no
 * phrase of their own takes them in ("non so", "non ha", "not present" are phrases).
 */
const NEGATORS = new Set(['non', 'not', 'isn', 'aren', 'doesn', 'didn', 'wasn', 'weren', 'hasn', 'haven', 'never', 'mai', 'neither', 'nor']);
/** A "no" phrase that, right before a finding, negates it ("no tendine", "senza iperfosforemia"). */
const NEGATING_PREFIXES = new Set(['no', 'senza', 'without', 'nessun', 'nessuna', 'nessuno', 'non', 'not', 'negativo', 'negativa', 'negative', 'assente', 'absent', 'assenza', 'absence', 'mancanza', 'free', 'escludo']);
/** Words that start a new clause, as punctuation does: what was negated before them is not after. */
const CLAUSE_WORDS = new Set(['ma', 'but', 'bensi', 'pero', 'however', 'piuttosto', 'rather', 'instead', 'invece', 'anzi']);

/** Clause number of each token: punctuation and contrast words ("ma", "but") start a new one. */
const CLAUSE_BREAK = /,(?!\d)|[;:!?()\n]|\.(?=\s|$)/;

function clausesOf(message: string, tokens: readonly string[]): number[] {
  const parts = CLAUSE_BREAK.test(message) ? message.split(new RegExp(CLAUSE_BREAK, 'g')) : [message];
  if (parts.length === 1) {
    let shift = 0;
    return tokens.map((token) => (CLAUSE_WORDS.has(token) ? (shift += 1) : shift));
  }
  const clause: number[] = [];
  parts.forEach((part, i) => {
    for (const _ of normalize(part).tokens) clause.push(i * 2);
  });
  // Abbreviations can join across a break ("e.v."); then the message is read as one clause.
  const base = clause.length === tokens.length ? clause : tokens.map(() => 0);
  let shift = 0;
  return tokens.map((token, i) => {
    if (CLAUSE_WORDS.has(token)) shift += 1;
    return base[i]! + shift;
  });
}

function negate(meaning: DialogueMeaning): DialogueMeaning | null {
  const flip = (v: DialogueValue): DialogueValue => (v.kind === 'not' ? v.value : { kind: 'not', value: v });
  switch (meaning.kind) {
    case 'value':
      return meaning.value.kind === 'unknown' ? meaning : { kind: 'value', value: flip(meaning.value) };
    case 'finding':
      return meaning.value.kind === 'unknown' ? meaning : { kind: 'finding', topic: meaning.topic, value: flip(meaning.value) };
    case 'topic':
      // "non insufficienza renale", "not kidney disease".
      return { kind: 'finding', topic: meaning.topic, value: { kind: 'no' } };
    case 'command':
    case 'start':
    case 'population':
    case 'lookup':
      return null;
    default: {
      const never: never = meaning;
      return never;
    }
  }
}

const isNo = (m: DialogueMeaning) => m.kind === 'value' && m.value.kind === 'no';
const isYes = (m: DialogueMeaning) => m.kind === 'value' && m.value.kind === 'yes';

/**
 * Negation folded into the matches: a negator (or a "no" phrase right before a finding) turns the
 * next answer word of its clause round; "assente", "negativo" right after a finding turn it round
 * too, and "positivo" after one only confirms it. Both words then count as one match.
 */
function foldNegation(matches: DialogueMatch[], tokens: readonly string[], clause: readonly number[]): DialogueMatch[] {
  const covered = new Array<boolean>(tokens.length).fill(false);
  for (const m of matches) for (let i = m.start; i < m.end; i += 1) covered[i] = true;
  const out: DialogueMatch[] = [];
  for (let k = 0; k < matches.length; k += 1) {
    const m = matches[k]!;
    const prev = out[out.length - 1];
    const sameClause = (a: DialogueMatch, b: DialogueMatch) => clause[a.end - 1] === clause[b.start];
    const onlyFillerBetween = (a: DialogueMatch, b: DialogueMatch) => {
      for (let i = a.end; i < b.start; i += 1) if (!isStopword(tokens[i]!) && !FILLERS.has(tokens[i]!)) return false;
      return true;
    };
    // "senza iperfosforemia", "no tendine", "nessuna erosione" (a topic after "no" is paired as before).
    if (prev && isNo(prev.meaning) && m.meaning.kind === 'finding' && sameClause(prev, m) && onlyFillerBetween(prev, m)) {
      const typed = tokens.slice(prev.start, prev.end).join(' ');
      const turned = negate(m.meaning);
      if (NEGATING_PREFIXES.has(typed.split(' ')[0]!) && turned) {
        out[out.length - 1] = { ...m, meaning: turned, start: prev.start };
        continue;
      }
    }
    // "FGF23 negativo", "tendine: no", "masse assenti" after a finding word; "FGF23 positivo" confirms it.
    if (prev && prev.meaning.kind === 'finding' && (isNo(m.meaning) || isYes(m.meaning)) && sameClause(prev, m) && onlyFillerBetween(prev, m)) {
      const turned = isNo(m.meaning) ? negate(prev.meaning) : prev.meaning;
      if (turned) {
        out[out.length - 1] = { ...prev, meaning: turned, end: m.end };
        continue;
      }
    }
    // An uncovered negator earlier in the clause, with no other match between.
    let negated = false;
    const from = prev ? prev.end : 0;
    for (let i = m.start - 1; i >= from; i -= 1) {
      if (clause[i] !== clause[m.start]) break;
      if (!covered[i] && NEGATORS.has(tokens[i]!)) {
        negated = true;
        break;
      }
    }
    const turned = negated ? negate(m.meaning) : null;
    out.push(turned ? { ...m, meaning: turned } : m);
  }
  // A negator after the last answer word of its clause, with nothing after it to negate ("FGF23
  // non mutato", "tendine? direi di no… non"): it turns that word round.
  for (let i = 0; i < tokens.length; i += 1) {
    if (covered[i] || !NEGATORS.has(tokens[i]!)) continue;
    const after = out.some((m) => m.start > i && clause[m.start] === clause[i]);
    const k = out.findLastIndex((m) => m.end <= i && clause[m.end - 1] === clause[i]);
    if (after || k < 0) continue;
    const turned = negate(out[k]!.meaning);
    if (turned && out[k]!.meaning.kind !== 'topic') out[k] = { ...out[k]!, meaning: turned, end: i + 1 };
  }
  // "no, è normale", "sì, alto": a yes or no in a clause of its own before the answer is the
  // reply to how the question was put, not a second answer.
  const [first, second] = out;
  if (first && second && (isNo(first.meaning) || isYes(first.meaning)) && clause[first.end - 1] !== clause[second.start]) {
    const v = second.meaning.kind === 'value' || second.meaning.kind === 'finding' ? second.meaning.value : null;
    if (v && (v.kind === 'level' || v.kind === 'location' || v.kind === 'gene')) out.splice(0, 2, { ...second, start: first.start });
  }
  return out;
}

export function readDialogue(message: string): DialogueReading {
  const tokens = normalize(message).tokens;
  const found = gazetteer.find(tokens);
  const raw: DialogueMatch[] = found.map((m) => ({
    meaning: meanings[Number(m.id)]!,
    lang: m.kind === 'it' || m.kind === 'en' ? m.kind : null,
    start: m.start,
    end: m.end,
  }));
  const matches = foldNegation(raw, tokens, clausesOf(fold(message), tokens));
  const covered = new Array<boolean>(tokens.length).fill(false);
  for (const m of matches) for (let i = m.start; i < m.end; i += 1) covered[i] = true;
  const unexplained: number[] = [];
  tokens.forEach((token, i) => {
    if (!covered[i] && !isStopword(token) && !FILLERS.has(token) && !NEGATORS.has(token) && !CLAUSE_WORDS.has(token)) unexplained.push(i);
  });
  // Only words typed exactly say the language: "salts" read as "salta" (skip) is not Italian.
  let it = 0;
  let en = 0;
  for (const m of found) {
    if (m.edits > 0) continue;
    if (m.kind === 'it') it += 1;
    if (m.kind === 'en') en += 1;
  }
  return { tokens, matches, unexplained, lang: it > en ? 'it' : en > it ? 'en' : null };
}

/** The single command a message is, when it is nothing else ("avanti", "torna indietro", "riepilogo"). */
export function commandOf(reading: DialogueReading): DialogueCommand | null {
  if (reading.unexplained.length > 0 || reading.matches.length !== 1) return null;
  const only = reading.matches[0]!.meaning;
  return only.kind === 'command' ? only.command : null;
}

/** What the walkthrough is called when a message asks to start it ("avvia il percorso diagnostico"). */
const PATHWAY_WORDS = new Set(['percorso', 'percorsi', 'pathway', 'algoritmo', 'algorithm', 'diagnostico', 'diagnostica', 'diagnostic', 'pdta', 'step', 'steps']);
/** Verbs that ask for it to begin ("avvia", "inizia", "start"): with only pathway words, a request to start it. */
const START_VERBS = new Set(['avvia', 'avviare', 'avviamo', 'inizia', 'iniziare', 'iniziamo', 'comincia', 'cominciamo', 'partiamo', 'apri', 'start', 'begin', 'open', 'run']);

/** The dialogue a message asks to start, when it asks nothing else. */
export function startOf(reading: DialogueReading): DialogueStart | null {
  const pathwayOnly = reading.unexplained.every((i) => PATHWAY_WORDS.has(reading.tokens[i]!));
  if (pathwayOnly && reading.matches.length === 0 && reading.unexplained.length > 0 && reading.tokens.some((t) => START_VERBS.has(t))) return 'walkthrough';
  if (reading.unexplained.length > 0 && !(pathwayOnly && reading.matches.some((m) => m.meaning.kind === 'start' && m.meaning.start === 'walkthrough'))) return null;
  const starts = new Set(reading.matches.flatMap((m) => (m.meaning.kind === 'start' ? [m.meaning.start] : [])));
  if (starts.size !== 1 || reading.matches.some((m) => m.meaning.kind !== 'start' && m.meaning.kind !== 'command')) return null;
  return [...starts][0]!;
}

export interface Pair {
  /** Null when the message gives only the value ("sì", "alto"): it answers the pending question. */
  topic: DialogueTopic | null;
  value: DialogueValue;
}

export type Pairing = { ok: true; pairs: Pair[] } | { ok: false; reason: 'conflict' | 'incomplete' };

/**
 * Values joined to the topics they answer, in the way clinicians write them: "fosforo alto",
 * "IRC no", "no insufficienza renale", "masse: sì", "fosforo alto, IRC no, masse sì". A topic with
 * no value ("insufficienza renale?") is incomplete; two values for one topic are a conflict, except
 * "non è X ma Y", where what it is wins over what it is not ("non alto ma normale", "not KLOTHO
 * but GALNT3"); "non è X ma X" is a conflict.
 */
export function pairFindings(reading: DialogueReading): Pairing {
  const pairs: Pair[] = [];
  let openTopic: DialogueTopic | null = null;
  let heldValue: DialogueValue | null = null;
  let unanswered = false;
  // The topic a negated value was just given for: "fosforo non alto ma normale" gives "normale" to it.
  let negatedTopic: { topic: DialogueTopic | null; value: PlainValue } | null = null;
  for (const m of reading.matches) {
    const meaning = m.meaning;
    switch (meaning.kind) {
      case 'finding':
        pairs.push({ topic: meaning.topic, value: meaning.value });
        negatedTopic = meaning.value.kind === 'not' ? { topic: meaning.topic, value: meaning.value.value } : null;
        break;
      case 'topic':
        if (openTopic !== null) unanswered = true;
        if (heldValue !== null) {
          pairs.push({ topic: meaning.topic, value: heldValue });
          heldValue = null;
          openTopic = null;
        } else {
          openTopic = meaning.topic;
        }
        break;
      case 'value': {
        const v = meaning.value;
        if (openTopic !== null) {
          pairs.push({ topic: openTopic, value: v });
          negatedTopic = v.kind === 'not' ? { topic: openTopic, value: v.value } : null;
          openTopic = null;
        } else if (negatedTopic !== null && v.kind !== 'not' && v.kind === negatedTopic.value.kind) {
          pairs.push({ topic: negatedTopic.topic, value: v });
          negatedTopic = null;
        } else if (heldValue !== null) {
          if (!sameValue(heldValue, v)) return { ok: false, reason: 'conflict' };
        } else {
          heldValue = v;
          negatedTopic = v.kind === 'not' ? { topic: null, value: v.value } : null;
        }
        break;
      }
      case 'command':
      case 'start':
      case 'population':
      case 'lookup':
        break;
      default: {
        const never: never = meaning;
        return never;
      }
    }
  }
  if (openTopic !== null) unanswered = true;
  if (heldValue !== null) pairs.push({ topic: null, value: heldValue });
  if (unanswered && pairs.length === 0) return { ok: false, reason: 'incomplete' };
  const merged = new Map<string, Pair>();
  for (const p of pairs) {
    const key = p.topic ?? '(pending)';
    const before = merged.get(key);
    if (!before || sameValue(before.value, p.value)) {
      merged.set(key, p);
      continue;
    }
    const positive = before.value.kind === 'not' ? p : p.value.kind === 'not' ? before : null;
    const negative = before.value.kind === 'not' ? before : p.value.kind === 'not' ? p : null;
    if (!positive || !negative || negative.value.kind !== 'not' || sameValue(negative.value.value, positive.value)) return { ok: false, reason: 'conflict' };
    merged.set(key, positive);
  }
  return { ok: true, pairs: [...merged.values()] };
}

function sameValue(a: DialogueValue, b: DialogueValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The population a message names through dialogue words ("adulto", "bimbo", "child"), if exactly one. */
export function populationOf(reading: DialogueReading): Population | 'conflicting' | null {
  const found = new Set<Population>();
  for (const m of reading.matches) if (m.meaning.kind === 'population') found.add(m.meaning.population);
  if (found.size > 1) return 'conflicting';
  const [only] = [...found];
  return only ?? null;
}

/** The conversation's own lookup a message asks for, when it asks nothing else. */
export function lookupOf(reading: DialogueReading): 'schedule' | null {
  if (reading.unexplained.length > 1) return null;
  const only = reading.matches.find((m) => m.meaning.kind === 'lookup');
  return only && only.meaning.kind === 'lookup' ? only.meaning.lookup : null;
}

/** Button numbers as typed: "2", "[2]", "2.", "2)". */
export function buttonNumber(message: string): number | null {
  const m = /^\s*\[?\s*(\d{1,2})\s*[\].)]?\s*$/.exec(message);
  return m ? Number(m[1]) : null;
}
