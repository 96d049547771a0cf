import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAssistant } from '../../src/engine/loadAssistant.js';
import { loadConversationEval, runConversation, runSingleQuestion, summariseConversations } from '../../src/engine/conversationEvaluation.js';

const assistant = loadAssistant();
const file = loadConversationEval(fileURLToPath(new URL('./conversations.yaml', import.meta.url)));

describe('conversation evaluation (conversations.yaml)', () => {
  it('has at least 40 conversations in both languages, covering every point of issue #17', () => {
    expect(file.conversations.length).toBeGreaterThanOrEqual(40);
    for (const lang of ['it', 'en']) expect(file.conversations.filter((c) => c.lang === lang).length).toBeGreaterThanOrEqual(15);
    for (const point of ['negation', 'values', 'context', 'one-message']) expect(file.conversations.some((c) => c.point === point)).toBe(true);
  });

  it('every conversation passes, and no finding is recorded contrary to what was said', () => {
    const { counts, lines } = summariseConversations(file.conversations.map((c) => runConversation(assistant, c)));
    expect(counts.unsafe, lines.join('\n')).toBe(0);
    expect(counts.right, lines.join('\n')).toBe(file.conversations.length);
  });

  it('single questions with two questions, a premise or something the PDTA does not state: none unsafe, at least 90% right', () => {
    const { counts, lines } = summariseConversations(file.questions.map((q) => runSingleQuestion(assistant, q)));
    expect(counts.unsafe, lines.join('\n')).toBe(0);
    expect(counts.right / file.questions.length, lines.join('\n')).toBeGreaterThanOrEqual(0.9);
  });
});
