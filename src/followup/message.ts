/**
 * What a reminder says. The planner stores a channel-neutral payload in the outbox (everything a
 * renderer needs, names and citation included, so sending needs no content lookup and a message
 * shows what was planned); here it becomes the project's reply model (Teams, web, plain text) or
 * Slack blocks with the follow-up buttons.
 */
import type { Localized, Source } from '../content/schema.js';
import type { Action, Block, Citation, Lang, Reply } from '../reply/model.js';
import { daysBetween, type IsoDate } from './dates.js';
import { followupButtonValue, FOLLOWUP_VERBS, type FollowupVerb } from './buttons.js';
import type { RuleKind } from './rules.js';

export interface ItemReminderPayload {
  kind: 'due' | 'overdue';
  lang: Lang;
  itemId: string;
  patientCode: string;
  ruleId: string;
  ruleKind: RuleKind;
  ruleName: Localized;
  intervalText: Localized;
  source: Source;
  dueOn: IsoDate;
  /** The day the reminder is for (the planning day). */
  day: IsoDate;
  status: 'open' | 'booked';
  bookedOn: IsoDate | null;
  contentVersion: string;
}

export interface DigestEntry {
  itemId: string;
  patientCode: string;
  ruleId: string;
  ruleName: Localized;
  dueOn: IsoDate;
  status: 'open' | 'booked';
}

export interface DigestPayload {
  kind: 'digest';
  lang: Lang;
  /** The Monday of the week. */
  weekOf: IsoDate;
  /** The digest covers items due up to this day, and every overdue one. */
  until: IsoDate;
  day: IsoDate;
  entries: DigestEntry[];
  /** Items in the digest's span, of which `entries` shows the first. */
  total: number;
  overdue: number;
  contentVersion: string;
}

export type ReminderPayload = ItemReminderPayload | DigestPayload;

const DATE_FORMATS: Record<Lang, Intl.DateTimeFormat> = {
  it: new Intl.DateTimeFormat('it-IT', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
};
const SHORT_DATE: Record<Lang, Intl.DateTimeFormat> = {
  it: new Intl.DateTimeFormat('it-IT', { day: '2-digit', month: '2-digit', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }),
};

export function formatDate(date: IsoDate, lang: Lang): string {
  return DATE_FORMATS[lang].format(new Date(`${date}T00:00:00Z`));
}

function shortDate(date: IsoDate, lang: Lang): string {
  return SHORT_DATE[lang].format(new Date(`${date}T00:00:00Z`));
}

/** "in 7 days", "today", "overdue by 14 days", counted from the reminder's day. */
export function dueWhen(dueOn: IsoDate, day: IsoDate, lang: Lang): string {
  const days = daysBetween(day, dueOn);
  if (lang === 'it') {
    if (days === 0) return 'oggi';
    if (days === 1) return 'domani';
    if (days > 0) return `tra ${days} giorni`;
    return days === -1 ? 'scaduto da 1 giorno' : `scaduto da ${-days} giorni`;
  }
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days > 0) return `in ${days} days`;
  return days === -1 ? 'overdue by 1 day' : `overdue by ${-days} days`;
}

export const BUTTON_LABELS: Record<Lang, Record<FollowupVerb, string>> = {
  it: { booked: 'Prenotato', done: 'Fatto', snooze: 'Rimanda 7 giorni', 'not-applicable': 'Non applicabile' },
  en: { booked: 'Booked', done: 'Done', snooze: 'Snooze 7 days', 'not-applicable': 'Not applicable' },
};

const TEXT = {
  it: {
    reminder: 'Promemoria follow-up',
    overdue: 'Follow-up scaduto',
    therapy: 'somministrazione',
    exam: 'esame',
    patient: 'Paziente',
    what: 'Cosa',
    due: 'Scadenza',
    interval: 'Intervallo (PDTA)',
    status: 'Stato',
    open: 'da prenotare',
    booked: (on: string | null) => (on ? `prenotato (${on})` : 'prenotato'),
    digest: (week: string) => `Riepilogo settimanale follow-up – settimana del ${week}`,
    digestSpan: (until: string, total: number, overdue: number) =>
      `${total} ${total === 1 ? 'scadenza' : 'scadenze'} fino al ${until}, di cui ${overdue} già ${overdue === 1 ? 'scaduta' : 'scadute'}.`,
    digestNone: (until: string) => `Nessuna scadenza fino al ${until} e nessun follow-up scaduto.`,
    more: (n: number) => `… e altre ${n}: \`pdta followup upcoming\` le mostra tutte.`,
    overdueTitle: 'Scaduti',
    upcomingTitle: 'In scadenza',
  },
  en: {
    reminder: 'Follow-up reminder',
    overdue: 'Follow-up overdue',
    therapy: 'administration',
    exam: 'exam',
    patient: 'Patient',
    what: 'What',
    due: 'Due',
    interval: 'Interval (PDTA)',
    status: 'Status',
    open: 'to be booked',
    booked: (on: string | null) => (on ? `booked (${on})` : 'booked'),
    digest: (week: string) => `Weekly follow-up digest – week of ${week}`,
    digestSpan: (until: string, total: number, overdue: number) => `${total} due until ${until}, ${overdue} of them already overdue.`,
    digestNone: (until: string) => `Nothing due until ${until} and nothing overdue.`,
    more: (n: number) => `… and ${n} more: \`pdta followup upcoming\` shows them all.`,
    overdueTitle: 'Overdue',
    upcomingTitle: 'Due soon',
  },
} as const;

function citation(source: Source, lang: Lang, contentVersion: string): Citation {
  return { section: `${source.section}. ${source.chapter[lang]}`, heading: source.heading[lang], contentVersion };
}

function itemReply(p: ItemReminderPayload): Reply {
  const t = TEXT[p.lang];
  const when = dueWhen(p.dueOn, p.day, p.lang);
  const title = `${p.kind === 'overdue' ? t.overdue : t.reminder} · ${p.patientCode}`;
  const body = `${p.ruleName[p.lang]} (${t[p.ruleKind]}): ${formatDate(p.dueOn, p.lang)}, ${when}.`;
  const blocks: Block[] = [
    { type: 'text', title, body },
    {
      type: 'facts',
      facts: [
        { label: t.patient, value: p.patientCode },
        { label: t.due, value: `${formatDate(p.dueOn, p.lang)} (${when})` },
        { label: t.interval, value: p.intervalText[p.lang] },
        { label: t.status, value: p.status === 'booked' ? t.booked(p.bookedOn && formatDate(p.bookedOn, p.lang)) : t.open },
      ],
    },
  ];
  const actions: Action[] = FOLLOWUP_VERBS.filter((verb) => !(verb === 'booked' && p.status === 'booked')).map((verb) => ({
    label: BUTTON_LABELS[p.lang][verb],
    value: followupButtonValue(verb, p.itemId),
  }));
  return {
    lang: p.lang,
    kind: 'answer',
    blocks,
    warnings: [],
    citations: [citation(p.source, p.lang, p.contentVersion)],
    actions,
    itemIds: [p.ruleId],
  };
}

function digestLine(e: DigestEntry, lang: Lang): string {
  const status = e.status === 'booked' ? ` (${TEXT[lang].booked(null)})` : '';
  return `${shortDate(e.dueOn, lang)} · ${e.patientCode} · ${e.ruleName[lang]}${status}`;
}

function digestReply(p: DigestPayload): Reply {
  const t = TEXT[p.lang];
  const until = formatDate(p.until, p.lang);
  const blocks: Block[] = [
    { type: 'text', title: t.digest(formatDate(p.weekOf, p.lang)), body: p.total === 0 ? t.digestNone(until) : t.digestSpan(until, p.total, p.overdue) },
  ];
  const overdue = p.entries.filter((e) => e.dueOn < p.day);
  const upcoming = p.entries.filter((e) => e.dueOn >= p.day);
  if (overdue.length > 0) blocks.push({ type: 'list', title: t.overdueTitle, items: overdue.map((e) => digestLine(e, p.lang)) });
  if (upcoming.length > 0) blocks.push({ type: 'list', title: t.upcomingTitle, items: upcoming.map((e) => digestLine(e, p.lang)) });
  if (p.total > p.entries.length) blocks.push({ type: 'text', body: t.more(p.total - p.entries.length) });
  return {
    lang: p.lang,
    kind: 'answer',
    blocks,
    warnings: [],
    citations: [
      {
        section: p.lang === 'it' ? '6. Controlli/monitoraggio' : '6. Follow-up/monitoring',
        heading: p.lang === 'it' ? 'Esami/visite da proporre durante il follow-up' : 'Exams and visits during follow-up',
        contentVersion: p.contentVersion,
      },
    ],
    actions: [],
    itemIds: [...new Set(p.entries.map((e) => e.ruleId))],
  };
}

/** The reminder as the project's reply model (what Teams and the other renderers take). */
export function reminderReply(payload: ReminderPayload): Reply {
  return payload.kind === 'digest' ? digestReply(payload) : itemReply(payload);
}

/** One line for notifications and logs-free fallbacks. */
export function reminderSummary(payload: ReminderPayload): string {
  if (payload.kind === 'digest') {
    const t = TEXT[payload.lang];
    return `${t.digest(formatDate(payload.weekOf, payload.lang))}: ${payload.total}`;
  }
  const t = TEXT[payload.lang];
  return `${payload.kind === 'overdue' ? t.overdue : t.reminder} · ${payload.patientCode} · ${payload.ruleName[payload.lang]} · ${dueWhen(payload.dueOn, payload.day, payload.lang)}`;
}
