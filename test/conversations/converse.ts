/** A conversation as a clinician types it, turn by turn, with what they would see after each. */
import { restingState, type RestingState } from '../../machines/conversation.js';
import type { ConversationContext } from '../../machines/context.js';
import { loadAssistant } from '../../src/engine/loadAssistant.js';
import { runTurn, type ConversationSnapshot, type TurnEffect, type TurnInput } from '../../src/engine/turn.js';
import type { Lang, Reply } from '../../src/reply/model.js';
import { renderPlainText } from '../../src/reply/plainText.js';

export const assistant = loadAssistant();

export interface Turn {
  said: string;
  reply: Reply;
  /** What the terminal shows: the reply rendered as plain text. */
  text: string;
  state: RestingState;
  context: ConversationContext;
  effects: TurnEffect[];
  snapshot: ConversationSnapshot;
}

export function converse(messages: ReadonlyArray<string | TurnInput>, options: { lang?: Lang; from?: ConversationSnapshot | null } = {}): Turn[] {
  let snapshot: ConversationSnapshot | null = options.from ?? null;
  const turns: Turn[] = [];
  for (const m of messages) {
    const input: TurnInput = typeof m === 'string' ? { text: m } : m;
    const result = runTurn(assistant, snapshot, input, options.lang ? { lang: options.lang } : {});
    snapshot = result.snapshot;
    const reply = result.replies[0]!;
    const persisted = snapshot as ConversationSnapshot & { value: unknown; context: ConversationContext };
    turns.push({
      said: 'text' in input ? input.text : input.action,
      reply,
      text: renderPlainText(reply),
      state: restingState(persisted.value),
      context: persisted.context,
      effects: result.effects,
      snapshot,
    });
  }
  return turns;
}

/** The last turn (conversations here always have one). */
export function last(turns: readonly Turn[]): Turn {
  const t = turns[turns.length - 1];
  if (!t) throw new Error('no turns');
  return t;
}

export function labels(turn: Turn): string[] {
  return turn.reply.actions.map((a) => a.label);
}
