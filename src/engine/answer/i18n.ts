/**
 * The assistant's own words (labels, questions back, menu), in Italian and English. Clinical words
 * never live here: they come from content/.
 */
import type { Lang } from '../../reply/model.js';

const MESSAGES = {
  dose: { it: 'Dose', en: 'Dose' },
  adult: { it: 'Adulto', en: 'Adult' },
  paediatric: { it: 'Pediatrico', en: 'Paediatric' },
  pdtaWording: { it: 'Testo del PDTA', en: 'PDTA wording' },
  rule: { it: 'Regola', en: 'Rule' },
  weightUsed: { it: 'Peso usato', en: 'Weight used' },
  computedDose: { it: 'Dose calcolata', en: 'Computed dose' },
  frequency: { it: 'Frequenza', en: 'Frequency' },
  route: { it: 'Via', en: 'Route' },
  startCriteria: { it: 'Criteri per iniziare', en: 'Criteria to start' },
  stopCriteria: { it: 'Criteri per terminare', en: 'Criteria to stop' },
  notStated: { it: 'non indicato dal PDTA', en: 'not stated by the PDTA' },
  noneStated: { it: 'nessuno indicato dal PDTA', en: 'none stated by the PDTA' },
  everyMonths: { it: 'ogni {n} mesi', en: 'every {n} months' },
  everyYear: { it: 'ogni anno', en: 'every year' },
  routeIv: { it: 'endovenosa (e.v.)', en: 'intravenous (i.v.)' },
  routeOral: { it: 'orale', en: 'oral' },
  routeUnspecified: { it: 'non indicata dal PDTA', en: 'not stated by the PDTA' },
  notRecommended: { it: 'Non raccomandato dal PDTA', en: 'Not recommended by the PDTA' },
  noDose: { it: 'Il PDTA nomina questa terapia ma non ne indica alcun dosaggio.', en: 'The PDTA names this therapy but gives no dose for it.' },
  populationUnstated: { it: 'Dose indicata dal PDTA (popolazione non specificata)', en: 'Dose given by the PDTA (population not stated)' },
  exceedsAdult: {
    it: 'La dose calcolata ({dose} mg) supera la dose adulta indicata dal PDTA ({adult} mg): verificare.',
    en: 'The computed dose ({dose} mg) exceeds the adult dose given by the PDTA ({adult} mg): check.',
  },
  weightConverted: { it: 'Peso convertito: {from} {unit} = {kg} kg.', en: 'Weight converted: {from} {unit} = {kg} kg.' },
  weightAssumedKg: { it: 'Peso letto come {kg} kg (unità non indicata).', en: 'Weight read as {kg} kg (no unit given).' },
  frequencyNotStated: {
    it: 'Il PDTA non indica frequenza né via di somministrazione per questa dose.',
    en: 'The PDTA states neither frequency nor route for this dose.',
  },
  adultNotInMg: {
    it: 'La dose adulta del PDTA non è espressa in mg: il confronto con la dose calcolata non è possibile.',
    en: 'The PDTA’s adult dose is not given in mg: the computed dose cannot be compared with it.',
  },
  askWeight: { it: 'Quanto pesa il paziente (in kg)? La dose pediatrica è {rule}.', en: 'What does the patient weigh (in kg)? The paediatric dose is {rule}.' },
  askPopulation: { it: 'Adulto o pediatrico?', en: 'Adult or paediatric?' },
  populationConflict: {
    it: 'Il messaggio indica sia un adulto sia un paziente pediatrico: quale dei due?',
    en: 'The message points to both an adult and a paediatric patient: which one?',
  },
  weightRefused: {
    it: 'Non posso calcolare una dose con un peso di {value} {unit}: {why}. Qual è il peso del paziente in kg?',
    en: 'I cannot compute a dose from a weight of {value} {unit}: {why}. What is the patient’s weight in kg?',
  },
  'why.not-positive': { it: 'il peso deve essere maggiore di zero', en: 'the weight must be above zero' },
  'why.not-a-number': { it: 'non è un numero leggibile', en: 'it is not a readable number' },
  'why.below-human-range': { it: 'è al di sotto di qualunque peso umano (minimo 0,3 kg)', en: 'it is below any human weight (minimum 0.3 kg)' },
  'why.above-human-range': { it: 'è al di sopra di qualunque peso umano (massimo 300 kg)', en: 'it is above any human weight (maximum 300 kg)' },
  'why.implausible-for-child': { it: 'non è plausibile per un paziente pediatrico (oltre 150 kg)', en: 'it is not plausible for a paediatric patient (over 150 kg)' },
  'why.unknown-unit': { it: 'unità non riconosciuta', en: 'unit not recognised' },
  multipleWeights: { it: 'Il messaggio contiene più pesi ({list}): quale usare?', en: 'The message contains several weights ({list}): which one should I use?' },
  notCoveredTitle: { it: 'Non trattato da questo PDTA', en: 'Not covered by this PDTA' },
  notCoveredBody: {
    it: '«{name}» non è trattato dal PDTA Calcinosi Tumorale (RCO230): non posso indicarne dosi o indicazioni.',
    en: '“{name}” is not covered by the PDTA for tumoral calcinosis (RCO230): I cannot give doses or indications for it.',
  },
  notCoveredWhat: {
    it: 'Il PDTA tratta queste terapie: {list}.',
    en: 'The PDTA covers these therapies: {list}.',
  },
  notCoveredTests: { it: 'Per gli esami, vedi i pannelli di laboratorio e la diagnostica strumentale del PDTA.', en: 'For tests, see the PDTA’s laboratory panels and imaging.' },
  notCoveredConditions: { it: 'Per le condizioni, vedi la Tabella I (diagnosi differenziale).', en: 'For conditions, see Table I (differential diagnosis).' },
  fallbackTitle: { it: 'Non ho trovato la risposta nel PDTA', en: 'I could not find this in the PDTA' },
  fallbackBody: {
    it: 'Non ho riconosciuto la domanda nel PDTA Calcinosi Tumorale (RCO230). Posso rispondere su dosi delle terapie, esami, diagnosi differenziale (Tabella I), passi dell’algoritmo, follow-up e specialisti.',
    en: 'I did not recognise this question in the PDTA for tumoral calcinosis (RCO230). I can answer on therapy doses, tests, differential diagnosis (Table I), the steps of the algorithm, follow-up and specialists.',
  },
  truncated: { it: 'Il messaggio era molto lungo: ho letto solo i primi {n} caratteri.', en: 'The message was very long: I read only its first {n} characters.' },
  menuTitle: { it: 'PDTA Calcinosi Tumorale (RCO230)', en: 'PDTA for tumoral calcinosis (RCO230)' },
  menuBody: {
    it: 'Rispondo solo con il testo del PDTA, citandone la sezione. Esempi: «neridronato bambino 18 kg», «differenza con la tendinite calcifica?», «cosa prevede lo step 2?», «ogni quanto i controlli?», «TmP/GFR P sierico 1,9 mmol/L P urinario 20 mmol/L creatinina 70 µmol/L creatinuria 8 mmol/L».',
    en: 'I answer only from the PDTA’s text, citing its section. Examples: “neridronate child 18 kg”, “difference from calcific tendinitis?”, “what does step 2 involve?”, “how often is follow-up?”, “TmP/GFR serum P 1.9 mmol/L urine P 20 mmol/L serum creatinine 70 µmol/L urine creatinine 8 mmol/L”.',
  },
  greeting: { it: 'Buongiorno. Come posso aiutare con il PDTA Calcinosi Tumorale?', en: 'Hello. How can I help with the tumoral calcinosis PDTA?' },
  thanks: { it: 'Prego. Altro sul PDTA?', en: 'You are welcome. Anything else on the PDTA?' },
  emptyMessage: { it: 'Il messaggio è vuoto: scrivi una domanda sul PDTA.', en: 'The message is empty: type a question about the PDTA.' },
  'btn.menu': { it: 'Menu', en: 'Menu' },
  'btn.therapies': { it: 'Terapie', en: 'Therapies' },
  'btn.differential': { it: 'Diagnosi differenziale', en: 'Differential diagnosis' },
  'btn.step1': { it: 'Step 1', en: 'Step 1' },
  'btn.step2': { it: 'Step 2', en: 'Step 2' },
  'btn.step3': { it: 'Step 3', en: 'Step 3' },
  'btn.followup': { it: 'Follow-up', en: 'Follow-up' },
  'btn.labs': { it: 'Esami di laboratorio', en: 'Laboratory tests' },
  'btn.adultDose': { it: 'Dose adulto', en: 'Adult dose' },
  'btn.paediatricDose': { it: 'Dose pediatrica', en: 'Paediatric dose' },
  'btn.tmp': { it: 'Calcolo TmP/GFR', en: 'TmP/GFR calculation' },
  'btn.walkthrough': { it: 'Percorso guidato', en: 'Guided pathway' },
  'btn.specialists': { it: 'Specialisti', en: 'Specialists' },
  examGroup: { it: 'Gruppo', en: 'Group' },
  examSteps: { it: 'Nell’algoritmo', en: 'In the algorithm' },
  examNote: { it: 'Cosa dice il PDTA', en: 'What the PDTA says' },
  'group.panel-a': { it: 'Dati laboratoristici – esami standard e specifici (A)', en: 'Laboratory data – standard and specific tests (A)' },
  'group.panel-b': { it: 'Dati laboratoristici – altri esami solo su sospetto clinico (B)', en: 'Laboratory data – other tests only on clinical suspicion (B)' },
  'group.phosphate-workup': { it: 'Valutazione del fosfato (TmP/GFR)', en: 'Phosphate work-up (TmP/GFR)' },
  'group.imaging': { it: 'Elementi strumentali (imaging)', en: 'Imaging' },
  'group.genetics': { it: 'Elementi genetici / biologia molecolare', en: 'Genetics / molecular biology' },
  'group.histopathology': { it: 'Elementi istopatologici', en: 'Histopathology' },
  'group.non-essential': { it: 'Ulteriori elementi, non essenziali per la diagnosi', en: 'Further exams, not essential for the diagnosis' },
  stepList: { it: 'Step {list}', en: 'Step {list}' },
  notInAlgorithm: { it: 'non elencato nel diagramma', en: 'not listed in the diagram' },
  who: { it: 'Chi', en: 'Who' },
  what: { it: 'Cosa si fa', en: 'What is done' },
  notes: { it: 'Note', en: 'Notes' },
  conditionGroup: { it: 'Tabella I', en: 'Table I' },
  description: { it: 'Descrizione', en: 'Description' },
  distinguishing: { it: 'Cosa la distingue dalla CT', en: 'What distinguishes it from TC' },
  tableIntro: {
    it: 'Condizioni della Tabella I da porre in diagnosi differenziale con la calcinosi tumorale:',
    en: 'Table I conditions to consider in the differential diagnosis of tumoral calcinosis:',
  },
  tmpTitle: { it: 'TmP/GFR (riassorbimento tubulare del fosfato)', en: 'TmP/GFR (tubular reabsorption of phosphate)' },
  tmpMissing: {
    it: 'Per il TmP/GFR servono i quattro valori a digiuno, accoppiati, con le unità: fosfato sierico, fosfato urinario, creatinina sierica, creatinina urinaria. Mancano: {list}.',
    en: 'TmP/GFR needs the four paired fasting values, with units: serum phosphate, urine phosphate, serum creatinine, urine creatinine. Missing: {list}.',
  },
  tmpNoUnit: { it: 'Manca l’unità di misura per: {list} (mmol/L, mg/dL, µmol/L).', en: 'The unit is missing for: {list} (mmol/L, mg/dL, µmol/L).' },
  tmpProblem: { it: 'Non posso calcolare il TmP/GFR: {list}. Controlla i valori e le unità.', en: 'I cannot compute TmP/GFR: {list}. Check the values and units.' },
  'field.serumPhosphate': { it: 'fosfato sierico', en: 'serum phosphate' },
  'field.urinePhosphate': { it: 'fosfato urinario', en: 'urine phosphate' },
  'field.serumCreatinine': { it: 'creatinina sierica', en: 'serum creatinine' },
  'field.urineCreatinine': { it: 'creatinina urinaria', en: 'urine creatinine' },
  'tmp.unknown-unit': { it: '{field}: unità non riconosciuta', en: '{field}: unit not recognised' },
  'tmp.not-a-number': { it: '{field}: valore non leggibile', en: '{field}: value not readable' },
  'tmp.not-positive': { it: '{field}: il valore deve essere maggiore di zero', en: '{field}: the value must be above zero' },
  'tmp.implausibly-low': { it: '{field}: valore non plausibile (sotto {limit})', en: '{field}: implausible value (below {limit})' },
  'tmp.implausibly-high': { it: '{field}: valore non plausibile (sopra {limit})', en: '{field}: implausible value (above {limit})' },
  'tmp.urine-creatinine-not-above-serum': {
    it: 'la creatinina urinaria non è superiore a quella sierica (valori sierici e urinari forse invertiti)',
    en: 'urine creatinine is not above serum creatinine (serum and urine values may be swapped)',
  },
  'tmp.trp-not-positive': { it: 'il TRP risulta ≤ 0 (valori forse invertiti o unità errate)', en: 'TRP comes out ≤ 0 (values may be swapped or units wrong)' },
  'tmp.trp-above-one': { it: 'il TRP risulta > 1 (valori incoerenti)', en: 'TRP comes out > 1 (inconsistent values)' },
  tmpInputs: { it: 'Valori usati', en: 'Values used' },
  tmpFormula: { it: 'Formula', en: 'Formula' },
  tmpBranchLinear: { it: 'TRP ≤ 0,86: TmP/GFR = TRP × P sierico', en: 'TRP ≤ 0.86: TmP/GFR = TRP × serum P' },
  tmpBranchCurve: { it: 'TRP > 0,86: TmP/GFR = P sierico × 0,3 × TRP / (1 − 0,8 × TRP)', en: 'TRP > 0.86: TmP/GFR = serum P × 0.3 × TRP / (1 − 0.8 × TRP)' },
  tmpAgeRanges: {
    it: 'Il PDTA indica di correlare i valori calcolati agli intervalli di riferimento per età.',
    en: 'The PDTA says calculated values must be compared with age-specific reference ranges.',
  },
  phosphateOnly: {
    it: 'Fosfato: {value} {unit} = {other}. Il PDTA non riporta valori di riferimento: indica di correlarli ai range specifici per età e, se il fosfato a digiuno è alto, di confermarlo con fosfato e creatinina accoppiati a digiuno (sangue e urine) per il TmP/GFR.',
    en: 'Phosphate: {value} {unit} = {other}. The PDTA gives no reference values: it says to compare with age-specific ranges and, if fasting phosphate is high, to confirm with paired fasting phosphate and creatinine (blood and urine) for TmP/GFR.',
  },
  alsoSee: { it: 'Vedi anche', en: 'See also' },
  brandRecognised: { it: '«{typed}» riconosciuto come {name}.', en: '“{typed}” recognised as {name}.' },
  bothPopulations: { it: 'Dosi del PDTA per adulti e in età pediatrica:', en: 'PDTA doses for adults and children:' },
  classMembers: { it: 'Terapie della tabella di questa classe', en: 'Therapies of this class in the table' },
} as const;

export type MessageKey = keyof typeof MESSAGES;

export function t(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  let text: string = MESSAGES[key][lang];
  for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

/** Numbers as a clinician reads them: Italian uses a decimal comma. */
export function num(lang: Lang, value: number): string {
  return lang === 'it' ? String(value).replace('.', ',') : String(value);
}
