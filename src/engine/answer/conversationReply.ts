/**
 * The reply for a turn of the conversation, from the state it ends in: a lookup is answered by the
 * stateless assistant, a dialogue by its own builder. A few lookups belong to the conversation: the
 * offer of the walkthrough ("avanti" with none running), a follow-up on the last therapy's criteria,
 * and the replies for what one message holds besides one question (src/engine/oneMessage.ts). A
 * dialogue cut short by a new question says so in one line above the answer, so that nobody
 * believes it is still waiting for them, or that a dose put aside was forgotten.
 */
import type { Assistant } from '../assistant.js';
import type { Lang, Reply } from '../../reply/model.js';
import { labelFor } from './actionLabels.js';
import { loc, ReplyBuilder, type AnswerContext } from './context.js';
import { differentialDialogReply } from './differentialDialogReply.js';
import { dosingDialogReply } from './dosingDialogReply.js';
import { t } from './i18n.js';
import { notUnderstoodText } from './notUnderstood.js';
import { scheduleReply } from './scheduleReply.js';
import { tmpDialogReply } from './tmpDialogReply.js';
import { menuReply } from './systemReplies.js';
import { combine, isAskingState, regionOf, withLead, type TurnView } from './turnView.js';
import { CRITERIA_PREFIX } from '../carryOver.js';
import { OFFER_WALKTHROUGH } from '../interpret.js';
import { oneMessageReply } from '../oneMessage.js';
import { walkthroughReply } from './walkthroughReply.js';

/** The line that says which dialogue a new question has ended, if one was running. */
function interruptedNote(lang: Lang, view: TurnView): string | null {
  const { before } = view;
  switch (regionOf(before.state)) {
    case 'walkthrough':
      return t(lang, 'wt.paused');
    case 'dosing':
      if (!isAskingState(before.state)) return null;
      return t(lang, view.event?.type === 'LOOKUP' ? 'dd.suspended' : 'dd.closed');
    case 'tmp':
      if (!isAskingState(before.state)) return null;
      return t(lang, view.event?.type === 'LOOKUP' ? 'tmp.suspended' : 'tmp.closed');
    case 'differential':
      return isAskingState(before.state) ? t(lang, 'df.closed') : null;
    case 'idle':
      return null;
    default:
      return null;
  }
}

/** "avanti" with nothing to go on from: the walkthrough (and the other dialogues) offered as buttons. */
function offerWalkthroughReply(ctx: AnswerContext): Reply {
  const b = new ReplyBuilder(ctx, 'menu').text(t(ctx.lang, 'conv.offerWalkthrough'));
  b.action(labelFor(ctx.catalog, 'pdta:walkthrough', ctx.lang), 'pdta:walkthrough');
  b.action(labelFor(ctx.catalog, 'pdta:differential', ctx.lang), 'pdta:differential');
  b.action(labelFor(ctx.catalog, 'pdta:menu', ctx.lang), 'pdta:menu');
  return b.build();
}

/**
 * "e quando lo sospendo?" after a therapy's answer: that therapy's stop (or start) criteria first,
 * as the table writes them, then the therapy's answer they come from.
 */
function criteriaReply(assistant: Assistant, ctx: AnswerContext, value: string): Reply {
  const [which, id] = value.slice(CRITERIA_PREFIX.length).split(':');
  const therapy = id ? ctx.catalog.therapy(id) : undefined;
  const full = assistant.ask(`pdta:show:${id ?? ''}`, { lang: ctx.lang });
  if (!therapy) return full;
  const list = which === 'start' ? therapy.startCriteria : therapy.stopCriteria;
  const label = t(ctx.lang, which === 'start' ? 'startCriteria' : 'stopCriteria');
  const text = list.map((c) => loc(ctx, c)).join('; ') || t(ctx.lang, 'noneStated');
  const lead = new ReplyBuilder(ctx, 'dose').facts([{ label, value: text }], loc(ctx, therapy.name)).cite(therapy.source).about(therapy.id).build();
  return combine('dose', [lead, full]);
}

function idleReply(assistant: Assistant, ctx: AnswerContext, view: TurnView): Reply {
  const { event } = view;
  const note = interruptedNote(ctx.lang, view);
  const lead = (reply: Reply) => (note ? withLead(reply, note) : reply);
  switch (event?.type) {
    case 'LOOKUP':
      if (event.text === OFFER_WALKTHROUGH) return offerWalkthroughReply(ctx);
      if (event.text.startsWith(CRITERIA_PREFIX)) return criteriaReply(assistant, ctx, event.text);
      {
        const shaped = oneMessageReply(assistant, ctx, event.text);
        if (shaped) return lead(shaped);
      }
      return lead(event.text === 'pdta:schedule' ? scheduleReply(ctx) : assistant.ask(event.text, { lang: ctx.lang }));
    case 'EXIT':
      return menuReply(ctx, note ?? t(ctx.lang, 'conv.nothingToClose'));
    case 'NOT_UNDERSTOOD':
      return menuReply(ctx, notUnderstoodText(ctx, event));
    case 'MENU':
      return lead(menuReply(ctx));
    case undefined:
    case 'HELP':
    case 'REPEAT':
    case 'DOSE':
    case 'SLOT':
    case 'WALKTHROUGH':
    case 'NEXT':
    case 'BACK':
    case 'GOTO':
    case 'SUMMARY':
    case 'RESTART':
    case 'RECORD':
    case 'SKIP':
    case 'DIFFERENTIAL':
    case 'ANSWER':
    case 'TMP':
    case 'TMP_VALUES':
      return menuReply(ctx);
    default: {
      const never: never = event;
      return never;
    }
  }
}

export function conversationReply(assistant: Assistant, lang: Lang, view: TurnView): Reply {
  const ctx: AnswerContext = { catalog: assistant.catalog, lang };
  const region = regionOf(view.after.state);
  if (region === 'idle') return idleReply(assistant, ctx, view);
  const note = regionOf(view.before.state) !== region ? interruptedNote(lang, view) : null;
  let reply: Reply;
  switch (region) {
    case 'walkthrough':
      reply = walkthroughReply(ctx, view);
      break;
    case 'dosing':
      reply = dosingDialogReply(ctx, view);
      break;
    case 'differential':
      reply = differentialDialogReply(ctx, view);
      break;
    case 'tmp':
      reply = tmpDialogReply(ctx, view);
      break;
    default: {
      const never: never = region;
      return never;
    }
  }
  return note ? withLead(reply, note) : reply;
}
