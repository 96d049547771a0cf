/** The playground's own words (not the assistant's: those come from the server in the reply's language). */
import type { Lang, ReplyKind } from '../../../reply/model.js';

export interface UiStrings {
  title: string;
  language: string;
  auto: string;
  newConversation: string;
  placeholder: string;
  newShort: string;
  empty: string;
  tooLong: (n: number, max: number) => string;
  slackJson: string;
  send: string;
  message: string;
  examples: string;
  you: string;
  assistant: string;
  source: string;
  caution: string;
  thinking: string;
  failed: string;
  retry: string;
  teamsTab: string;
  slackTab: string;
  pathwayTab: string;
  teamsHelp: string;
  slackHelp: string;
  pathwayHelp: string;
  openPathway: string;
  copy: string;
  copied: string;
  noPreview: string;
  noAdaptiveCards: string;
  footer: string;
  kind: Record<ReplyKind, string>;
}

/** A key whose value is text, as an element's `data-i18n` names it. */
export type TextKey = { [K in keyof UiStrings]: UiStrings[K] extends string ? K : never }[keyof UiStrings];

export const T: Record<Lang, UiStrings> = {
  it: {
    title: 'Assistente PDTA – Calcinosi tumorale (RCO230)',
    language: 'Lingua',
    auto: 'Automatica',
    newConversation: 'Nuova conversazione',
    placeholder: 'Scrivi una domanda…',
    newShort: 'Nuova',
    empty: 'Scrivi prima una domanda (o tocca un esempio).',
    tooLong: (n, max) => 'Il messaggio ha ' + n + ' caratteri: il massimo è ' + max + '.',
    slackJson: 'JSON (per il Block Kit Builder)',
    send: 'Invia',
    message: 'Messaggio',
    examples: 'Esempi',
    you: 'Tu',
    assistant: 'Assistente',
    source: 'Fonte',
    caution: 'Attenzione',
    thinking: 'Sto cercando nel PDTA…',
    failed: 'Il server non ha risposto. Riprova.',
    retry: 'Riprova',
    teamsTab: 'Scheda Teams',
    slackTab: 'Blocchi Slack',
    pathwayTab: 'Percorso',
    teamsHelp: 'L’ultima risposta come la disegna Microsoft Teams (Adaptive Card 1.5).',
    slackHelp: 'L’ultima risposta come la mostra Slack (Block Kit); il JSON sotto, per il Block Kit Builder.',
    pathwayHelp: 'I tre step dell’algoritmo del PDTA (capitolo 10).',
    openPathway: 'Apri l’immagine',
    copy: 'Copia',
    copied: 'Copiato',
    noPreview: 'Nessuna risposta ancora.',
    noAdaptiveCards: 'Anteprima Teams non disponibile: manca la libreria adaptivecards sul server.',
    footer: 'Risponde solo con il testo del PDTA, citandone la sezione. Non sostituisce il giudizio clinico.',
    kind: {
      dose: 'Dose',
      calculation: 'Calcolo',
      differential: 'Diagnosi differenziale',
      'not-covered': 'Non coperto dal PDTA',
      clarify: 'Domanda',
      menu: 'Menu',
      walkthrough: 'Percorso guidato',
      fallback: 'Non capito',
      answer: 'PDTA',
    },
  },
  en: {
    title: 'PDTA assistant – Tumoral calcinosis (RCO230)',
    language: 'Language',
    auto: 'Automatic',
    newConversation: 'New conversation',
    placeholder: 'Ask a question…',
    newShort: 'New',
    empty: 'Type a question first (or tap an example).',
    tooLong: (n, max) => 'The message has ' + n + ' characters: the most is ' + max + '.',
    slackJson: 'JSON (for the Block Kit Builder)',
    send: 'Send',
    message: 'Message',
    examples: 'Examples',
    you: 'You',
    assistant: 'Assistant',
    source: 'Source',
    caution: 'Caution',
    thinking: 'Looking it up in the PDTA…',
    failed: 'The server did not answer. Try again.',
    retry: 'Retry',
    teamsTab: 'Teams card',
    slackTab: 'Slack blocks',
    pathwayTab: 'Pathway',
    teamsHelp: 'The last reply as Microsoft Teams draws it (Adaptive Card 1.5).',
    slackHelp: 'The last reply as Slack lays it out (Block Kit); the JSON below, for the Block Kit Builder.',
    pathwayHelp: 'The three steps of the PDTA’s algorithm (chapter 10).',
    openPathway: 'Open the picture',
    copy: 'Copy',
    copied: 'Copied',
    noPreview: 'No reply yet.',
    noAdaptiveCards: 'Teams preview unavailable: the adaptivecards library is missing on the server.',
    footer: 'Answers only with the PDTA’s text, citing its section. Not a substitute for clinical judgement.',
    kind: {
      dose: 'Dose',
      calculation: 'Calculation',
      differential: 'Differential diagnosis',
      'not-covered': 'Not covered by the PDTA',
      clarify: 'Question',
      menu: 'Menu',
      walkthrough: 'Guided pathway',
      fallback: 'Not understood',
      answer: 'PDTA',
    },
  },
};

export const EXAMPLES: Record<Lang, readonly string[]> = {
  it: ['neridronato bambino 18 kg', 'differenza con la tendinite calcifica?', 'cosa prevede lo step 2?', 'ogni quanto i controlli?'],
  en: ['neridronate child 18 kg', 'difference from calcific tendinitis?', 'what does step 2 involve?', 'how often is follow-up?'],
};
