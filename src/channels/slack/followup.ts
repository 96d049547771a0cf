/**
 * Follow-up reminders in Slack (docs/followup.md): the enrolment modal of `/pdta iscrivi`, the
 * reminder buttons and the App Home list. The registry's commands and buttons are answered by the
 * router's follow-up feature (src/followup/turnFeature.ts); the form's operations come through the
 * FollowupForms port (src/core/ports.ts); this file only speaks Slack.
 *
 * Where answers go: a command typed in a DM or a mention is answered where it was typed, a
 * `/pdta` command privately (as every /pdta answer). A reminder button that changed something is
 * answered in the reminder's thread, naming who pressed it, so every coordinator sees that it was
 * handled; a refusal (not a coordinator, already done) only to the person who pressed it. The
 * reminder message itself is updated to say who did what and when (reminderUpdate.ts).
 */
import type { App, BlockAction, ButtonAction, types, ViewSubmitAction, webApi } from '@slack/bolt';
import { FORM_TEXT, isFollowupButtonValue, NO_THERAPY_VALUE, type FormField } from '../../core/followup.js';
import type { Actor, FollowupForms } from '../../core/ports.js';
import type { TurnOutcome } from '../../core/router.js';
import type { Logger } from '../../logging.js';
import { escapeMrkdwn, renderReplyBlocks } from '../../reply/blockKit.js';
import type { Lang, Reply } from '../../reply/model.js';
import type { ChatPoster } from './chatPoster.js';
import { postToConversation, postToConversationOrPrivately, respondWith, type Deliver } from './delivery.js';
import { FOLLOWUP_RECORDED_BY, FOLLOWUP_SAVE_FAILED, NOT_IN_CHANNEL } from './messages.js';
import type { FirstDelivery } from './middleware.js';
import { pressedMessage, updateReminderMessage } from './reminderUpdate.js';
import type { SlackTurns } from './turns.js';

/** The enrolment modal's callback_id; its submissions are acknowledged by the listener, with the form's errors. */
export const ENROL_VIEW_CALLBACK_ID = 'pdta:followup:enrol';
/** Reminders posted before they were rendered by src/reply/blockKit.ts carry `pdta:followup:<verb>` as action_id; newer ones are routed by value (listeners.ts). */
export const FOLLOWUP_ACTION_ID = /^pdta:followup:/;
/** Every input's action_id; the block_id names the field. */
const INPUT_ACTION_ID = 'value';
function plain(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: text.length > max ? `${text.slice(0, max - 1)}…` : text, emoji: true };
}

/** The enrolment form (Slack modal): code, last exams, therapy with a PDTA rhythm or none, its last administration, since when. */
export function enrolmentModal(forms: Pick<FollowupForms, 'therapyChoices'>, lang: Lang): types.ModalView {
  const t = FORM_TEXT[lang];
  const options = forms.therapyChoices(lang).map((c) => ({ text: plain(c.label, 75), value: c.value }));
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
  forms: FollowupForms;
  turns: SlackTurns;
  once: FirstDelivery;
  poster: ChatPoster;
  logger: Logger;
}

/** A Slack user: every request is signed by Slack, so its user is who Slack says. */
function slackActor(userId: string): Actor {
  return { channel: 'slack', userRef: userId, authenticated: true };
}

export class SlackFollowup {
  constructor(private readonly d: SlackFollowupDeps) {}

  get lang(): Lang {
    return this.d.forms.lang;
  }

  /**
   * Opens the enrolment modal for a feature's form outcome, when a trigger_id allows it (a slash
   * command; a plain message cannot open a modal). False when it could not: the typed command's
   * explanation is shown instead.
   */
  formOpener(client: webApi.WebClient, triggerId: string | undefined): ((form: Extract<TurnOutcome, { kind: 'form' }>) => Promise<boolean>) | undefined {
    if (triggerId === undefined) return undefined;
    return async (form) => {
      try {
        await client.views.open({ trigger_id: triggerId, view: enrolmentModal(this.d.forms, form.lang) });
        this.d.logger.info({ form: form.form }, 'slack follow-up form opened');
        return true;
      } catch (error) {
        // An expired trigger (Slack allows 3 s) or a refused view: the typed command still works.
        this.d.logger.warn({ err: error }, 'slack follow-up form not opened; answering with the typed command instead');
        return false;
      }
    };
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
      let result: Awaited<ReturnType<FollowupForms['submitEnrolment']>>;
      try {
        result = await this.d.forms.submitEnrolment(slackActor(body.user.id), fields, lang);
      } catch (error) {
        this.d.logger.error({ err: error }, 'slack follow-up form not saved');
        await ack({ response_action: 'errors', errors: { code: FOLLOWUP_SAVE_FAILED[lang] } });
        return;
      }
      if (!result.ok) {
        const errors: Record<string, string> = {};
        for (const [block, text] of Object.entries(result.errors)) errors[block] = text;
        await ack({ response_action: 'errors', errors });
        this.d.logger.info({ fields: Object.keys(errors) }, 'slack follow-up form refused');
        return;
      }
      await ack({ response_action: 'update', view: confirmationModal(result.reply, lang) });
      this.d.logger.info({ items: result.scheduledItems }, 'slack follow-up form enrolled a patient');
    });

    app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: FOLLOWUP_ACTION_ID }, async ({ action, body, context, client }) => {
      if (!action.value || !isFollowupButtonValue(action.value)) return;
      if (!(await this.d.once.check(body, context))) return;
      await this.button(action.value, body, client);
    });
  }

  /**
   * A reminder button (or any button whose value is `pdta:followup:…`): through the router, which
   * runs it for the person who pressed it; answered where it was pressed.
   */
  button(value: string, body: BlockAction<ButtonAction>, client: webApi.WebClient): Promise<boolean> {
    const userId = body.user.id;
    const channel = body.channel?.id ?? stringField(body.container, 'channel_id');
    const message = body.message;
    const threadTs = stringField(message, 'thread_ts') ?? message?.ts;
    const ephemeral = respondWith(body.response_url, { response_type: 'ephemeral', replace_original: false });
    const request = { channel: 'slack' as const, conversationId: channel ?? `home:${userId}`, threadId: threadTs ?? '', userRef: userId, input: { action: value } };
    return this.d.turns.route(request, ephemeral, async (outcome, log) => {
      const replies = outcome.kind === 'form' ? [outcome.fallback] : outcome.replies;
      const ok = outcome.kind === 'feature' ? outcome.ok : true;
      const lang = replies[0]?.lang ?? this.lang;
      const pressed = outcome.kind === 'feature' && outcome.acted ? pressedMessage(body) : null;
      if (pressed && outcome.kind === 'feature' && outcome.acted) {
        await updateReminderMessage(client, pressed, outcome.acted, userId).catch((error: unknown) => this.d.logger.warn({ ...log, err: error }, 'slack reminder message not updated'));
      }
      let deliver: Deliver;
      try {
        if (body.view !== undefined || body.container['type'] === 'view') {
          // The Home tab: no thread to answer in; the app's direct messages with the user.
          const opened = await client.conversations.open({ users: userId });
          const dm = opened.channel?.id;
          if (!dm) throw new Error('conversations.open returned no channel');
          deliver = postToConversation(this.d.poster, dm, undefined);
        } else if (!ok || body.container['is_ephemeral'] === true || channel === undefined) {
          deliver = ephemeral;
        } else {
          deliver = postToConversationOrPrivately(this.d.poster, channel, threadTs, body.response_url, NOT_IN_CHANNEL[lang]);
        }
      } catch (error) {
        this.d.logger.error({ ...log, err: error }, 'slack follow-up button reply not delivered');
        await this.d.turns.deliverFailure(ephemeral, log);
        return false;
      }
      const delivered = await this.d.turns.deliverReplies(replies, deliver, () => (ok ? { leadContext: FOLLOWUP_RECORDED_BY[lang](userId) } : {}), log, ephemeral);
      if (delivered.ok) this.d.logger.info({ ok, verb: value.split(':')[2] }, 'slack follow-up button answered');
      return delivered.ok;
    });
  }
}
