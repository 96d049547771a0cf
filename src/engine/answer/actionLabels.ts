/**
 * Button labels from button values. The conversation keeps only the values of the last reply's
 * buttons (labels are reply text and would swell the stored snapshot), so a typed label is matched
 * against the labels each value can be shown with, in either language. The dialogue builders take
 * their labels from here, and test/conversations checks that every label shown is one of these.
 */
import type { Catalog } from '../../content/catalog.js';
import { itemName } from '../../content/catalog.js';
import type { Lang } from '../../reply/model.js';
import { normalize } from '../../nlu/normalize.js';
import { t, type MessageKey } from './i18n.js';

const LANGS: readonly Lang[] = ['it', 'en'];

/** The standard buttons for some content items (menu, related links): see systemReplies.ts, therapyReply.ts. */
const SHOW_BUTTON: Record<string, MessageKey> = {
  'topic.therapy-table': 'btn.therapies',
  'topic.table-i': 'btn.differential',
  'topic.followup': 'btn.followup',
  'topic.lab-panel-a': 'btn.labs',
  'topic.phosphate-workup': 'btn.labs',
  'topic.specialists': 'btn.specialists',
};

const COMMAND_BUTTON: Record<string, MessageKey> = {
  next: 'btn.next',
  back: 'btn.back',
  repeat: 'btn.repeat',
  summary: 'btn.summary',
  restart: 'btn.restart',
  exit: 'btn.exit',
  skip: 'btn.skip',
  menu: 'btn.menu',
  walkthrough: 'btn.walkthrough',
  differential: 'btn.guidedDifferential',
  tmp: 'btn.tmp',
  schedule: 'btn.schedule',
};

const GENES: Record<string, string> = { fgf23: 'FGF23', galnt3: 'GALNT3', klotho: 'KLOTHO', samd9: 'SAMD9' };

function answerKey(answer: string): MessageKey | null {
  switch (answer) {
    case 'yes':
      return 'btn.yes';
    case 'no':
      return 'btn.no';
    case 'high':
      return 'btn.high';
    case 'normal':
      return 'btn.normal';
    case 'negative':
      return 'btn.negative';
    case 'unknown':
      return 'btn.skip';
    case 'periarticular':
    case 'tendon':
    case 'muscle':
    case 'synovium':
    case 'skin-subcutaneous':
      return `loc.${answer}`;
    default:
      return null;
  }
}

/** Every label a button value may be shown with, in one language. */
export function labelsIn(catalog: Catalog, value: string, lang: Lang): string[] {
  const [prefix, verb, ...args] = value.split(':');
  if (prefix !== 'pdta' || verb === undefined) return [];
  const key = COMMAND_BUTTON[verb];
  if (key && args.length === 0) return [t(lang, key)];
  switch (verb) {
    case 'step': {
      const n = args[0];
      return n === '1' || n === '2' || n === '3' ? [t(lang, `btn.step${n}`)] : [];
    }
    case 'record':
    case 'answer': {
      const answer = args[1] ?? '';
      const gene = GENES[answer];
      if (gene) return [gene];
      const k = answerKey(answer);
      return k ? [t(lang, k)] : [];
    }
    case 'dose': {
      const therapy = catalog.therapy(args[0] ?? '');
      if (!therapy) return [];
      if (args.length === 1) return [therapy.name[lang]];
      if (args[1] === 'adult') return [t(lang, 'adult'), t(lang, 'btn.adultDose')];
      if (args[1] === 'paediatric') return [t(lang, 'paediatric'), t(lang, 'btn.paediatricDose')];
      return [];
    }
    case 'full':
      return catalog.get(args.join(':')) ? [t(lang, 'btn.fullText')] : [];
    case 'show': {
      const id = args.join(':');
      const entry = catalog.get(id);
      const labels: string[] = [];
      const standard = SHOW_BUTTON[id];
      if (standard) labels.push(t(lang, standard));
      if (entry) labels.push(itemName(entry)[lang]);
      return labels;
    }
    default:
      return [];
  }
}

/** The label a dialogue builder shows for a value. */
export function labelFor(catalog: Catalog, value: string, lang: Lang): string {
  const [first] = labelsIn(catalog, value, lang);
  if (first === undefined) throw new Error(`no label for button value ${value}`);
  return first;
}

function key(text: string): string {
  return normalize(text).tokens.join(' ');
}

/** The value of the shown button whose label the message is, in either language. */
export function valueForLabel(catalog: Catalog, shown: readonly string[], message: string): string | null {
  const typed = key(message);
  if (typed === '') return null;
  for (const value of shown) {
    for (const lang of LANGS) {
      if (labelsIn(catalog, value, lang).some((label) => key(label) === typed)) return value;
    }
  }
  return null;
}
