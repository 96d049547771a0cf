/**
 * The reply for a turn of the conversation, from the state it ends in: a lookup is answered by the
 * stateless assistant, a dialogue by its own builder. A dialogue cut short by a new question says
 * so in one line above the answer, so that nobody believes it is still waiting for them.
 */
import type { Assistant } from '../assistant.js';
import type { Lang, Reply } from '../../reply/model.js';
import type { AnswerContext } from './context.js';
import { differentialDialogReply } from './differentialDialogReply.js';
import { dosingDialogReply } from './dosingDialogReply.js';
import { t } from './i18n.js';
import { notUnderstoodText } from './notUnderstood.js';
import { scheduleReply } from './scheduleReply.js';
import { menuReply } from './systemReplies.js';
import { isAskingState, regionOf, withLead, type TurnView } from './turnView.js';
import { walkthroughReply } from './walkthroughReply.js';

/** The line that says which dialogue a new question has ended, if one was running. */
function interruptedNote(lang: Lang, view: TurnView): string | null {
  const { before } = view;
  switch (regionOf(before.state)) {
    case 'walkthrough':
      return t(lang, 'wt.paused');
    case 'dosing':
      return isAskingState(before.state) ? t(lang, 'dd.closed') : null;
    case 'differential':
      return isAskingState(before.state) ? t(lang, 'df.closed') : null;
    case 'idle':
      return null;
    default:
      return null;
  }
}

function idleReply(assistant: Assistant, ctx: AnswerContext, view: TurnView): Reply {
  const { event } = view;
  const note = interruptedNote(ctx.lang, view);
  const lead = (reply: Reply) => (note ? withLead(reply, note) : reply);
  switch (event?.type) {
    case 'LOOKUP':
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
    default: {
      const never: never = region;
      return never;
    }
  }
  return note ? withLead(reply, note) : reply;
}
