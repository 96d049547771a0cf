/**
 * Checks a rendering against every Slack limit the renderer promises to keep, and extracts the
 * text a reader sees, to prove nothing was lost when an answer was split.
 */
import { SLACK_LIMITS, unescapeMrkdwn, type SlackBlock, type SlackMessage } from '../../../src/reply/blockKit.js';
import type { Reply } from '../../../src/reply/model.js';
import { visibleBlocks } from '../../../src/reply/visible.js';

const chars = (s: string): number => s.length;

/** Problems found, as readable lines; empty when the messages are within every limit. */
export function limitProblems(messages: readonly SlackMessage[], maxBlocks: number = SLACK_LIMITS.blocksPerMessage): string[] {
  const problems: string[] = [];
  messages.forEach((m, mi) => {
    const where = (s: string): string => `message ${mi + 1}: ${s}`;
    if (m.text.trim() === '') problems.push(where('empty fallback text'));
    if (m.blocks.length === 0) problems.push(where('no blocks'));
    if (m.blocks.length > maxBlocks) problems.push(where(`${m.blocks.length} blocks`));
    const actionIds = new Set<string>();
    let total = 0;
    m.blocks.forEach((b: SlackBlock, bi) => {
      const at = (s: string): string => where(`block ${bi + 1} (${b.type}): ${s}`);
      switch (b.type) {
        case 'section':
          if (!b.text && !b.fields) problems.push(at('section without text or fields'));
          if (b.text) {
            if (chars(b.text.text) > SLACK_LIMITS.sectionText) problems.push(at(`text ${chars(b.text.text)} chars`));
            if (b.text.text.trim() === '') problems.push(at('empty text'));
            total += chars(b.text.text);
          }
          if (b.fields) {
            if (b.fields.length > SLACK_LIMITS.fieldsPerSection) problems.push(at(`${b.fields.length} fields`));
            for (const f of b.fields) {
              if (chars(f.text) > SLACK_LIMITS.fieldText) problems.push(at(`field ${chars(f.text)} chars`));
              if (f.text.trim() === '') problems.push(at('empty field'));
              total += chars(f.text);
            }
          }
          break;
        case 'header':
          if (chars(b.text.text) > SLACK_LIMITS.headerText) problems.push(at(`header ${chars(b.text.text)} chars`));
          if (b.text.type !== 'plain_text') problems.push(at('header not plain_text'));
          total += chars(b.text.text);
          break;
        case 'context':
          if (b.elements.length === 0 || b.elements.length > SLACK_LIMITS.elementsPerContext) problems.push(at(`${b.elements.length} elements`));
          for (const e of b.elements) {
            if (chars(e.text) > SLACK_LIMITS.contextElementText) problems.push(at(`element ${chars(e.text)} chars`));
            total += chars(e.text);
          }
          break;
        case 'actions':
          if (b.elements.length === 0 || b.elements.length > SLACK_LIMITS.elementsPerActions) problems.push(at(`${b.elements.length} elements`));
          for (const e of b.elements) {
            const label = Array.from(e.text.text).length;
            if (label > SLACK_LIMITS.buttonText || label === 0) problems.push(at(`button label ${label} chars`));
            if (e.action_id.length > SLACK_LIMITS.actionId) problems.push(at(`action_id ${e.action_id.length} chars`));
            if (e.value.length > SLACK_LIMITS.buttonValue) problems.push(at(`value ${e.value.length} chars`));
            if (actionIds.has(e.action_id)) problems.push(at(`duplicate action_id ${e.action_id}`));
            actionIds.add(e.action_id);
            total += label + e.value.length;
          }
          break;
        case 'divider':
          break;
        default: {
          const never: never = b;
          return never;
        }
      }
    });
    if (total > SLACK_LIMITS.messageChars) problems.push(where(`${total} characters in all`));
  });
  return problems;
}

/** The mrkdwn texts in which escaped text must not contain a raw "<" (it would be markup: a mention, a link). */
export function mrkdwnTexts(messages: readonly SlackMessage[]): string[] {
  return messages.flatMap((m) =>
    m.blocks.flatMap((b) => {
      if (b.type === 'section') return [...(b.text ? [b.text.text] : []), ...(b.fields ?? []).map((f) => f.text)];
      if (b.type === 'context') return b.elements.map((e) => e.text);
      return [];
    }),
  );
}

function isContinuationNote(b: SlackBlock): boolean {
  return b.type === 'context' && b.elements.length === 1 && b.elements[0]!.text.startsWith('⤵');
}

/** What a reader sees, in order, unescaped, without whitespace (splits only ever drop whitespace). */
export function visibleText(messages: readonly SlackMessage[]): string {
  const parts: string[] = [];
  for (const m of messages) {
    for (const b of m.blocks) {
      if (isContinuationNote(b)) continue;
      switch (b.type) {
        case 'section':
          if (b.text) parts.push(unescapeMrkdwn(b.text.text));
          for (const f of b.fields ?? []) parts.push(unescapeMrkdwn(f.text));
          break;
        case 'header':
          parts.push(b.text.text);
          break;
        case 'context':
          for (const e of b.elements) parts.push(unescapeMrkdwn(e.text));
          break;
        case 'actions':
          for (const e of b.elements) parts.push(e.text.text);
          break;
        case 'divider':
          break;
      }
    }
  }
  return squeeze(parts.join(''));
}

export function squeeze(text: string): string {
  return text.replace(/\s+/g, '');
}

/** Every piece of text of the reply that must be visible (button labels are checked separately). */
export function replyTexts(reply: Reply): string[] {
  const texts: string[] = [];
  for (const b of visibleBlocks(reply)) {
    if (b.title) texts.push(b.title);
    if (b.type === 'text') texts.push(b.body);
    if (b.type === 'facts') for (const f of b.facts) texts.push(f.label, f.value);
    if (b.type === 'list') texts.push(...b.items);
  }
  texts.push(...reply.warnings);
  for (const c of reply.citations) texts.push(c.section, c.heading, c.contentVersion);
  return texts.filter((t) => t.trim() !== '');
}

/** Texts of the reply not found, in order, in what the reader sees. */
export function lostTexts(reply: Reply, messages: readonly SlackMessage[]): string[] {
  const visible = visibleText(messages);
  const lost: string[] = [];
  let from = 0;
  for (const t of replyTexts(reply)) {
    const at = visible.indexOf(squeeze(t), from);
    if (at < 0) {
      // Not after the previous one: maybe repeated earlier (e.g. same label twice); look anywhere.
      if (!visible.includes(squeeze(t))) lost.push(t);
      continue;
    }
    from = at;
  }
  return lost;
}
