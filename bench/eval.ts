/**
 * `npm run eval`: the evaluation set through `pdta ask`'s engine. Prints per-language, per-section
 * and per-kind scores and every failure; exits 1 below the 97% target.
 */
import { fileURLToPath } from 'node:url';
import { loadAssistant } from '../src/engine/loadAssistant.js';
import { loadEvalCases, runEvaluation, summarise } from '../src/engine/evaluation.js';

const TARGET = 0.97;
const file = fileURLToPath(new URL('../test/eval/questions.yaml', import.meta.url));
const cases = loadEvalCases(file);
const outcomes = runEvaluation(loadAssistant(), cases);
const { passed, total, score, lines } = summarise(outcomes);
console.log(lines.join('\n'));
const it = cases.filter((c) => c.lang === 'it').length;
console.log(`\nevaluation: ${passed}/${total} passed (${(score * 100).toFixed(1)}%), ${it} Italian and ${total - it} English questions; target ${(TARGET * 100).toFixed(0)}%`);
process.exitCode = score >= TARGET ? 0 : 1;
