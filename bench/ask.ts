/**
 * `pdta ask` speed: cold start (process start to exit, the built CLI, compiled knowledge) and the
 * in-process answer over the evaluation questions. Baseline measured in the same run: a bare
 * `node -e ""` process, so the ratio shows what the assistant adds to Node's own start-up.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadEvalCases } from '../src/engine/evaluation.js';
import { openAssistant } from '../src/engine/openAssistant.js';
import { median, percentile, report } from './stats.js';

const bin = fileURLToPath(new URL('../bin/pdta.js', import.meta.url));

function timeProcess(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export async function benchAsk(): Promise<Record<string, number>> {
  const runs = 25;
  const questions = ['neridronato bambino 18 kg', 'differenza con la tendinite calcifica?', 'what does step 2 involve?'];
  const node: number[] = [];
  const cold: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    node.push(timeProcess(['-e', '']));
    cold.push(timeProcess([bin, 'ask', questions[i % questions.length]!]));
  }

  const assistant = await openAssistant();
  const cases = loadEvalCases(fileURLToPath(new URL('../test/eval/questions.yaml', import.meta.url)));
  for (const c of cases) assistant.ask(c.q); // warm-up: JIT and caches, as in a running server
  const perQuestion: number[] = [];
  for (let round = 0; round < 20; round += 1) {
    for (const c of cases) {
      const start = process.hrtime.bigint();
      assistant.ask(c.q);
      perQuestion.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  const figures = {
    'ask.cold_start_median_ms': median(cold),
    'ask.cold_start_p90_ms': percentile(cold, 0.9),
    'node_bare_start_median_ms': median(node),
    'ask.in_process_median_ms': median(perQuestion),
    'ask.in_process_p99_ms': percentile(perQuestion, 0.99),
  };
  report('pdta ask', figures, [
    `cold start median ${figures['ask.cold_start_median_ms'].toFixed(0)} ms (target ≤ 400 ms), bare node ${figures['node_bare_start_median_ms'].toFixed(0)} ms, ratio ${(figures['ask.cold_start_median_ms'] / figures['node_bare_start_median_ms']).toFixed(2)}×`,
    `in-process answer median ${figures['ask.in_process_median_ms'].toFixed(3)} ms (target ≤ 1 ms) over ${cases.length} evaluation questions × 20`,
  ]);
  return figures;
}
