/**
 * Names of drugs, tests and conditions that the PDTA does NOT contain, so that a question about one
 * gets "not covered by this PDTA" instead of a near-miss answer (e.g. "sevelamer" must never be
 * answered with the calcium acetate row). Only names: nothing here is clinical content.
 * test/nlu/outOfScope.test.ts proves that none of these names occurs in the PDTA's text.
 */
export type OutOfScopeKind = 'drug' | 'test' | 'condition';

const DRUGS = [
  'sevelamer', 'sevelamero', 'renvela', 'renagel', 'lantanio', 'lanthanum', 'fosrenol', 'sucroferrico', 'sucroferric', 'velphoro',
  'ferric citrate', 'citrato ferrico', 'idrossido di alluminio', 'aluminium hydroxide', 'aluminum hydroxide',
  'burosumab', 'crysvita', 'denosumab', 'prolia', 'xgeva', 'teriparatide', 'forsteo', 'abaloparatide', 'romosozumab', 'evenity',
  'pamidronato', 'pamidronate', 'risedronato', 'risedronate', 'ibandronato', 'ibandronate', 'clodronato', 'clodronate', 'etidronato', 'etidronate',
  'cinacalcet', 'etelcalcetide', 'sodio tiosolfato', 'sodium thiosulfate', 'tiosolfato', 'thiosulfate',
  'colchicina', 'colchicine', 'allopurinolo', 'allopurinol', 'febuxostat', 'canakinumab', 'anakinra',
  'ibuprofene', 'ibuprofen', 'paracetamolo', 'paracetamol', 'acetaminophen', 'ketoprofene', 'ketoprofen', 'diclofenac', 'naprossene', 'naproxen',
  'indometacina', 'indomethacin', 'tramadolo', 'tramadol', 'morfina', 'morphine', 'oxicodone', 'oxycodone', 'aspirina', 'aspirin',
  'prednisone', 'prednisolone', 'metilprednisolone', 'methylprednisolone', 'cortisone', 'desametasone', 'dexamethasone', 'idrocortisone', 'hydrocortisone',
  'metotrexato', 'methotrexate', 'idrossiclorochina', 'hydroxychloroquine', 'micofenolato', 'mycophenolate', 'rituximab', 'tocilizumab', 'infliximab', 'adalimumab',
  'diltiazem', 'warfarin', 'coumadin', 'eparina', 'heparin', 'omeprazolo', 'omeprazole', 'pantoprazolo', 'pantoprazole',
  'amoxicillina', 'amoxicillin', 'cefazolina', 'cefazolin', 'vancomicina', 'vancomycin',
  'calcifediolo', 'calcifediol', 'paricalcitolo', 'paricalcitol', 'alfacalcidolo', 'alfacalcidol', 'ergocalciferolo', 'ergocalciferol',
  'vitamina k', 'vitamin k', 'menachinone', 'idroclorotiazide', 'hydrochlorothiazide', 'furosemide', 'lasix', 'metformina', 'metformin', 'insulina', 'insulin',
  'levotiroxina', 'levothyroxine', 'sodio bicarbonato', 'sodium bicarbonate', 'ranelato di stronzio', 'strontium ranelate', 'raloxifene', 'estrogeni', 'estrogens',
  'radioterapia', 'radiotherapy', 'shock wave', 'onde d urto', 'litotrissia', 'lithotripsy',
];

const TESTS = [
  'pet', 'pet-tc', 'pet-ct', 'fdg', 'angio-tc', 'angiotc', 'ecocardiogramma', 'echocardiogram', 'ecg', 'elettrocardiogramma', 'electrocardiogram', 'holter',
  'elettromiografia', 'electromyography', 'emg', 'spirometria', 'spirometry', 'emogasanalisi', 'blood gas', 'ferritina', 'ferritin', 'sideremia',
  'calcitonina', 'calcitonin', 'osteocalcina', 'osteocalcin', 'fosfatasi acida', 'acid phosphatase', 'uricemia', 'acido urico', 'uric acid',
  'biopsia renale', 'kidney biopsy', 'renal biopsy', 'biopsia cutanea', 'skin biopsy', 'biopsia muscolare', 'muscle biopsy', 'colonscopia', 'colonoscopy',
  'gastroscopia', 'gastroscopy', 'mammografia', 'mammography', 'ana', 'fattore reumatoide', 'rheumatoid factor', 'hla-b27',
  'klotho sierico', 'soluble klotho', 'fgf23 intatto', 'troponina', 'troponin', 'bnp', 'nt-probnp', 'psa', 'cea', 'ca 125',
];

const CONDITIONS = [
  'fibrodisplasia ossificante progressiva', 'fibrodysplasia ossificans progressiva', 'fop', 'pseudoipoparatiroidismo', 'pseudohypoparathyroidism',
  'sarcoidosi', 'sarcoidosis', 'calcifilassi', 'calciphylaxis', 'pseudoxantoma elastico', 'pseudoxanthoma elasticum', 'morbo di paget', 'paget',
  'condrocalcinosi', 'chondrocalcinosis', 'pseudogotta', 'pseudogout', 'cppd', 'artrite reumatoide', 'rheumatoid arthritis',
  'rachitismo', 'rickets', 'osteomalacia', 'ipofosfatasia', 'hypophosphatasia', 'xlh', 'ipofosfatemia legata all x',
  'x-linked hypophosphataemia', 'x-linked hypophosphatemia', 'sindrome di ehlers-danlos', 'ehlers-danlos', 'osteogenesi imperfetta', 'osteogenesis imperfecta',
  'lipoma', 'ematoma', 'haematoma', 'hematoma', 'tubercolosi', 'tuberculosis', 'cisti di baker', 'baker cyst', 'borsite', 'bursitis',
  'iperossalosi', 'hyperoxaluria', 'milk-alkali', 'sindrome latte-alcali', 'calcinosi cutis idiopatica', 'idiopathic calcinosis cutis',
];

export const OUT_OF_SCOPE: ReadonlyArray<{ name: string; kind: OutOfScopeKind }> = [
  ...DRUGS.map((name) => ({ name, kind: 'drug' as const })),
  ...TESTS.map((name) => ({ name, kind: 'test' as const })),
  ...CONDITIONS.map((name) => ({ name, kind: 'condition' as const })),
];
