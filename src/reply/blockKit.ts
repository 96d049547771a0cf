/**
 * Slack Block Kit rendering of a reply: one or more messages, each within Slack's limits. A reply
 * too long for one message becomes several, in order, each marked as a part; no text is ever cut
 * (a clinician must never read half a dose table without knowing it). Everything a user or the
 * content wrote is escaped for mrkdwn and rendered verbatim, so typed text can never become a
 * mention (<!channel>), a link or a user ping.
 */
import type { Action, Block, Citation, Fact, Lang, Reply } from './model.js';
import { visibleBlocks } from './visible.js';

/**
 * Slack's documented limits (https://docs.slack.dev/reference/block-kit/blocks,
 * .../composition-objects/text-object, .../block-elements/button-element).
 */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  /** App Home and modal views. */
  blocksPerView: 100,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  actionId: 255,
  buttonValue: 2000,
  elementsPerActions: 25,
  elementsPerContext: 10,
  contextElementText: 3000,
  /**
   * Not documented: Slack refuses a message whose blocks hold more than about 13,200 characters in
   * all with `msg_blocks_too_long` (slackapi/bolt-js#2509), below the documented 40,000 for `text`.
   */
  messageChars: 12_000,
} as const;

export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
  /** true: Slack must not auto-link names, channels or "@here" in it (it is escaped text, not markup). */
  verbatim: true;
}
export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji: boolean;
}
export interface SectionBlock {
  type: 'section';
  text?: MrkdwnText;
  fields?: MrkdwnText[];
}
export interface HeaderBlock {
  type: 'header';
  text: PlainText;
}
export interface ContextBlock {
  type: 'context';
  elements: MrkdwnText[];
}
export interface ButtonElement {
  type: 'button';
  text: PlainText;
  action_id: string;
  value: string;
  style?: 'primary' | 'danger';
}
export interface ActionsBlock {
  type: 'actions';
  elements: ButtonElement[];
}
export interface DividerBlock {
  type: 'divider';
}
export type SlackBlock = SectionBlock | HeaderBlock | ContextBlock | ActionsBlock | DividerBlock;

export interface SlackMessage {
  /** Notification and screen-reader fallback (mrkdwn-escaped); the blocks carry the whole answer. */
  text: string;
  blocks: SlackBlock[];
}

/** A button the channel adds to a reply (e.g. "Share in channel"); action_id chosen by the channel. */
export interface ExtraButton {
  label: string;
  value: string;
  actionId: string;
  style?: 'primary' | 'danger';
}

export interface RenderOptions {
  extraButtons?: readonly ExtraButton[];
  /** A note shown first, small (e.g. who shared the answer); mrkdwn written by the channel, not escaped here. */
  leadContext?: string;
  /** A note shown last, small (e.g. who acted on a reminder, and when); mrkdwn written by the channel, not escaped here. */
  closingContext?: string;
}

/** Slack message metadata (https://docs.slack.dev/messaging/message-metadata): not shown, read back with the message. */
export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, string | number | boolean>;
}

/** Buttons of a reply carry `pdta:action:<lang>:<n>`; the channel sends every click with this prefix to the engine. */
export const REPLY_ACTION_ID_PREFIX = 'pdta:action:';

const SOURCE: Record<Lang, string> = { it: 'Fonte', en: 'Source' };
const CONTINUED: Record<Lang, (part: number, of: number) => string> = {
  it: (part, of) => `⤵ parte ${part} di ${of}: continua nel messaggio seguente`,
  en: (part, of) => `⤵ part ${part} of ${of}: continued in the next message`,
};
const TYPE_INSTEAD: Record<Lang, string> = { it: 'Per continuare scrivi', en: 'To continue, type' };
/** Long enough for a glance in a notification, short enough not to repeat the answer. */
const FALLBACK_CHARS = 300;
/** Facts with values longer than this read badly in Slack's two-column fields: they become lines. */
const FIELD_VALUE_CHARS = 100;

/** Escapes the three characters Slack reserves for markup (https://docs.slack.dev/messaging/formatting-message-text). */
const MRKDWN_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

export function escapeMrkdwn(text: string): string {
  return /[&<>]/.test(text) ? text.replace(/[&<>]/g, (c) => MRKDWN_ESCAPES[c]!) : text;
}

export function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function mrkdwn(text: string): MrkdwnText {
  return { type: 'mrkdwn', text, verbatim: true };
}

function plain(text: string): PlainText {
  return { type: 'plain_text', text, emoji: true };
}

/** Code points, so that a cut never falls inside a surrogate pair (an emoji, a rare letter). */
function truncatePlain(text: string, max: number): string {
  // UTF-16 units are never fewer than code points: a text this short needs no counting.
  if (text.length <= max) return text;
  let points = 0;
  let keptEnd = 0; // UTF-16 index just after the first max - 1 code points
  for (const ch of text) {
    points += 1;
    if (points > max) return `${text.slice(0, keptEnd)}…`;
    if (points < max) keptEnd += ch.length;
  }
  return text;
}

/**
 * Boundaries to split at, in order of preference: paragraphs, lines, sentences, words. Each
 * pattern splits after the separator, so the separator stays with the text before it.
 */
const BOUNDARIES = [/(?<=\n[ \t]*\n)/, /(?<=\n)/, /(?<=[.;:!?»”)][ \t]+)/, /(?<=[ \t]+)/];
/** An mrkdwn escape is one atom: a part must never end in the middle of "&amp;". */
const ATOM = /&(?:amp|lt|gt);|[\s\S]/gu;

/**
 * Splits mrkdwn text into parts of at most `max` characters at the best boundary available,
 * cutting inside a word only for a word longer than `max`. Only whitespace at a cut is dropped.
 */
export function splitMrkdwn(text: string, max: number): string[] {
  const parts = splitAt(text, max, 0)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  return parts;
}

function splitAt(text: string, max: number, level: number): string[] {
  if (text.length <= max) return [text];
  const boundary = BOUNDARIES[level];
  if (boundary === undefined) return hardSplit(text, max);
  const parts: string[] = [];
  let current = '';
  for (const piece of text.split(boundary)) {
    if (current.length + piece.length <= max) {
      current += piece;
      continue;
    }
    if (current.trim().length > 0) parts.push(current);
    current = '';
    if (piece.length <= max) current = piece;
    else parts.push(...splitAt(piece, max, level + 1));
  }
  if (current.trim().length > 0) parts.push(current);
  return parts;
}

function hardSplit(text: string, max: number): string[] {
  const parts: string[] = [];
  let current = '';
  for (const atom of text.match(ATOM) ?? []) {
    if (current.length + atom.length > max) {
      parts.push(current);
      current = '';
    }
    current += atom;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

function sections(text: string): SectionBlock[] {
  return splitMrkdwn(text, SLACK_LIMITS.sectionText).map((part) => ({ type: 'section', text: mrkdwn(part) }));
}

function titled(title: string | undefined, body: string): string {
  return title ? `*${escapeMrkdwn(title)}*\n${body}` : body;
}

function fieldText(f: Fact): string {
  return `*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`;
}

function renderFacts(facts: Fact[], title: string | undefined): SectionBlock[] {
  if (facts.length === 0) return title ? sections(`*${escapeMrkdwn(title)}*`) : [];
  const asFields =
    facts.every((f) => f.value.length <= FIELD_VALUE_CHARS && fieldText(f).length <= SLACK_LIMITS.fieldText && f.label.trim() !== '') &&
    (title === undefined || escapeMrkdwn(title).length + 2 <= SLACK_LIMITS.sectionText);
  if (!asFields) {
    const lines = facts.map((f) => (f.label.trim() ? `*${escapeMrkdwn(f.label)}:* ${escapeMrkdwn(f.value)}` : escapeMrkdwn(f.value)));
    return sections(titled(title, lines.join('\n')));
  }
  const out: SectionBlock[] = [];
  for (let i = 0; i < facts.length; i += SLACK_LIMITS.fieldsPerSection) {
    const fields = facts.slice(i, i + SLACK_LIMITS.fieldsPerSection).map((f) => mrkdwn(fieldText(f)));
    out.push(i === 0 && title ? { type: 'section', text: mrkdwn(`*${escapeMrkdwn(title)}*`), fields } : { type: 'section', fields });
  }
  return out;
}

function renderBlock(block: Block, asHeader: boolean): SlackBlock[] {
  const out: SlackBlock[] = [];
  let title = block.title?.trim() || undefined;
  if (title && asHeader && title.length <= SLACK_LIMITS.headerText) {
    out.push({ type: 'header', text: plain(title) });
    title = undefined;
  }
  switch (block.type) {
    case 'text':
      out.push(...sections(titled(title, escapeMrkdwn(block.body))));
      break;
    case 'facts':
      out.push(...renderFacts(block.facts, title));
      break;
    case 'list':
      out.push(...sections(titled(title, block.items.map((item) => `• ${escapeMrkdwn(item)}`).join('\n'))));
      break;
    default: {
      const never: never = block;
      return never;
    }
  }
  return out;
}

function citationText(lang: Lang, c: Citation): string {
  return `📖 ${SOURCE[lang]}: PDTA § ${escapeMrkdwn(c.section)} › ${escapeMrkdwn(c.heading)} · ${escapeMrkdwn(c.contentVersion)}`;
}

function renderCitations(lang: Lang, citations: Citation[]): ContextBlock[] {
  const elements = citations.flatMap((c) => splitMrkdwn(citationText(lang, c), SLACK_LIMITS.contextElementText)).map(mrkdwn);
  const out: ContextBlock[] = [];
  for (let i = 0; i < elements.length; i += SLACK_LIMITS.elementsPerContext) {
    out.push({ type: 'context', elements: elements.slice(i, i + SLACK_LIMITS.elementsPerContext) });
  }
  return out;
}

function button(label: string, value: string, actionId: string, style?: 'primary' | 'danger'): ButtonElement {
  const text = truncatePlain(label.trim() || value, SLACK_LIMITS.buttonText);
  return style ? { type: 'button', text: plain(text), action_id: actionId, value, style } : { type: 'button', text: plain(text), action_id: actionId, value };
}

function renderActions(lang: Lang, actions: Action[], extra: readonly ExtraButton[]): SlackBlock[] {
  const buttons: ButtonElement[] = [];
  const typeInstead: string[] = [];
  actions.forEach((a, i) => {
    // A value Slack would refuse cannot be a button; the label typed as a message does the same.
    if (a.value.length > SLACK_LIMITS.buttonValue || a.value.length === 0) typeInstead.push(a.label);
    // The reply's language rides in the action_id, so the answer to a click is in the same language.
    else buttons.push(button(a.label, a.value, `${REPLY_ACTION_ID_PREFIX}${lang}:${i}`));
  });
  for (const b of extra) {
    if (b.value.length <= SLACK_LIMITS.buttonValue && b.actionId.length <= SLACK_LIMITS.actionId) buttons.push(button(b.label, b.value, b.actionId, b.style));
  }
  const out: SlackBlock[] = [];
  for (let i = 0; i < buttons.length; i += SLACK_LIMITS.elementsPerActions) {
    out.push({ type: 'actions', elements: buttons.slice(i, i + SLACK_LIMITS.elementsPerActions) });
  }
  if (typeInstead.length > 0) {
    const lines = typeInstead.map((label) => `${TYPE_INSTEAD[lang]} «${escapeMrkdwn(label)}»`);
    out.push(...renderContextLines(lines));
  }
  return out;
}

function renderContextLines(lines: string[]): ContextBlock[] {
  const elements = lines.flatMap((l) => splitMrkdwn(l, SLACK_LIMITS.contextElementText)).map(mrkdwn);
  const out: ContextBlock[] = [];
  for (let i = 0; i < elements.length; i += SLACK_LIMITS.elementsPerContext) {
    out.push({ type: 'context', elements: elements.slice(i, i + SLACK_LIMITS.elementsPerContext) });
  }
  return out;
}

/** Characters a block contributes toward Slack's per-message total. */
export function blockChars(block: SlackBlock): number {
  switch (block.type) {
    case 'section':
      return (block.text?.text.length ?? 0) + (block.fields ?? []).reduce((n, f) => n + f.text.length, 0);
    case 'header':
      return block.text.text.length;
    case 'context':
      return block.elements.reduce((n, e) => n + e.text.length, 0);
    case 'actions':
      return block.elements.reduce((n, e) => n + e.text.text.length + e.value.length + e.action_id.length, 0);
    case 'divider':
      return 0;
    default: {
      const never: never = block;
      return never;
    }
  }
}

/** What a reply shows before its warnings: the lead note, the lead lines and the blocks. */
function bodyBlocks(reply: Reply, options: RenderOptions): SlackBlock[] {
  const blocks: SlackBlock[] = options.leadContext ? renderContextLines([options.leadContext]) : [];
  visibleBlocks(reply).forEach((block, i) => blocks.push(...renderBlock(block, i === 0)));
  return blocks;
}

/** What always closes a reply: warnings, citations, buttons and the closing note. */
function tailBlocks(reply: Reply, options: RenderOptions): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  for (const w of reply.warnings) blocks.push(...sections(`⚠️ ${escapeMrkdwn(w)}`));
  blocks.push(...renderCitations(reply.lang, reply.citations));
  blocks.push(...renderActions(reply.lang, reply.actions, options.extraButtons ?? []));
  if (options.closingContext) blocks.push(...renderContextLines([options.closingContext]));
  return blocks;
}

/** The reply's blocks in order, before they are packed into messages. */
export function renderReplyBlocks(reply: Reply, options: RenderOptions = {}): SlackBlock[] {
  return [...bodyBlocks(reply, options), ...tailBlocks(reply, options)];
}

function fallbackText(reply: Reply): string {
  const first = visibleBlocks(reply)[0];
  const parts: string[] = [];
  if (first?.title) parts.push(first.title);
  if (first?.type === 'text') parts.push(first.body);
  if (first?.type === 'facts') parts.push(first.facts.map((f) => `${f.label}: ${f.value}`).join(', '));
  if (first?.type === 'list') parts.push(first.items.join(', '));
  const squeeze = (t: string): string => t.replace(/\s+/g, ' ').trim();
  const text = squeeze(parts.join(' – ')) || squeeze(reply.warnings[0] ?? '') || 'PDTA';
  return escapeMrkdwn(truncatePlain(text, FALLBACK_CHARS));
}

/**
 * Packs blocks into messages of at most `maxBlocks` blocks and SLACK_LIMITS.messageChars
 * characters, keeping order. Every message but the last ends with a "continued" note.
 */
export function packMessages(blocks: SlackBlock[], lang: Lang, fallback: string, maxBlocks: number = SLACK_LIMITS.blocksPerMessage): SlackMessage[] {
  // One block and some characters kept free in every message for the "continued" note.
  const capacity = maxBlocks - 1;
  const charBudget = SLACK_LIMITS.messageChars - 200;
  const groups: SlackBlock[][] = [];
  let current: SlackBlock[] = [];
  let chars = 0;
  for (const block of blocks) {
    const n = blockChars(block);
    if (current.length > 0 && (current.length + 1 > capacity || chars + n > charBudget)) {
      // A header belongs with what follows it, not alone at the end of a message.
      const last = current[current.length - 1];
      const carried = last?.type === 'header' && current.length > 1 ? [current.pop()!] : [];
      groups.push(current);
      current = carried;
      chars = carried.reduce((m, b) => m + blockChars(b), 0);
    }
    current.push(block);
    chars += n;
  }
  if (current.length > 0 || groups.length === 0) groups.push(current);
  const total = groups.length;
  return groups.map((group, i) => {
    const blocksOut = [...group];
    if (i < total - 1) blocksOut.push({ type: 'context', elements: [mrkdwn(CONTINUED[lang](i + 1, total))] });
    return { text: total > 1 ? `${fallback} (${i + 1}/${total})` : fallback, blocks: blocksOut };
  });
}

const LEFT_OUT: Record<Lang, (n: number) => string> = {
  it: (n) => `⚠️ … e ${n === 1 ? 'un’altra parte non mostrata' : `altre ${n} parti non mostrate`}: un messaggio Slack ne contiene al massimo ${SLACK_LIMITS.blocksPerMessage}.`,
  en: (n) => `⚠️ … and ${n} more ${n === 1 ? 'part' : 'parts'} not shown: a Slack message holds at most ${SLACK_LIMITS.blocksPerMessage}.`,
};

/**
 * A reply as exactly one Slack message, carrying `metadata`: for a message that must be found
 * again by its metadata (a reminder, whose exactly-once check reads it back), where a second
 * message would be a second thing to find. Everything after the reply's body (warnings, citations,
 * buttons, the closing note) always stays; if the body does not fit, the blocks that do not are
 * left out and a note says how many, with `leftOutHint` (mrkdwn written by the caller) after it.
 */
export function renderBlockKitMessage(
  reply: Reply,
  options: RenderOptions & { metadata?: MessageMetadata; leftOutHint?: string } = {},
): SlackMessage & { metadata?: MessageMetadata } {
  const fallback = fallbackText(reply);
  const body = bodyBlocks(reply, options);
  const tail = tailBlocks(reply, options);
  let blocks = [...body, ...tail];
  const fits = (list: SlackBlock[]): boolean =>
    list.length <= SLACK_LIMITS.blocksPerMessage && list.reduce((n, b) => n + blockChars(b), 0) <= SLACK_LIMITS.messageChars;
  if (!fits(blocks)) {
    let kept = body.length;
    const note = (n: number): SlackBlock[] => renderContextLines([`${escapeMrkdwn(LEFT_OUT[reply.lang](n))}${options.leftOutHint ? ` ${options.leftOutHint}` : ''}`]);
    while (kept > 0 && !fits([...body.slice(0, kept), ...note(body.length - kept), ...tail])) kept -= 1;
    blocks = [...body.slice(0, kept), ...note(body.length - kept), ...tail];
  }
  if (blocks.length === 0) blocks = [{ type: 'section', text: mrkdwn(fallback) }];
  return { text: fallback, blocks, ...(options.metadata ? { metadata: options.metadata } : {}) };
}

/** A reply as Slack messages, in the order they must be posted. */
export function renderBlockKit(reply: Reply, options: RenderOptions = {}): SlackMessage[] {
  const fallback = fallbackText(reply);
  const blocks = renderReplyBlocks(reply, options);
  // Slack refuses a message with an empty blocks array; a reply with nothing to show shows its fallback.
  return packMessages(blocks.length > 0 ? blocks : [{ type: 'section', text: mrkdwn(fallback) }], reply.lang, fallback);
}
