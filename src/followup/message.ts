/**
 * What a reminder says. The planner stores a channel-neutral payload in the outbox (everything a
 * renderer needs, names and citation included, so a message shows what was planned); here it
 * becomes the project's reply model, which each platform's renderer in src/reply/ shows (Slack
 * Block Kit, Teams Adaptive Card) exactly as it shows an answer. Citations come from content/:
 * an item's from its rule's source (carried in the payload), a digest's from the rules it lists.
 */
import type { ActedReminder, DigestEntry, DigestPayload, ItemReminderPayload, ReminderPayload, ReminderVerb } from '../core/reminders.js';
import type { Source } from '../content/schema.js';
import type { Action, Block, Citation, Lang, Reply } from '../reply/model.js';
import { daysBetween, type IsoDate } from './dates.js';
import { followupButtonValue, FOLLOWUP_VERBS, type FollowupVerb } from './buttons.js';
import type { ScheduleRules } from './rules.js';
import type { ItemView } from './service.js';

export type { DigestEntry, DigestPayload, ItemReminderPayload, ReminderPayload } from '../core/reminders.js';

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
    done: (on: string) => `fatto (${on})`,
    snoozed: (on: string) => `rimandato: prossimo promemoria il ${on}`,
    notApplicable: 'non applicabile',
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
    done: (on: string) => `done (${on})`,
    snoozed: (on: string) => `snoozed: next reminder on ${on}`,
    notApplicable: 'not applicable',
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

/** An item as a reminder shows it; `source` null for a rule taken out of content/ since (nothing to cite rather than a made-up section). */
type ItemShown = Omit<ItemReminderPayload, 'source'> & { source: Source | null };

function statusText(p: ItemShown): string {
  const t = TEXT[p.lang];
  return p.status === 'booked' ? t.booked(p.bookedOn && formatDate(p.bookedOn, p.lang)) : t.open;
}

function itemReply(p: ItemShown, status: string = statusText(p), withButtons = true): Reply {
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
        { label: t.status, value: status },
      ],
    },
  ];
  const actions: Action[] = withButtons
    ? FOLLOWUP_VERBS.filter((verb) => !(verb === 'booked' && p.status === 'booked')).map((verb) => ({
        label: BUTTON_LABELS[p.lang][verb],
        value: followupButtonValue(verb, p.itemId),
      }))
    : [];
  return {
    lang: p.lang,
    kind: 'answer',
    blocks,
    warnings: [],
    citations: p.source ? [citation(p.source, p.lang, p.contentVersion)] : [],
    actions,
    itemIds: [p.ruleId],
  };
}

function digestLine(e: DigestEntry, lang: Lang): string {
  const status = e.status === 'booked' ? ` (${TEXT[lang].booked(null)})` : '';
  return `${shortDate(e.dueOn, lang)} · ${e.patientCode} · ${e.ruleName[lang]}${status}`;
}

/**
 * Where in the PDTA the digest's items come from: the sources of the rules it lists, in content
 * order of first appearance; a digest listing nothing cites where the follow-up exams are.
 */
function digestSources(p: DigestPayload, rules: ScheduleRules): Source[] {
  const listed = p.entries.map((e) => rules.rule(e.ruleId)?.source).filter((s): s is Source => s !== undefined);
  const sources = listed.length > 0 ? listed : rules.exams.map((r) => r.source);
  const seen = new Set<string>();
  return sources.filter((s) => {
    const key = `${s.section}|${s.heading.it}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function digestReply(p: DigestPayload, rules: ScheduleRules): Reply {
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
    citations: digestSources(p, rules).map((s) => citation(s, p.lang, p.contentVersion)),
    actions: [],
    itemIds: [...new Set(p.entries.map((e) => e.ruleId))],
  };
}

/** The reminder as the project's reply model (what every renderer in src/reply/ takes). */
export function reminderReply(payload: ReminderPayload, rules: ScheduleRules): Reply {
  return payload.kind === 'digest' ? digestReply(payload, rules) : itemReply(payload);
}

/**
 * A reminder after `verb` was pressed on it: the item as it now stands, the same blocks and
 * citation as the reminder that was posted. Only "booked" leaves buttons (done, snooze, not
 * applicable still apply to a booked item); after the others the reminder has none, so nobody
 * presses a button that no longer means anything.
 */
export function actedReminder(
  acted: { verb: ReminderVerb; item: ItemView },
  context: { rules: ScheduleRules; lang: Lang; today: IsoDate; at: Date; timeZone: string },
): ActedReminder {
  const { item } = acted;
  const { lang, rules, today } = context;
  const rule = rules.rule(item.ruleId);
  const t = TEXT[lang];
  const payload: ItemShown = {
    kind: item.dueOn < today ? 'overdue' : 'due',
    lang,
    itemId: item.id,
    patientCode: item.patientCode,
    ruleId: item.ruleId,
    ruleKind: rule?.kind ?? (item.ruleKind === 'unknown' ? 'exam' : item.ruleKind),
    ruleName: item.name,
    intervalText: rule?.intervalText ?? { it: '—', en: '—' },
    source: rule?.source ?? null,
    dueOn: item.dueOn,
    day: today,
    status: item.status === 'booked' ? 'booked' : 'open',
    bookedOn: item.bookedOn,
    contentVersion: rules.contentVersion,
  };
  let status: string;
  switch (acted.verb) {
    case 'booked':
      status = statusText(payload);
      break;
    case 'done':
      status = t.done(formatDate(item.doneOn ?? today, lang));
      break;
    case 'snooze':
      status = t.snoozed(formatDate(item.nextReminderOn ?? today, lang));
      break;
    case 'not-applicable':
      status = t.notApplicable;
      break;
    default: {
      const never: never = acted.verb;
      return never;
    }
  }
  const reply = itemReply(payload, status, acted.verb === 'booked');
  return { reply, verb: acted.verb, patientCode: item.patientCode, at: context.at, timeZone: context.timeZone };
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
