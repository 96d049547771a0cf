/** The message for a reply the conversation could not use; the dialogue's question follows it. */
import type { ConversationEvent } from '../../../machines/events.js';
import type { AnswerContext } from './context.js';
import { t } from './i18n.js';

/** Long enough to recognise what was typed, short enough not to echo a pasted document. */
const QUOTE_CHARS = 60;

export function quote(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > QUOTE_CHARS ? `${oneLine.slice(0, QUOTE_CHARS - 1)}…` : oneLine;
}

export function notUnderstoodText(ctx: AnswerContext, event: Extract<ConversationEvent, { type: 'NOT_UNDERSTOOD' }>): string {
  const text = quote(event.text);
  switch (event.reason) {
    case 'unclear':
      return t(ctx.lang, 'nu.unclear', { text });
    case 'stale-button':
      return t(ctx.lang, 'nu.stale-button');
    case 'no-such-button':
      return t(ctx.lang, 'nu.no-such-button', { text });
    case 'ambiguous-number':
      return t(ctx.lang, 'nu.ambiguous-number', { text });
    case 'not-an-option':
      return t(ctx.lang, 'nu.not-an-option', { text });
    case 'phosphate-value':
      return t(ctx.lang, 'nu.phosphate-value');
    case 'ambiguous-negation':
      return t(ctx.lang, 'nu.ambiguous-negation', { text });
    default: {
      const never: never = event.reason;
      return never;
    }
  }
}
