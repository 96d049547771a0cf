/**
 * Teams rendering of a reply: Adaptive Cards 1.5, one or more per reply.
 *
 * Platform limits kept here, with their reasons:
 * - Teams refuses a card message over 28 KB, so a reply that would not fit is split into several
 *   cards, each marked "(1/3)"; nothing is ever cut. The budget leaves room for the activity
 *   envelope botbuilder puts around the card (addresses, ids, summary).
 * - Teams mobile is where the on-call doctor reads: every TextBlock wraps, nothing has a fixed width,
 *   a list is one TextBlock per item (a long FactSet or paragraph squeezes into a narrow column), and
 *   an ActionSet holds at most 6 buttons (Teams' maxActions; more are dropped by the host).
 * - TextBlock text is Markdown in Teams: the PDTA's text is plain, so the characters that would turn
 *   into emphasis or links are escaped, and each line is its own TextBlock (Markdown joins single
 *   line breaks).
 * - Buttons are Action.Submit with `data.msteams` of type messageBack, so that a click shows its label
 *   in the chat (as if the user had typed it) and reaches the bot as a message whose `value` carries
 *   the engine command (`pdtaAction`) and the language of the card it came from (`pdtaLang`).
 */
import type { Action, Block, Fact, Lang, Reply, ReplyKind } from './model.js';
import { visibleBlocks } from './visible.js';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
export const ADAPTIVE_CARD_VERSION = '1.5';
/** The Teams limit on one card message (serialized), from the Teams card documentation. */
export const MAX_CARD_MESSAGE_BYTES = 28 * 1024;
/** What the activity around a card may take (ids, addresses, summary): measured ~1 KB, kept at 2 KB. */
export const ACTIVITY_ENVELOPE_BYTES = 2 * 1024;
/** Teams' host config allows 6 actions in a set; the rest would silently not show. */
export const MAX_ACTIONS_PER_SET = 6;

/** A fact longer than these reads badly in a FactSet on a phone: it becomes a label and a paragraph. */
const FACTSET_MAX_LABEL_CHARS = 28;
const FACTSET_MAX_VALUE_CHARS = 140;

type Spacing = 'none' | 'small' | 'medium' | 'large';

export interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  spacing?: Spacing;
  size?: 'small' | 'medium';
  weight?: 'bolder';
  isSubtle?: boolean;
  style?: 'heading';
}

export interface FactSet {
  type: 'FactSet';
  facts: Array<{ title: string; value: string }>;
  spacing?: Spacing;
}

export interface Container {
  type: 'Container';
  style: 'attention' | 'warning';
  items: CardElement[];
  spacing?: Spacing;
}

export interface SubmitData {
  pdtaAction: string;
  pdtaLang: Lang;
  msteams: { type: 'messageBack'; text: string; displayText: string };
}

export interface SubmitAction {
  type: 'Action.Submit';
  title: string;
  data: SubmitData;
}

export interface ActionSet {
  type: 'ActionSet';
  actions: SubmitAction[];
  spacing?: Spacing;
}

export type CardElement = TextBlock | FactSet | Container | ActionSet;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  version: typeof ADAPTIVE_CARD_VERSION;
  body: CardElement[];
}

export interface RenderOptions {
  /** Most bytes one serialized card may take. Default: the Teams limit less the activity envelope. */
  maxCardBytes?: number;
  /** A line shown last, small (e.g. who acted on a reminder, and when); plain text, escaped here like the rest. */
  closingText?: string;
}

const LABELS = {
  source: { it: 'Fonte', en: 'Source' },
  continued: { it: 'Continua nel messaggio successivo', en: 'Continued in the next message' },
  part: { it: 'parte', en: 'part' },
} as const;

/**
 * Renders a reply as Adaptive Cards: one card, or several in order when one would exceed the Teams
 * size limit (none for a reply with nothing in it). Every card is complete on its own (valid, under
 * the limit); together they hold every block, warning, citation and button of the reply.
 */
export function renderAdaptiveCard(reply: Reply, options: RenderOptions = {}): AdaptiveCard[] {
  const maxBytes = options.maxCardBytes ?? MAX_CARD_MESSAGE_BYTES - ACTIVITY_ENVELOPE_BYTES;
  const elements = replyElements(reply);
  if (options.closingText) elements.push(textBlock(options.closingText, { size: 'small', isSubtle: true, spacing: 'medium' }));
  return packCards(elements, reply.lang, maxBytes);
}

/** The card's one-line summary: what Teams shows in notifications and the chat list. */
export function cardSummary(reply: Reply, maxChars = 120): string {
  const first = visibleBlocks(reply)[0];
  const text = first === undefined ? '' : (first.title ?? firstLine(first));
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= maxChars ? line : `${line.slice(0, maxChars - 1).trimEnd()}…`;
}

function firstLine(block: Block): string {
  switch (block.type) {
    case 'text':
      return block.body.split('\n')[0] ?? '';
    case 'facts':
      return block.facts[0] ? `${block.facts[0].label}: ${block.facts[0].value}` : '';
    case 'list':
      return block.items[0] ?? '';
    default: {
      const never: never = block;
      return never;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reply -> card elements

function replyElements(reply: Reply): CardElement[] {
  const elements: CardElement[] = [];
  for (const block of visibleBlocks(reply)) elements.push(...blockElements(block, elements.length === 0));
  if (reply.warnings.length > 0) {
    elements.push({
      type: 'Container',
      style: warningStyle(reply.kind),
      spacing: 'medium',
      items: reply.warnings.map((w, i) => textBlock(`⚠ ${w}`, i === 0 ? {} : { spacing: 'small' })),
    });
  }
  if (reply.citations.length > 0) {
    const lines = reply.citations.map((c) => `${LABELS.source[reply.lang]}: PDTA § ${c.section} › ${c.heading} (${c.contentVersion})`);
    elements.push(textBlock(lines.join('\n\n'), { size: 'small', isSubtle: true, spacing: 'medium' }));
  }
  for (let i = 0; i < reply.actions.length; i += MAX_ACTIONS_PER_SET) {
    elements.push({
      type: 'ActionSet',
      spacing: i === 0 ? 'medium' : 'small',
      actions: reply.actions.slice(i, i + MAX_ACTIONS_PER_SET).map((a) => submitAction(a, reply.lang)),
    });
  }
  return elements;
}

/**
 * Red for what concerns a dose, a computed value or a refusal (the doctor must not miss it), amber
 * for the PDTA's own ambiguities next to a passage.
 */
function warningStyle(kind: ReplyKind): Container['style'] {
  switch (kind) {
    case 'dose':
    case 'calculation':
    case 'not-covered':
    case 'clarify':
      return 'attention';
    case 'answer':
    case 'differential':
    case 'menu':
    case 'walkthrough':
    case 'fallback':
      return 'warning';
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function blockElements(block: Block, first: boolean): CardElement[] {
  const out: CardElement[] = [];
  const lead: Spacing = first ? 'none' : 'medium';
  if (block.title) out.push(textBlock(block.title, { weight: 'bolder', size: 'medium', style: 'heading', spacing: lead }));
  const after = (): Spacing => (out.length === 0 ? lead : 'small');
  switch (block.type) {
    case 'text':
      for (const line of paragraphs(block.body)) out.push(textBlock(line, { spacing: after() }));
      break;
    case 'facts':
      out.push(...factElements(block.facts, after()));
      break;
    case 'list':
      for (const item of block.items) out.push(textBlock(`• ${item}`, { spacing: after() }));
      break;
    default: {
      const never: never = block;
      return never;
    }
  }
  return out;
}

/** Short facts stay a FactSet (aligned label/value); a long one becomes a label and a paragraph. */
function factElements(facts: readonly Fact[], spacing: Spacing): CardElement[] {
  const out: CardElement[] = [];
  let set: FactSet | null = null;
  for (const f of facts) {
    const compact = f.label.length <= FACTSET_MAX_LABEL_CHARS && f.value.length <= FACTSET_MAX_VALUE_CHARS && !f.value.includes('\n');
    if (compact) {
      if (set === null) {
        set = { type: 'FactSet', spacing: out.length === 0 ? spacing : 'small', facts: [] };
        out.push(set);
      }
      set.facts.push({ title: escapeMarkdown(f.label), value: escapeMarkdown(f.value) });
    } else {
      set = null;
      out.push(textBlock(f.label, { weight: 'bolder', spacing: out.length === 0 ? spacing : 'small' }));
      for (const line of paragraphs(f.value)) out.push(textBlock(line, { spacing: 'none' }));
    }
  }
  return out;
}

function paragraphs(text: string): string[] {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.length > 0 ? lines : [''];
}

function textBlock(text: string, props: Omit<TextBlock, 'type' | 'text' | 'wrap'> = {}): TextBlock {
  return { type: 'TextBlock', text: escapeMarkdown(text), wrap: true, ...props };
}

function submitAction(action: Action, lang: Lang): SubmitAction {
  return {
    type: 'Action.Submit',
    title: action.label,
    data: {
      pdtaAction: action.value,
      pdtaLang: lang,
      msteams: { type: 'messageBack', text: action.label, displayText: action.label },
    },
  };
}

/**
 * Teams reads TextBlock text as Markdown (the Adaptive Card subset: emphasis with * and _, links
 * with [text](url), lists). The PDTA text is plain, and text a user typed may be echoed: a "*" or
 * "_" must show as typed, and "[text](url)" must not become a link in the bot's own message. Only
 * those characters (and the backslash) are escaped: code and strikethrough are not in the subset,
 * and an escape the renderer does not know would show its backslash. Line-leading list markers are
 * left alone: they render as the same numbers and dashes.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_[\]]/g, (c) => `\\${c}`);
}

// ---------------------------------------------------------------------------------------------
// Elements -> cards under the size limit

function byteSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * No `lang`: the card property only localises date/time functions, which we do not use, and the
 * `adaptivecards` renderer (3.0.6) checks it with a global RegExp whose state makes every other card
 * fail to parse it.
 */
function emptyCard(): AdaptiveCard {
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: ADAPTIVE_CARD_VERSION, body: [] };
}

function continuationMarker(lang: Lang, index: number, total: number): TextBlock {
  return textBlock(`${LABELS.continued[lang]} (${LABELS.part[lang]} ${index}/${total})`, { size: 'small', isSubtle: true, spacing: 'medium' });
}

const SHELL_BYTES = byteSize(emptyCard());
/** Room kept in every card for the "continued" marker, so adding it never breaks the budget. */
const MARKER_BYTES = { it: byteSize(continuationMarker('it', 999, 999)) + 1, en: byteSize(continuationMarker('en', 999, 999)) + 1 } as const;

function packCards(elements: CardElement[], lang: Lang, maxBytes: number): AdaptiveCard[] {
  // A reply with nothing to show makes no card: an empty bubble in the chat would say nothing either.
  if (elements.length === 0) return [];
  // Almost every reply fits in one card: one serialization tells, and the piecewise packing below
  // (a serialization per element) is only paid for the rare long reply.
  if (SHELL_BYTES + byteSize(elements) - 2 <= maxBytes) {
    const card = emptyCard();
    card.body = elements;
    return [card];
  }
  const room = maxBytes - SHELL_BYTES - MARKER_BYTES[lang];
  if (room < 512) throw new RangeError(`card budget of ${maxBytes} bytes is too small to hold any content`);

  const pieces = elements.flatMap((e) => fitElement(e, room));
  const bodies: CardElement[][] = [[]];
  let used = 0;
  for (const piece of pieces) {
    const size = byteSize(piece) + 1; // the comma between array items
    const current = bodies[bodies.length - 1]!;
    if (current.length > 0 && used + size > room) {
      bodies.push([piece]);
      used = size;
    } else {
      current.push(piece);
      used += size;
    }
  }
  return bodies.map((body, i) => {
    const card = emptyCard();
    card.body = i < bodies.length - 1 ? [...body, continuationMarker(lang, i + 1, bodies.length)] : body;
    return card;
  });
}

/** Splits an element that alone exceeds `room` bytes into pieces that each fit; others pass through. */
function fitElement(element: CardElement, room: number): CardElement[] {
  if (byteSize(element) + 1 <= room) return [element];
  switch (element.type) {
    case 'TextBlock':
      return splitText(element.text, room, byteSize({ ...element, text: '' })).map((text, i) => ({
        ...element,
        text,
        ...(i > 0 ? { spacing: 'none' as const } : {}),
      }));
    case 'FactSet': {
      if (element.facts.length === 1) {
        const [fact] = element.facts;
        // One fact larger than a card: its label and value as text, which can be split.
        return [
          ...fitElement({ type: 'TextBlock', text: fact!.title, wrap: true, weight: 'bolder', ...(element.spacing ? { spacing: element.spacing } : {}) }, room),
          ...fitElement({ type: 'TextBlock', text: fact!.value, wrap: true, spacing: 'none' }, room),
        ];
      }
      const half = Math.ceil(element.facts.length / 2);
      return [
        ...fitElement({ ...element, facts: element.facts.slice(0, half) }, room),
        ...fitElement({ type: 'FactSet', spacing: 'small', facts: element.facts.slice(half) }, room),
      ];
    }
    case 'Container': {
      const shell = byteSize({ ...element, items: [] });
      const items = element.items.flatMap((item) => fitElement(item, room - shell));
      const groups: CardElement[][] = [[]];
      let used = shell;
      for (const item of items) {
        const size = byteSize(item) + 1;
        const current = groups[groups.length - 1]!;
        if (current.length > 0 && used + size > room) {
          groups.push([item]);
          used = shell + size;
        } else {
          current.push(item);
          used += size;
        }
      }
      return groups.map((g, i) => ({ ...element, items: g, ...(i > 0 ? { spacing: 'none' as const } : {}) }));
    }
    case 'ActionSet': {
      if (element.actions.length === 1) {
        // A button is a label and a short engine command: one that alone fills a card is a bug upstream.
        throw new RangeError(`a button of ${byteSize(element)} bytes cannot fit in a card of ${room} bytes`);
      }
      const half = Math.ceil(element.actions.length / 2);
      return [
        ...fitElement({ ...element, actions: element.actions.slice(0, half) }, room),
        ...fitElement({ type: 'ActionSet', spacing: 'small', actions: element.actions.slice(half) }, room),
      ];
    }
    default: {
      const never: never = element;
      return never;
    }
  }
}

/**
 * Splits text at spaces into chunks whose JSON encoding, plus `overhead`, stays within `room` bytes.
 * A "word" longer than a chunk (a pasted blob without spaces) is split between code points.
 * JSON escapes each code point on its own, so a chunk's size is the sum of its parts' sizes: the
 * split stays linear in the length of the text.
 */
function splitText(text: string, room: number, overhead: number): string[] {
  const limit = room - overhead - 1 - 2; // the quotes around the string
  const size = (s: string): number => Buffer.byteLength(JSON.stringify(s), 'utf8') - 2;
  const chunks: string[] = [];
  let current = '';
  let used = 0;
  const flush = (): void => {
    chunks.push(current);
    current = '';
    used = 0;
  };
  for (const word of text.split(/(?<= )/)) {
    const wordSize = size(word);
    if (used + wordSize <= limit) {
      current += word;
      used += wordSize;
      continue;
    }
    if (current !== '') flush();
    if (wordSize <= limit) {
      current = word;
      used = wordSize;
      continue;
    }
    for (const ch of word) {
      const chSize = size(ch);
      if (used + chSize > limit) {
        // Never end a chunk on an escaping backslash: it would escape nothing, and the next chunk
        // would start with a bare Markdown character.
        const carry = current.endsWith('\\') ? '\\' : '';
        if (carry) current = current.slice(0, -1);
        flush();
        current = carry;
        used = carry ? size(carry) : 0;
      }
      current += ch;
      used += chSize;
    }
  }
  if (current !== '' || chunks.length === 0) chunks.push(current);
  // Trailing spaces at a split are layout, not content.
  return chunks.map((c, i) => (i < chunks.length - 1 ? c.trimEnd() : c));
}
