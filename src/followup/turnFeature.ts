/**
 * The follow-up registry plugged into the router (src/core/router.ts), once for every channel:
 * its chat commands ("iscrivi TC-0042 …", "promemoria della settimana") and its buttons
 * ("pdta:followup:done:42") are answered here, before the conversation sees them, and the forms'
 * operations reach the channels through the FollowupForms port. Only Slack and Teams users can be
 * coordinators; the playground and the terminal pass everything on to the conversation.
 */
import type { Actor, FollowupForms, UpcomingReminder } from '../core/ports.js';
import type { FeatureOutcome, TurnFeature } from '../core/router.js';
import type { TurnRequest } from '../core/turn.js';
import { handleFollowupButton, isFollowupButtonValue } from './buttons.js';
import { problemsByField, type FollowupChat } from './chat.js';
import { platformUser, UNAUTHENTICATED_USER } from './settings.js';

export const FOLLOWUP_FEATURE = 'followup';

/** The App Home shows this many days of reminders; `pdta followup upcoming` shows them all. */
export const HOME_REMINDER_DAYS = 30;

/**
 * The registry's user: the platform and its user id, for a request the platform vouched for; never
 * a coordinator otherwise, whatever id it claims.
 */
export function registryUser(actor: Actor): string | null {
  if (actor.channel !== 'slack' && actor.channel !== 'teams') return null;
  return actor.authenticated === true ? platformUser(actor.channel, actor.userRef) : UNAUTHENTICATED_USER;
}

export function followupFeature(chat: FollowupChat): TurnFeature {
  return {
    name: FOLLOWUP_FEATURE,
    async handle(request: TurnRequest): Promise<FeatureOutcome | null> {
      const user = registryUser(request);
      if (user === null) return null;
      if ('action' in request.input) {
        const value = request.input.action;
        if (!isFollowupButtonValue(value)) return null;
        const result = await handleFollowupButton(chat.service, { value, userRef: user, ...(request.lang ? { lang: request.lang } : {}) });
        return { kind: 'feature', feature: FOLLOWUP_FEATURE, replies: [result.reply], ok: result.ok, ...(result.acted ? { acted: result.acted } : {}) };
      }
      const outcome = await chat.handleText(request.input.text, user);
      if (outcome === null) return null;
      if (outcome.kind === 'form') {
        return { kind: 'form', feature: FOLLOWUP_FEATURE, form: 'enrolment', lang: outcome.lang, fallback: chat.formUnavailable(outcome.lang) };
      }
      return { kind: 'feature', feature: FOLLOWUP_FEATURE, replies: [outcome.reply], ok: outcome.ok };
    },
  };
}

const MARKS = {
  it: { overdue: ' · scaduto', booked: ' · prenotato' },
  en: { overdue: ' · overdue', booked: ' · booked' },
} as const;

export function followupForms(chat: FollowupChat, onUpcomingFailed: (error: unknown) => void = () => undefined): FollowupForms {
  return {
    get lang() {
      return chat.service.settings.lang;
    },
    therapyChoices: (lang) => chat.therapyChoices(lang),
    async submitEnrolment(actor, fields, lang) {
      const result = await chat.submitForm(registryUser(actor) ?? UNAUTHENTICATED_USER, fields, lang);
      if (result.ok) return { ok: true, reply: result.reply, scheduledItems: result.patient.items.length };
      return { ok: false, errors: problemsByField(result.problems, lang), reply: result.reply };
    },
    async upcoming(actor) {
      try {
        const items = await chat.upcomingFor(registryUser(actor) ?? UNAUTHENTICATED_USER, HOME_REMINDER_DAYS);
        if (items === 'coordinators-only') return items;
        const today = chat.service.today();
        const lang = chat.service.settings.lang;
        return items.map<UpcomingReminder>((i) => ({
          due: i.dueOn,
          patientCode: i.patientCode,
          what: `${i.name[lang]}${i.dueOn < today ? MARKS[lang].overdue : ''}${i.status === 'booked' ? MARKS[lang].booked : ''}`,
        }));
      } catch (error) {
        // The rest of the Home tab is still worth showing.
        onUpcomingFailed(error);
        return 'unavailable';
      }
    },
  };
}
