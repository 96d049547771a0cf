/**
 * Follow-up reminders in Slack (docs/followup.md): registry commands typed to the app, the
 * enrolment modal of `/pdta iscrivi`, the reminder buttons and the App Home list. The registry's
 * rules live in src/followup (FollowupChat, FollowupService); this file only speaks Slack.
 *
 * Where answers go: a command typed in a DM or a mention is answered where it was typed, a
 * `/pdta` command privately (as every /pdta answer). A reminder button that changed something is
 * answered in the reminder's thread, naming who pressed it, so every coordinator sees that it was
 * handled; a refusal (not a coordinator, already done) only to the person who pressed it. The
 * reminder message itself is updated to say who did what and when (reminderUpdate.ts).
 */
import type { App, BlockAction, ButtonAction, types, ViewSubmitAction, webApi } from '@slack/bolt';
import { FORM_TEXT, NO_THERAPY_VALUE, problemsByField, type ChatOutcome, type FollowupChat, type FormField } from '../../followup/chat.js';
import { handleFollowupButton, isFollowupButtonValue, type FollowupButtonResult } from '../../followup/buttons.js';
import { platformUser } from '../../followup/settings.js';
import type { Logger } from '../../logging.js';
import { escapeMrkdwn, renderBlockKit, renderReplyBlocks, type RenderOptions } from '../../reply/blockKit.js';
import type { Lang, Reply } from '../../reply/model.js';
import type { ChatPoster } from './chatPoster.js';
import { postToConversation, postToConversationOrPrivately, respondWith, type Deliver } from './delivery.js';
import type { UpcomingReminder, UpcomingRemindersSource } from './home.js';
import { FOLLOWUP_RECORDED_BY, FOLLOWUP_SAVE_FAILED, NOT_IN_CHANNEL } from './messages.js';
import type { FirstDelivery } from './middleware.js';
import { pressedMessage, updateReminderMessage } from './reminderUpdate.js';
import { FAILED_MESSAGE, type SlackTurns } from './turns.js';

/** The enrolment modal's callback_id; its submissions are acknowledged by the listener, with the form's errors. */
export const ENROL_VIEW_CALLBACK_ID = 'pdta:followup:enrol';
/** Reminders posted before they were rendered by src/reply/blockKit.ts carry `pdta:followup:<verb>` as action_id; newer ones are routed by value (listeners.ts). */
export const FOLLOWUP_ACTION_ID = /^pdta:followup:/;
/** Every input's action_id; the block_id names the field. */
const INPUT_ACTION_ID = 'value';
/** The App Home shows this many reminders; `pdta followup upcoming` shows them all. */
export const HOME_REMINDER_DAYS = 30;

function plain(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: text.length > max ? `${text.slice(0, max - 1)}…` : text, emoji: true };
}

/** The enrolment form (Slack modal): code, last exams, therapy with a PDTA rhythm or none, its last administration, since when. */
export function enrolmentModal(chat: FollowupChat, lang: Lang): types.ModalView {
  const t = FORM_TEXT[lang];
  const options = chat.therapyChoices(lang).map((c) => ({ text: plain(c.label, 75), value: c.value }));
  const none = options.find((o) => o.value === NO_THERAPY_VALUE)!;
  return {
    type: 'modal',
    callback_id: ENROL_VIEW_CALLBACK_ID,
    private_metadata: JSON.stringify({ lang }),
    title: plain(t.title, 24),
    submit: plain(t.submit, 24),
    close: plain(t.cancel, 24),
    blocks: [
      { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(t.intro), verbatim: true }] },
      {
        type: 'input',
        block_id: 'code',
        label: plain(t.code, 2000),
        element: { type: 'plain_text_input', action_id: INPUT_ACTION_ID, placeholder: plain(t.codePlaceholder, 150), max_length: 64 },
      },
      { type: 'input', block_id: 'last_exams', label: plain(t.lastExams, 2000), element: { type: 'datepicker', action_id: INPUT_ACTION_ID } },
      {
        type: 'input',
        block_id: 'therapy',
        label: plain(t.therapy, 2000),
        element: { type: 'static_select', action_id: INPUT_ACTION_ID, options: options.slice(0, 100), initial_option: none },
      },
      {
        type: 'input',
        block_id: 'therapy_last_given',
        optional: true,
        label: plain(t.therapyLastGiven, 2000),
        hint: plain(t.therapyLastGivenHint, 2000),
        element: { type: 'datepicker', action_id: INPUT_ACTION_ID },
      },
      {
        type: 'input',
        block_id: 'therapy_since',
        optional: true,
        label: plain(t.therapySince, 2000),
        hint: plain(t.therapySinceHint, 2000),
        element: { type: 'datepicker', action_id: INPUT_ACTION_ID },
      },
    ],
  };
}

/** After a successful submission the modal shows what was recorded, in place of the form. */
function confirmationModal(reply: Reply, lang: Lang): types.ModalView {
  const t = FORM_TEXT[lang];
  return {
    type: 'modal',
    callback_id: `${ENROL_VIEW_CALLBACK_ID}:done`,
    title: plain(t.done, 24),
    close: plain(t.close, 24),
    // A view holds 100 blocks; a confirmation uses about six.
    blocks: renderReplyBlocks(reply).slice(0, 100),
  };
}

function langOfMetadata(metadata: string | undefined): Lang | null {
  try {
    const parsed: unknown = JSON.parse(metadata ?? '');
    if (typeof parsed === 'object' && parsed !== null && 'lang' in parsed && (parsed.lang === 'it' || parsed.lang === 'en')) return parsed.lang;
  } catch {
    // Not ours, or empty: the registry's language.
  }
  return null;
}

function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' && field !== '' ? field : undefined;
}

/** True for the enrolment modal's submissions, which must be acknowledged with their errors, not at once. */
export function isEnrolmentSubmission(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return b['type'] === 'view_submission' && stringField(b['view'], 'callback_id') === ENROL_VIEW_CALLBACK_ID;
}

export interface SlackFollowupDeps {
  chat: FollowupChat;
  turns: SlackTurns;
  once: FirstDelivery;
  poster: ChatPoster;
  logger: Logger;
}

export class SlackFollowup {
  constructor(private readonly d: SlackFollowupDeps) {}

  get lang(): Lang {
    return this.d.chat.service.settings.lang;
  }

  private async deliverAll(deliver: Deliver, reply: Reply, options: RenderOptions = {}): Promise<void> {
    for (const message of renderBlockKit(reply, options)) await deliver(message);
  }

  private async failed(deliver: Deliver, error: unknown, what: string): Promise<false> {
    this.d.logger.error({ err: error }, what);
    try {
      await deliver(FAILED_MESSAGE);
    } catch (notice) {
      this.d.logger.error({ err: notice }, 'slack failure notice not delivered');
    }
    return false;
  }

  /**
   * A typed text, if it is a registry command: answered with `deliver`, the form opened when a
   * trigger_id allows it (a slash command; a plain message cannot open a modal). Resolves null for
   * any other text, which the conversation service then answers.
   */
  async text(input: { text: string; userRef: string; deliver: Deliver; client: webApi.WebClient; triggerId?: string }): Promise<boolean | null> {
    let outcome: ChatOutcome | null;
    try {
      outcome = await this.d.chat.handleText(input.text, platformUser('slack', input.userRef));
    } catch (error) {
      return this.failed(input.deliver, error, 'slack follow-up command failed');
    }
    if (outcome === null) return null;
    try {
      if (outcome.kind === 'form') {
        if (input.triggerId !== undefined) {
          try {
            await input.client.views.open({ trigger_id: input.triggerId, view: enrolmentModal(this.d.chat, outcome.lang) });
            this.d.logger.info({ form: 'enrol' }, 'slack follow-up form opened');
            return true;
          } catch (error) {
            // An expired trigger (Slack allows 3 s) or a refused view: the typed command still works.
            this.d.logger.warn({ err: error }, 'slack follow-up form not opened; answering with the typed command instead');
          }
        }
        await this.deliverAll(input.deliver, this.d.chat.formUnavailable(outcome.lang));
        return true;
      }
      await this.deliverAll(input.deliver, outcome.reply);
      this.d.logger.info({ ok: outcome.ok }, 'slack follow-up command answered');
      return true;
    } catch (error) {
      return this.failed(input.deliver, error, 'slack follow-up reply not delivered');
    }
  }

  /** The enrolment modal's submission: errors next to each field, or enrolled and the modal shows it. */
  registerListeners(app: App): void {
    app.view<ViewSubmitAction>(ENROL_VIEW_CALLBACK_ID, async ({ ack, body, view }) => {
      const lang = langOfMetadata(view.private_metadata) ?? this.lang;
      const values = view.state.values;
      const field = (block: FormField) => values[block]?.[INPUT_ACTION_ID];
      const fields = {
        code: field('code')?.value ?? '',
        lastExams: field('last_exams')?.selected_date ?? '',
        therapy: field('therapy')?.selected_option?.value ?? NO_THERAPY_VALUE,
        therapyLastGiven: field('therapy_last_given')?.selected_date ?? null,
        therapySince: field('therapy_since')?.selected_date ?? null,
      };
      let result: Awaited<ReturnType<FollowupChat['submitForm']>>;
      try {
        result = await this.d.chat.submitForm(platformUser('slack', body.user.id), fields, lang);
      } catch (error) {
        this.d.logger.error({ err: error }, 'slack follow-up form not saved');
        await ack({ response_action: 'errors', errors: { code: FOLLOWUP_SAVE_FAILED[lang] } });
        return;
      }
      if (!result.ok) {
        const errors: Record<string, string> = {};
        for (const [block, text] of Object.entries(problemsByField(result.problems, lang))) errors[block] = text;
        await ack({ response_action: 'errors', errors });
        this.d.logger.info({ fields: Object.keys(errors) }, 'slack follow-up form refused');
        return;
      }
      await ack({ response_action: 'update', view: confirmationModal(result.reply, lang) });
      this.d.logger.info({ items: result.patient.items.length }, 'slack follow-up form enrolled a patient');
    });

    app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: FOLLOWUP_ACTION_ID }, async ({ action, body, context, client }) => {
      if (!action.value || !isFollowupButtonValue(action.value)) return;
      if (!(await this.d.once.check(body, context))) return;
      await this.button(action.value, body, client);
    });
  }

  /**
   * A reminder button (or any button whose value is `pdta:followup:…`): runs it for the person who
   * pressed it and answers where it was pressed.
   */
  button(value: string, body: BlockAction<ButtonAction>, client: webApi.WebClient): Promise<boolean> {
    const userId = body.user.id;
    const channel = body.channel?.id ?? stringField(body.container, 'channel_id');
    const message = body.message;
    const threadTs = stringField(message, 'thread_ts') ?? message?.ts;
    const ephemeral = respondWith(body.response_url, { response_type: 'ephemeral', replace_original: false });
    return this.d.turns.track(`${channel ?? `home:${userId}`}:${threadTs ?? ''}`, async () => {
      let result: FollowupButtonResult;
      try {
        result = await handleFollowupButton(this.d.chat.service, { value, userRef: platformUser('slack', userId) });
      } catch (error) {
        return this.failed(ephemeral, error, 'slack follow-up button failed');
      }
      const lang = result.reply.lang;
      const pressed = result.acted ? pressedMessage(body) : null;
      if (pressed && result.acted) {
        await updateReminderMessage(client, pressed, result.acted, userId).catch((error: unknown) => this.d.logger.warn({ err: error }, 'slack reminder message not updated'));
      }
      try {
        let deliver: Deliver;
        if (body.view !== undefined || body.container['type'] === 'view') {
          // The Home tab: no thread to answer in; the app's direct messages with the user.
          const opened = await client.conversations.open({ users: userId });
          const dm = opened.channel?.id;
          if (!dm) throw new Error('conversations.open returned no channel');
          deliver = postToConversation(this.d.poster, dm, undefined);
        } else if (!result.ok || body.container['is_ephemeral'] === true || channel === undefined) {
          deliver = ephemeral;
        } else {
          deliver = postToConversationOrPrivately(this.d.poster, channel, threadTs, body.response_url, NOT_IN_CHANNEL[lang]);
        }
        await this.deliverAll(deliver, result.reply, result.ok ? { leadContext: FOLLOWUP_RECORDED_BY[lang](userId) } : {});
        this.d.logger.info({ ok: result.ok, verb: value.split(':')[2] }, 'slack follow-up button answered');
        return true;
      } catch (error) {
        return this.failed(ephemeral, error, 'slack follow-up button reply not delivered');
      }
    });
  }

  /** The App Home's list: the next HOME_REMINDER_DAYS days, overdue first, for coordinators only. */
  homeSource(): UpcomingRemindersSource {
    return async (userRef) => {
      try {
        const items = await this.d.chat.upcomingFor(platformUser('slack', userRef), HOME_REMINDER_DAYS);
        if (items === 'coordinators-only') return items;
        const today = this.d.chat.service.today();
        const lang = this.lang;
        return items.map<UpcomingReminder>((i) => ({
          due: i.dueOn,
          patientCode: i.patientCode,
          what: `${i.name[lang]}${i.dueOn < today ? (lang === 'it' ? ' · scaduto' : ' · overdue') : ''}${i.status === 'booked' ? (lang === 'it' ? ' · prenotato' : ' · booked') : ''}`,
        }));
      } catch (error) {
        // The rest of the Home tab is still worth showing.
        this.d.logger.error({ err: error }, 'upcoming reminders not read for the Home tab');
        return 'unavailable';
      }
    };
  }
}
