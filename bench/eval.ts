/**
 * `npm run eval`: the evaluation sets through `pdta ask`'s engine. Prints per-language, per-section
 * and per-kind scores and every failure; exits 1 below the 97% target on either set.
 * - questions.yaml: 408 questions written before the engine was tuned, then used to tune it;
 * - heldout.yaml: 120 questions written independently, never read while writing the engine
 *   (115/120 on first run; the five failures were then fixed);
 * - conversations.yaml: conversations across turns and single questions holding more than one
 *   question (issue #17), reported as right / not found / wrong page / unsafe; every conversation
 *   must pass and none may be unsafe.
 */
import { fileURLToPath } from 'node:url';
import { loadAssistant } from '../src/engine/loadAssistant.js';
import { loadEvalCases, runEvaluation, summarise } from '../src/engine/evaluation.js';
import { loadConversationEval, runConversation, runSingleQuestion, summariseConversations } from '../src/engine/conversationEvaluation.js';

const TARGET = 0.97;
const assistant = loadAssistant();
let ok = true;
for (const name of ['questions', 'heldout']) {
  const cases = loadEvalCases(fileURLToPath(new URL(`../test/eval/${name}.yaml`, import.meta.url)));
  const { passed, total, score, lines } = summarise(runEvaluation(assistant, cases));
  console.log(`\n# ${name}.yaml\n${lines.join('\n')}`);
  const it = cases.filter((c) => c.lang === 'it').length;
  console.log(`evaluation (${name}): ${passed}/${total} passed (${(score * 100).toFixed(1)}%), ${it} Italian and ${total - it} English questions; target ${(TARGET * 100).toFixed(0)}%`);
  ok &&= score >= TARGET;
}
const dialogues = loadConversationEval(fileURLToPath(new URL('../test/eval/conversations.yaml', import.meta.url)));
const conversations = summariseConversations(dialogues.conversations.map((c) => runConversation(assistant, c)));
console.log(`\n# conversations.yaml: conversations\n${conversations.lines.join('\n')}`);
const singles = summariseConversations(dialogues.questions.map((q) => runSingleQuestion(assistant, q)));
console.log(`\n# conversations.yaml: single questions (section 4 of issue #17)\n${singles.lines.join('\n')}`);
ok &&= conversations.counts.right === dialogues.conversations.length && singles.counts.unsafe === 0;
process.exitCode = ok ? 0 : 1;
