/**
 * Follow-up reminders in Teams (docs/followup.md): the enrolment card ("iscrivi" / "enrol" alone)
 * and its submission. The registry's commands and the reminder cards' buttons are answered by the
 * router's follow-up feature (src/followup/turnFeature.ts); the form's operations come through the
 * FollowupForms port (src/core/ports.ts); this file only speaks Teams.
 *
 * Teams has no private replies for a bot in a channel: a refusal (not a coordinator, already
 * done) is answered in the reminder's reply chain like a confirmation. It names no patient beyond
 * the pseudonymous code the reminder already showed.
 */
import type { Activity } from 'botbuilder';
import { z } from 'zod';
import { FOLLOWUP_BUTTON_PREFIX, FORM_TEXT, NO_THERAPY_VALUE, type EnrolmentFields, type FormField } from '../../core/followup.js';
import type { Actor, FollowupForms } from '../../core/ports.js';
import type { Logger } from '../../logging.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, ADAPTIVE_CARD_VERSION, escapeMarkdown } from '../../reply/adaptiveCard.js';
import type { Lang } from '../../reply/model.js';
import { replyActivities } from './outgoing.js';

/** The enrolment card's submit: its data, merged by Teams with the inputs' values. */
export const ENROL_FORM_ACTION = 'pdta:followup:enrol-form';

/** The inputs' ids on the card, by form field. */
const INPUT_IDS: Record<FormField, 'code' | 'lastExams' | 'therapy' | 'therapyLastGiven' | 'therapySince'> = {
  code: 'code',
  last_exams: 'lastExams',
  therapy: 'therapy',
  therapy_last_given: 'therapyLastGiven',
  therapy_since: 'therapySince',
};

/**
 * What an Action.Submit brings back (`activity.value`): the card's data and, for the form, the
 * inputs by id. Teams sends an input left empty as "" or leaves it out.
 */
const FollowupSubmit = z.object({
  pdtaAction: z.string().min(1).max(200).startsWith(FOLLOWUP_BUTTON_PREFIX),
  pdtaLang: z.enum(['it', 'en']).optional(),
  code: z.string().max(200).optional(),
  lastExams: z.string().max(40).optional(),
  therapy: z.string().max(200).optional(),
  therapyLastGiven: z.string().max(40).optional(),
  therapySince: z.string().max(40).optional(),
});
type FollowupSubmit = z.infer<typeof FollowupSubmit>;

type Input =
  | { type: 'Input.Text'; id: string; label: string; placeholder: string; isRequired: true; errorMessage: string; maxLength: number; value?: string }
  | { type: 'Input.Date'; id: string; label: string; isRequired?: boolean; errorMessage?: string; value?: string }
  | { type: 'Input.ChoiceSet'; id: string; label: string; style: 'compact'; isRequired: true; errorMessage: string; choices: Array<{ title: string; value: string }>; value: string };

type FormElement =
  | { type: 'TextBlock'; text: string; wrap: true; weight?: 'bolder'; size?: 'medium'; style?: 'heading'; isSubtle?: boolean; color?: 'attention'; spacing?: 'none' | 'small' }
  | Input;

/** The enrolment form card; the Adaptive Card schema's Input elements, which the reply renderer does not produce. */
export interface EnrolmentCard {
  type: 'AdaptiveCard';
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  version: typeof ADAPTIVE_CARD_VERSION;
  body: FormElement[];
  actions: Array<{ type: 'Action.Submit'; title: string; data: { pdtaAction: typeof ENROL_FORM_ACTION; pdtaLang: Lang } }>;
}

const REQUIRED: Record<Lang, string> = { it: 'Campo obbligatorio', en: 'Required' };

/**
 * The card, empty or (after a refused submission) with what was typed and each problem under its
 * field. Dates go in and out as YYYY-MM-DD, which enrolment.ts reads.
 */
export function enrolmentCard(forms: Pick<FollowupForms, 'therapyChoices'>, lang: Lang, filled?: FollowupSubmit, errors: Partial<Record<FormField, string>> = {}): EnrolmentCard {
  const t = FORM_TEXT[lang];
  const choices = forms.therapyChoices(lang).map((c) => ({ title: c.label, value: c.value }));
  const error = (field: FormField): FormElement[] =>
    errors[field] === undefined ? [] : [{ type: 'TextBlock', text: `⚠️ ${escapeMarkdown(errors[field])}`, wrap: true, color: 'attention', spacing: 'none' }];
  const value = (v: string | undefined) => (v !== undefined && v !== '' ? { value: v } : {});
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: ADAPTIVE_CARD_VERSION,
    body: [
      { type: 'TextBlock', text: t.title, wrap: true, weight: 'bolder', size: 'medium', style: 'heading' },
      { type: 'TextBlock', text: escapeMarkdown(t.intro), wrap: true, isSubtle: true },
      {
        type: 'Input.Text',
        id: INPUT_IDS.code,
        label: t.code,
        placeholder: t.codePlaceholder,
        isRequired: true,
        errorMessage: REQUIRED[lang],
        maxLength: 64,
        ...value(filled?.code),
      },
      ...error('code'),
      { type: 'Input.Date', id: INPUT_IDS.last_exams, label: t.lastExams, isRequired: true, errorMessage: REQUIRED[lang], ...value(filled?.lastExams) },
      ...error('last_exams'),
      {
        type: 'Input.ChoiceSet',
        id: INPUT_IDS.therapy,
        label: t.therapy,
        style: 'compact',
        isRequired: true,
        errorMessage: REQUIRED[lang],
        choices,
        value: filled?.therapy && choices.some((c) => c.value === filled.therapy) ? filled.therapy : NO_THERAPY_VALUE,
      },
      ...error('therapy'),
      { type: 'Input.Date', id: INPUT_IDS.therapy_last_given, label: `${t.therapyLastGiven} (${t.therapyLastGivenHint.replace(/\.$/, '').toLowerCase()})`, ...value(filled?.therapyLastGiven) },
      ...error('therapy_last_given'),
      { type: 'Input.Date', id: INPUT_IDS.therapy_since, label: `${t.therapySince} (${t.therapySinceHint.replace(/\.$/, '').toLowerCase()})`, ...value(filled?.therapySince) },
      ...error('therapy_since'),
    ],
    actions: [{ type: 'Action.Submit', title: t.submit, data: { pdtaAction: ENROL_FORM_ACTION, pdtaLang: lang } }],
  };
}

function cardActivity(card: EnrolmentCard, summary: string): Partial<Activity> {
  return { type: 'message', summary, attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card }] };
}

export class TeamsFollowup {
  constructor(
    private readonly forms: FollowupForms,
    private readonly logger: Logger,
  ) {}

  /** The enrolment card, empty, for a form the router's follow-up feature asked for. */
  formCard(lang: Lang): Partial<Activity> {
    this.logger.info({ form: 'enrol' }, 'Teams follow-up form sent');
    return cardActivity(enrolmentCard(this.forms, lang), FORM_TEXT[lang].title);
  }

  /**
   * The activities answering the enrolment card's submission; null for any other message (the
   * router answers those). Database failures are thrown, for the bot's apology.
   */
  async submitted(activity: Partial<Activity>, actor: Actor): Promise<Array<Partial<Activity>> | null> {
    const parsed = FollowupSubmit.safeParse(activity.value);
    if (!parsed.success || parsed.data.pdtaAction !== ENROL_FORM_ACTION) return null;
    const data = parsed.data;
    const lang = data.pdtaLang ?? this.forms.lang;
    const fields: EnrolmentFields = {
      code: data.code ?? '',
      lastExams: data.lastExams ?? '',
      therapy: data.therapy ?? NO_THERAPY_VALUE,
      therapyLastGiven: data.therapyLastGiven ?? null,
      therapySince: data.therapySince ?? null,
    };
    const result = await this.forms.submitEnrolment(actor, fields, lang);
    if (result.ok) {
      this.logger.info({ items: result.scheduledItems }, 'Teams follow-up form enrolled a patient');
      return replyActivities(result.reply);
    }
    const errors = result.errors;
    this.logger.info({ fields: Object.keys(errors) }, 'Teams follow-up form refused');
    // The form again, as typed, with each problem under its field: nothing to type twice. A
    // refused code is not sent back: it may be a name, and the card is a message in the chat.
    const { code, ...rest } = data;
    const filled = errors.code === undefined && code !== undefined ? { ...rest, code } : rest;
    return [cardActivity(enrolmentCard(this.forms, lang, filled, errors), FORM_TEXT[lang].title)];
  }
}
