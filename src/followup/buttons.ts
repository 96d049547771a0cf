/**
 * The buttons on a reminder and what a click does. A button's value names the verb and the
 * reminder (the follow-up item): "pdta:followup:done:42". The router's follow-up feature
 * (turnFeature.ts) sends every value with the FOLLOWUP_BUTTON_PREFIX to handleFollowupButton() with
 * the clicking user's platform id, and the channel shows the reply it returns.
 */
import { FOLLOWUP_BUTTON_PREFIX, isFollowupButtonValue } from '../core/followup.js';
import { REMINDER_VERBS, type ActedReminder, type ReminderVerb } from '../core/reminders.js';
import type { Lang, Reply } from '../reply/model.js';
import { FollowupError } from './errors.js';
import { actedReminder } from './message.js';
import type { FollowupService, ItemView } from './service.js';

export { FOLLOWUP_BUTTON_PREFIX, isFollowupButtonValue };

export const FOLLOWUP_VERBS = REMINDER_VERBS;
export type FollowupVerb = ReminderVerb;

export function followupButtonValue(verb: FollowupVerb, reminderId: string): string {
  return `${FOLLOWUP_BUTTON_PREFIX}${verb}:${reminderId}`;
}

export function parseFollowupButtonValue(value: string): { verb: FollowupVerb; reminderId: string } | null {
  const m = /^pdta:followup:([a-z-]+):(\d{1,18})$/.exec(value);
  if (!m) return null;
  const verb = FOLLOWUP_VERBS.find((v) => v === m[1]);
  return verb === undefined ? null : { verb, reminderId: m[2]! };
}

export interface FollowupButtonResult {
  ok: boolean;
  /** The confirmation (or why nothing changed), for the channel to show. */
  reply: Reply;
  /** The reminder after the change. */
  item?: ItemView;
  /** The next occurrence "done" scheduled. */
  next?: ItemView | null;
  /** The reminder as it now stands, for the channel to update the reminder message with (ok only). */
  acted?: ActedReminder;
}

const DATE: Record<Lang, Intl.DateTimeFormat> = {
  it: new Intl.DateTimeFormat('it-IT', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
};

function day(date: string, lang: Lang): string {
  return DATE[lang].format(new Date(`${date}T00:00:00Z`));
}

function reply(lang: Lang, title: string, body: string, itemIds: string[] = []): Reply {
  return { lang, kind: 'answer', blocks: [{ type: 'text', title, body }], warnings: [], citations: [], actions: [], itemIds };
}

function confirmation(verb: FollowupVerb, item: ItemView, next: ItemView | null | undefined, lang: Lang): string {
  const what = `${item.patientCode} · ${item.name[lang]}`;
  switch (verb) {
    case 'booked':
      return lang === 'it'
        ? `${what}: prenotato (${day(item.bookedOn ?? '', lang)}). Scadenza ${day(item.dueOn, lang)}; premi «Fatto» quando è stato eseguito.`
        : `${what}: booked (${day(item.bookedOn ?? '', lang)}). Due ${day(item.dueOn, lang)}; press "Done" once it has been done.`;
    case 'done': {
      const then =
        next === null || next === undefined
          ? lang === 'it'
            ? 'Nessuna scadenza successiva.'
            : 'Nothing further scheduled.'
          : lang === 'it'
            ? `Prossima scadenza: ${day(next.dueOn, lang)}.`
            : `Next due: ${day(next.dueOn, lang)}.`;
      return lang === 'it'
        ? `${what}: fatto il ${day(item.doneOn ?? '', lang)}. ${then}`
        : `${what}: done on ${day(item.doneOn ?? '', lang)}. ${then}`;
    }
    case 'snooze':
      return lang === 'it'
        ? `${what}: rimandato, prossimo promemoria il ${day(item.nextReminderOn ?? '', lang)}.`
        : `${what}: snoozed, next reminder on ${day(item.nextReminderOn ?? '', lang)}.`;
    case 'not-applicable':
      return lang === 'it' ? `${what}: segnato come non applicabile, nessun altro promemoria.` : `${what}: marked not applicable, no further reminders.`;
    default: {
      const never: never = verb;
      return never;
    }
  }
}

/**
 * Runs a reminder button for `userRef` (the clicking user's platform id). Refusals (not a
 * coordinator, already done by a colleague, unknown reminder) come back as a reply with ok false;
 * anything else (the database is down) is thrown for the channel's error handling.
 */
export async function handleFollowupButton(
  service: FollowupService,
  click: { value: string; userRef: string; lang?: Lang },
): Promise<FollowupButtonResult> {
  const lang = click.lang ?? service.settings.lang;
  const title = 'Follow-up';
  const parsed = parseFollowupButtonValue(click.value);
  if (parsed === null) {
    return { ok: false, reply: reply(lang, title, lang === 'it' ? 'Pulsante non riconosciuto.' : 'Unrecognised button.') };
  }
  try {
    const { verb, reminderId } = parsed;
    let item: ItemView;
    let next: ItemView | null | undefined;
    switch (verb) {
      case 'booked':
        item = await service.markBooked(click.userRef, reminderId);
        break;
      case 'done': {
        const result = await service.markDone(click.userRef, reminderId);
        item = result.done;
        next = result.next;
        break;
      }
      case 'snooze':
        item = await service.snooze(click.userRef, reminderId);
        break;
      case 'not-applicable':
        item = await service.markNotApplicable(click.userRef, reminderId);
        break;
      default: {
        const never: never = verb;
        return never;
      }
    }
    const acted = actedReminder(
      { verb, item },
      { rules: service.rules, lang, today: service.today(), at: service.now(), timeZone: service.settings.timeZone },
    );
    return { ok: true, reply: reply(lang, title, confirmation(verb, item, next, lang), [item.ruleId]), item, next, acted };
  } catch (error) {
    if (error instanceof FollowupError) return { ok: false, reply: reply(lang, title, error.messages[lang]) };
    throw error;
  }
}
