/** The Slack channel's own words (everything clinical comes from the engine's replies). */
import type { Lang } from '../../reply/model.js';

export const SHARE_LABEL: Record<Lang, string> = { it: 'Condividi nel canale', en: 'Share in channel' };

export const SHARED_BY: Record<Lang, (userId: string) => string> = {
  // <@U…> is Slack's own mention markup, built from a platform id, never from typed text.
  it: (userId) => `Condiviso da <@${userId}> con /pdta`,
  en: (userId) => `Shared by <@${userId}> with /pdta`,
};

/** Under an answer sent privately because the app is not in the channel. */
export const NOT_IN_CHANNEL: Record<Lang, string> = {
  it: 'Risposta visibile solo a te: l’app non è in questo canale. Per le risposte nel thread, invitala con `/invite @PDTA`.',
  en: 'Only you can see this answer: the app is not in this channel. To get answers in the thread, invite it with `/invite @PDTA`.',
};

/** On a form submitted from a workspace outside SLACK_TEAM_IDS: bilingual, the workspace's language is unknown. */
export const WORKSPACE_NOT_ALLOWED =
  'Questa app non è abilitata per questo workspace (SLACK_TEAM_IDS). · This app is not enabled for this workspace (SLACK_TEAM_IDS).';

/** When a turn fails: bilingual, because the failure may come before the language is known. */
export const TURN_FAILED =
  '⚠️ Non sono riuscito a rispondere a questo messaggio: riprova tra poco. / I could not answer this message: please try again shortly.';

export const HOME = {
  title: 'PDTA Calcinosi Tumorale (RCO230)',
  howTo:
    'Scrivimi qui nei *Messaggi*, menzionami in un canale (`@PDTA`) o usa `/pdta <domanda>`: rispondo solo con il testo del PDTA, citandone la sezione.\n' +
    '_Write to me in Messages, mention me in a channel or use `/pdta <question>`: I answer in the language of the question._',
  remindersTitle: 'Promemoria in arrivo · Upcoming reminders',
  remindersPending:
    '🗓️ Qui compariranno i prossimi controlli dei pazienti che coordini (codici pseudonimi). _Funzione in arrivo._\n' +
    '_Your patients’ upcoming follow-ups will appear here (pseudonymous codes). Coming soon._',
  remindersNone: 'Nessun promemoria nei prossimi 30 giorni. · No reminders in the next 30 days.',
  remindersCoordinatorsOnly:
    'I promemoria dei follow-up sono visibili ai coordinatori del percorso. · Follow-up reminders are shown to care coordinators.',
  remindersUnavailable: '⚠️ Promemoria non disponibili ora: riprova tra poco. · Reminders unavailable right now: try again shortly.',
  remindersMore: (n: number) => `… e altri ${n} · and ${n} more: \`pdta followup upcoming\``,
  english: 'English',
} as const;

/** Under a reminder button's confirmation in the reminder's thread: who recorded it (a Slack mention built from the platform id). */
export const FOLLOWUP_RECORDED_BY: Record<Lang, (userId: string) => string> = {
  it: (userId) => `Registrato da <@${userId}>`,
  en: (userId) => `Recorded by <@${userId}>`,
};

/** The enrolment modal could not be saved (the database did not answer): shown on the code field. */
export const FOLLOWUP_SAVE_FAILED: Record<Lang, string> = {
  it: 'Non è stato possibile salvare ora: riprova tra poco.',
  en: 'Could not be saved right now: please try again shortly.',
};
