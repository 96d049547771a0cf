/**
 * The playground under load: 200 conversations at once for 30 seconds against `pdta serve` (the
 * built CLI, its own process, on loopback), each a clinician's sequence of questions and button
 * clicks, every answer checked. Reports latency (p50, p99), throughput and errors, against a
 * baseline measured in the same run with the same load generator: a bare Node `http` server
 * answering JSON (about 25,000 requests/s on this kind of machine, a reference figure for it).
 *
 * Bounded: loopback only, a fixed number of conversations, a fixed duration (override with
 * BENCH_PLAYGROUND_CONVERSATIONS, at most 1,000, and BENCH_PLAYGROUND_SECONDS, at most 300).
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { freePort } from '../test/server/serverHarness.js';
import { startServedProcess, stop, waitUntilReady } from './servedProcess.js';
import { percentile, report } from './stats.js';

function bounded(name: string, fallback: number, max: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be a whole number from 1 to ${max}`);
  return value;
}

/** What each simulated clinician sends, in order, again and again; `click` takes the first button of the last reply. */
const SCRIPT: Array<{ text: string } | { click: true }> = [
  { text: 'neridronato bambino 18 kg' },
  { click: true },
  { text: 'cosa prevede lo step 2?' },
  { text: 'differenza con la tendinite calcifica?' },
  { text: 'zoledronate child 40 lb' },
  { click: true },
  { text: 'ogni quanto i controlli?' },
];

interface Outcome {
  latenciesMs: number[];
  errors: number;
  firstErrors: string[];
  seconds: number;
}

/**
 * POSTs JSON on a kept-alive connection of `agent`. node:http rather than fetch: fetch's pool let
 * a few of 200 simultaneous conversations wait for the whole run (measured: 8 of 200 answered once
 * in 10 s), which measured the client, not the server, and costs the generator more CPU.
 */
function postJson(agent: Agent, url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function get(agent: Agent, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    })
      .on('error', reject)
      .end();
  });
}

/**
 * Runs `conversations` loops for `seconds`; each loop awaits its answer before its next message,
 * as a person in a chat does, on a connection kept alive as a browser tab keeps one.
 *
 * The connections are opened before the clock starts (a light GET each): a Node server already
 * saturated accepts a burst of new connections only slowly (measured with a bare server burning
 * 2 ms per request: 200 connections opened at once took the whole 5 s run to be accepted), which
 * would measure the burst, not the steady chat this benchmark is about.
 */
async function load(
  conversations: number,
  seconds: number,
  warmUrl: string,
  send: (agent: Agent, conversation: number, step: number, lastAction: string | undefined) => Promise<string | undefined>,
): Promise<Outcome> {
  const agent = new Agent({ keepAlive: true, maxSockets: conversations });
  await Promise.all(Array.from({ length: conversations }, () => get(agent, warmUrl)));
  const latenciesMs: number[] = [];
  const firstErrors: string[] = [];
  let errors = 0;
  const started = performance.now();
  const endAt = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: conversations }, async (_, conversation) => {
      let step = 0;
      let lastAction: string | undefined;
      while (performance.now() < endAt) {
        const t0 = performance.now();
        try {
          lastAction = await send(agent, conversation, step, lastAction);
          latenciesMs.push(performance.now() - t0);
        } catch (error) {
          errors += 1;
          if (firstErrors.length < 5) firstErrors.push(error instanceof Error ? error.message : String(error));
        }
        step += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { latenciesMs, errors, firstErrors, seconds: elapsed };
}

const BARE_SERVER = `
const http = require('node:http');
const body = JSON.stringify({ replies: [{ kind: 'answer', text: 'ok' }] });
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); });
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

export async function benchPlayground(): Promise<Record<string, number>> {
  const conversations = bounded('BENCH_PLAYGROUND_CONVERSATIONS', 200, 1000);
  const seconds = bounded('BENCH_PLAYGROUND_SECONDS', 30, 300);
  const baselineSeconds = Math.min(10, seconds);

  // Baseline: the same generator against a bare Node server answering JSON.
  const barePort = await freePort();
  const bare = spawn(process.execPath, ['-e', BARE_SERVER], { env: { ...process.env, PORT: String(barePort) }, stdio: 'ignore' });
  const bareUrl = `http://127.0.0.1:${barePort}`;
  let baseline: Outcome;
  try {
    await waitUntilReady(bareUrl, '/', 10_000);
    baseline = await load(conversations, baselineSeconds, `${bareUrl}/`, async (agent) => {
      const res = await postJson(agent, `${bareUrl}/api/chat`, '{"conversationId":"b","text":"x"}');
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      return undefined;
    });
  } finally {
    await stop(bare);
  }

  // The assistant as an operator runs it: the built CLI, production log level, its own data directory.
  const served = await startServedProcess('pdta-bench-', 60_000);
  const { url } = served;
  let outcome: Outcome;
  let serverTurnMeanMs: number;
  try {
    outcome = await load(conversations, seconds, `${url}/healthz`, async (agent, conversation, step, lastAction) => {
      const move = SCRIPT[step % SCRIPT.length]!;
      const input = 'click' in move && lastAction ? { action: lastAction } : { text: 'text' in move ? move.text : 'aiuto' };
      const res = await postJson(agent, `${url}/api/chat`, JSON.stringify({ conversationId: `bench-${conversation}`, ...input }));
      const body = JSON.parse(res.text) as { replies?: Array<{ kind: string; actions: Array<{ value: string }> }>; error?: string };
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${body.error ?? ''}`);
      const reply = body.replies?.[0];
      if (!reply) throw new Error('no reply');
      if (reply.kind === 'fallback') throw new Error(`not understood: ${JSON.stringify(input)}`);
      return reply.actions[0]?.value;
    });
    // Where the time goes: the server's own measure of a turn (conversation service, store included).
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const value = (name: string) => Number(metrics.match(new RegExp(`^${name}\\{channel="web"\\} (\\S+)$`, 'm'))?.[1]);
    serverTurnMeanMs = (value('pdta_turn_duration_seconds_sum') / value('pdta_turn_duration_seconds_count')) * 1000;
  } finally {
    await served.close();
  }

  const turns = outcome.latenciesMs.length;
  const figures = {
    'playground.conversations': conversations,
    'playground.seconds': Math.round(outcome.seconds * 10) / 10,
    'playground.turns': turns,
    'playground.errors': outcome.errors,
    'playground.turns_per_s': turns / outcome.seconds,
    'playground.p50_ms': percentile(outcome.latenciesMs, 0.5),
    'playground.p99_ms': percentile(outcome.latenciesMs, 0.99),
    'playground.server_turn_mean_ms': serverTurnMeanMs,
    'node_bare_json.requests_per_s': baseline.latenciesMs.length / baseline.seconds,
    'node_bare_json.p50_ms': percentile(baseline.latenciesMs, 0.5),
    'node_bare_json.p99_ms': percentile(baseline.latenciesMs, 0.99),
    'playground.throughput_ratio_vs_bare_node': turns / outcome.seconds / (baseline.latenciesMs.length / baseline.seconds),
  };
  report('playground under load', figures, [
    `${conversations} conversations for ${seconds} s on loopback: ${turns} turns, ${outcome.errors} errors${outcome.firstErrors.length > 0 ? ` (first: ${outcome.firstErrors.join(' | ')})` : ''}`,
    `latency p50 ${figures['playground.p50_ms'].toFixed(1)} ms, p99 ${figures['playground.p99_ms'].toFixed(1)} ms; ${figures['playground.turns_per_s'].toFixed(0)} turns/s; the server's own mean time per turn ${figures['playground.server_turn_mean_ms'].toFixed(1)} ms`,
    `bare Node JSON server, same generator, ${baselineSeconds} s: ${figures['node_bare_json.requests_per_s'].toFixed(0)} requests/s, p50 ${figures['node_bare_json.p50_ms'].toFixed(1)} ms; ratio ${figures['playground.throughput_ratio_vs_bare_node'].toFixed(3)}×`,
  ]);
  if (outcome.errors > 0) console.log(`\nplayground bench: ${outcome.errors} errors — the server must answer every turn under this load`);
  return figures;
}
