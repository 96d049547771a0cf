/**
 * What one message holds besides a single question, answered in the conversation:
 * - something the PDTA does not state: "the PDTA does not say" first, then the nearest sections as
 *   buttons, never a related passage shown as if it were the answer;
 * - a premise about the PDTA ("since the PDTA recommends calcium salts as binders", "checking
 *   phosphate every 3 months"): what the PDTA actually says comes first, then the answer;
 * - two questions at once: both answered, each with its citation, none silently dropped.
 * The event is a LOOKUP whose text carries the marker; the reply is built by oneMessageReply.
 */
import type { ConversationEvent } from '../../machines/events.js';
import { notStatedKind, splitQuestions, statedIntervalMonths, statesPremise, type NotStatedKind } from '../nlu/messageShape.js';
import type { Understanding } from '../nlu/understand.js';
import { redactIdentifiers } from '../nlu/identifiers.js';
import type { Lang, Reply } from '../reply/model.js';
import { remindNoIdentifiers, type Assistant } from './assistant.js';
import { labelFor } from './answer/actionLabels.js';
import { loc, ReplyBuilder, type AnswerContext } from './answer/context.js';
import { t } from './answer/i18n.js';
import { combine } from './answer/turnView.js';

export const NOT_STATED_PREFIX = 'pdta:not-stated:';
export const PREMISE_PREFIX = 'pdta:premise:';
export const TWO_PREFIX = 'pdta:two:';

const STRONG = new Set<Understanding['intent']>(['therapy', 'tmp-gfr', 'condition', 'differential', 'step', 'exam', 'topic', 'referral', 'not-covered']);

/** The event for a message that holds more than one question, a premise, or asks what the PDTA does not state. */
export function oneMessageEvent(assistant: Assistant, text: string, read: ConversationEvent): ConversationEvent | null {
  if (read.type !== 'LOOKUP' && read.type !== 'DOSE') return null;
  const { tokens, folded } = assistant.understand(text).text;
  const kind = notStatedKind(tokens);
  if (kind) return { type: 'LOOKUP', text: `${NOT_STATED_PREFIX}${kind}:${text}` };
  if (statesPremise(tokens) || statedIntervalMonths(folded) !== null) {
    if (premiseLead(assistant, { catalog: assistant.catalog, lang: 'it' }, text) !== null) return { type: 'LOOKUP', text: `${PREMISE_PREFIX}${text}` };
  }
  const split = secondQuestion(assistant, text);
  if (split !== null) return { type: 'LOOKUP', text: `${TWO_PREFIX}${split}:${text}` };
  return null;
}

/** Where the second question starts, when the whole message's answer would leave it out. */
function secondQuestion(assistant: Assistant, text: string): number | null {
  const candidates = splitQuestions(text);
  if (candidates.length === 0) return null;
  const read = assistant.understand(text);
  const asked = read.intent === 'referral' ? read.referralFor : [];
  const whole = assistant.ask(text);
  for (const { left, right } of candidates) {
    const r = assistant.understand(right);
    // "quale specialista per X e quale per Y?": the second half, read alone, no longer asks for a
    // specialist, and the whole message's answer already gives the one for Y.
    if (r.intent !== 'referral' && r.indications.length > 0 && r.indications.every((id) => asked.includes(id))) continue;
    const l = assistant.understand(left);
    if (!STRONG.has(r.intent) || !STRONG.has(l.intent)) continue;
    // Either half may be the one the whole message's answer leaves out ("ogni quanto il fosforo e a chi lo mando per il dolore?").
    for (const half of [right, left]) {
      const first = assistant.ask(half).itemIds[0];
      if (first !== undefined && !whole.itemIds.includes(first)) return text.length - right.length;
    }
  }
  return null;
}

/** The pages "not found" offers (the passages and the questions they answer), else the best passages. */
function nearestButtons(ctx: AnswerContext, b: ReplyBuilder, u: Understanding): void {
  const pages = u.nearest.length > 0 ? u.nearest : u.hits;
  for (const hit of pages.slice(0, 3)) {
    const value = `pdta:show:${hit.id}`;
    const label = labelFor(ctx.catalog, value, ctx.lang);
    if (label) b.action(label, value);
  }
}

function notStatedReply(assistant: Assistant, ctx: AnswerContext, kind: NotStatedKind, text: string): Reply {
  const b = new ReplyBuilder(ctx, 'not-covered');
  b.text(t(ctx.lang, 'one.notStated', { what: t(ctx.lang, `one.notStated.${kind}`) }));
  b.text(t(ctx.lang, 'one.nearest'));
  nearestButtons(ctx, b, assistant.understand(text));
  b.action(labelFor(ctx.catalog, 'pdta:menu', ctx.lang), 'pdta:menu');
  return b.build();
}

/**
 * What the PDTA says against the message's premise, from content/: the follow-up table's interval
 * when the message takes another for granted; the PDTA's note where it gives no dose; otherwise
 * the cautions recorded where the PDTA contradicts itself on the subject asked.
 */
function premiseLead(assistant: Assistant, ctx: AnswerContext, text: string): Reply | null {
  const u = assistant.understand(text);
  const b = new ReplyBuilder(ctx, 'answer');
  const months = statedIntervalMonths(u.text.folded);
  if (months !== null) {
    // The follow-up row the question is about is the best-ranked one; if it says the same interval, the premise holds.
    const ids = [...u.named.map((m) => m.id), ...u.hits.slice(0, 3).map((h) => h.id)];
    const best = ids.map((id) => ctx.catalog.content.followup.find((f) => f.id === id)).find((f) => f !== undefined);
    const item = best && best.everyMonths !== months ? best : undefined;
    if (item) {
      b.text(t(ctx.lang, 'one.premiseInterval', { name: loc(ctx, item.name), interval: loc(ctx, item.intervalText), months }), t(ctx.lang, 'one.premiseTitle'));
      return b.cite(item.source).about(item.id).build();
    }
  }
  if (!statesPremise(u.text.tokens)) return null;
  for (const id of [...u.therapies, ...u.hits.slice(0, 3).map((h) => h.id)]) {
    const therapy = ctx.catalog.therapy(id);
    if (!therapy) continue;
    const cautions = therapy.cautions.flatMap((c) => ctx.catalog.content.cautions.find((x) => x.id === c) ?? []);
    if (cautions.length > 0) {
      return b.text(cautions.map((c) => loc(ctx, c.text)).join('\n'), t(ctx.lang, 'one.premiseTitle')).cite(therapy.source).about(therapy.id).build();
    }
    if (therapy.note && therapy.adult.kind === 'no-dose' && therapy.paediatric.kind === 'no-dose') {
      return b.text(loc(ctx, therapy.note), t(ctx.lang, 'one.premiseTitle')).cite(therapy.source).about(therapy.id).build();
    }
  }
  return null;
}

export function oneMessageReply(assistant: Assistant, ctx: AnswerContext, value: string): Reply | null {
  if (value.startsWith(NOT_STATED_PREFIX)) {
    const rest = value.slice(NOT_STATED_PREFIX.length);
    const colon = rest.indexOf(':');
    return notStatedReply(assistant, ctx, rest.slice(0, colon) as NotStatedKind, rest.slice(colon + 1));
  }
  if (value.startsWith(PREMISE_PREFIX)) {
    const text = value.slice(PREMISE_PREFIX.length);
    const answer = assistant.ask(text, { lang: ctx.lang });
    const lead = premiseLead(assistant, ctx, text);
    return lead ? combine(answer.kind, [lead, answer]) : answer;
  }
  if (value.startsWith(TWO_PREFIX)) {
    const rest = value.slice(TWO_PREFIX.length);
    const colon = rest.indexOf(':');
    const at = Number(rest.slice(0, colon));
    const text = rest.slice(colon + 1);
    const first = assistant.ask(text.slice(0, at).replace(/\s*(?:\b(?:e|ed|and|also|inoltre|poi|plus)|[?;])\s*$/i, ''), { lang: ctx.lang });
    const second = assistant.ask(text.slice(at), { lang: ctx.lang });
    return combine(first.kind, [first, second]);
  }
  return null;
}

/**
 * One message answered on its own, as `pdta ask` does: when it holds two questions, a premise, or
 * asks what the PDTA does not state, the reply a conversation's turn gives it (both questions
 * answered, the premise corrected first); otherwise ask()'s. Identifiers are cut out first, as in a turn.
 */
export function answerMessage(assistant: Assistant, typed: string, options: { lang?: Lang } = {}): Reply {
  const redaction = redactIdentifiers(typed);
  const text = redaction.text;
  const event = oneMessageEvent(assistant, text, { type: 'LOOKUP', text });
  const lang = options.lang ?? assistant.understand(text).lang;
  const shaped = event?.type === 'LOOKUP' ? oneMessageReply(assistant, { catalog: assistant.catalog, lang }, event.text) : null;
  if (!shaped) return assistant.ask(typed, options);
  return redaction.found.length > 0 ? remindNoIdentifiers(shaped) : shaped;
}
