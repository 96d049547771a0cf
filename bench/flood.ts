/**
 * A flood on `/api/chat` of a real `pdta serve` (the built CLI, its own process, on loopback), as
 * an overloaded deployment sees it: requests arrive at a fixed rate whatever the answers do, with
 * a cap on how many are outstanding. What is measured is what an operator relies on (docs/serve.md):
 * how fast the answered requests were answered, how many were refused with 503 and Retry-After
 * (MAX_TURNS_IN_FLIGHT), and whether a fresh liveness or readiness probe, on a new connection as
 * a load balancer opens one, answers quickly throughout, so that no probe kills a server that is
 * only busy.
 *
 * Bounded: loopback only; 2,000 requests/s for 10 s, at most 1,000 outstanding (override with
 * BENCH_FLOOD_RATE, at most 5,000; BENCH_FLOOD_SECONDS, at most 60; BENCH_FLOOD_OUTSTANDING, at
 * most 2,000). The server keeps its own defaults (MAX_TURNS_IN_FLIGHT and the rest) and its
 * default store, PGlite in a data directory of its own, unless DATABASE_URL is set.
 *
 * BENCH_FLOOD_CONNECTIONS says how the flood connects: `pool` (default) as a load balancer or a
 * reverse proxy does, keeping every connection it opened alive for the next request; `fresh`, a
 * new connection per request, as many separate browsers or scripts do. On Linux the kernel's count
 * of connections dropped because the listen queue was full (TcpExt ListenOverflows) is reported
 * for the run, and so is this client's own event-loop delay, so that a slow probe is not blamed
 * on the server when the load generator itself was behind.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadEvalCases } from '../src/engine/evaluation.js';
import { startServedProcess } from './servedProcess.js';
import { percentile, report } from './stats.js';
/** A probe that takes this long has failed, as a kubelet's default timeout would say (1 s) tenfold. */
const PROBE_TIMEOUT_MS = 10_000;
const PROBE_EVERY_MS = 100;
/** How long the outstanding requests may take to finish once the flood stops. */
const DRAIN_MS = 60_000;
/** Distinct conversations the flood spreads over: many, as many users would be. */
const CONVERSATIONS = 1_000;

type Connections = 'pool' | 'fresh';

function connectionsMode(): Connections {
  const value = process.env['BENCH_FLOOD_CONNECTIONS'] ?? 'pool';
  if (value !== 'pool' && value !== 'fresh') throw new Error('BENCH_FLOOD_CONNECTIONS must be "pool" or "fresh"');
  return value;
}

/** The kernel's TcpExt ListenOverflows (connections dropped with the accept queue full); NaN where /proc is not Linux's. */
function listenOverflows(): number {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
    const names = lines[0]?.split(/\s+/) ?? [];
    const values = lines[1]?.split(/\s+/) ?? [];
    return Number(values[names.indexOf('ListenOverflows')]);
  } catch {
    return Number.NaN;
  }
}

function bounded(name: string, fallback: number, max: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be a whole number from 1 to ${max}`);
  return value;
}

interface Answer {
  status: number;
  retryAfter: boolean;
  ms: number;
}

function post(agent: Agent | false, url: string, body: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(`${url}/api/chat`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] !== undefined, ms: performance.now() - started }));
      res.on('error', () => resolve({ status: 0, retryAfter: false, ms: performance.now() - started }));
    });
    req.on('error', () => resolve({ status: 0, retryAfter: false, ms: performance.now() - started }));
    req.end(body);
  });
}

/** A probe on a connection of its own, as a load balancer or kubelet sends one; Infinity when it failed or timed out. */
function probe(url: string, path: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        clearTimeout(deadline);
        resolve(res.statusCode === 200 ? performance.now() - started : Number.POSITIVE_INFINITY);
      });
    });
    // From the start, connecting included: a socket timeout would not count a connection the kernel dropped and the client is still retrying.
    const deadline = setTimeout(() => req.destroy(), PROBE_TIMEOUT_MS);
    req.on('error', () => {
      clearTimeout(deadline);
      resolve(Number.POSITIVE_INFINITY);
    });
    req.end();
  });
}

interface Flood {
  seconds: number;
  sent: number;
  /** Arrivals the generator did not send because the outstanding cap was reached. */
  heldBack: number;
  answers: Answer[];
  probes: Record<ProbeName, number[]>;
}

/** The probes on the main port, and on the probes' own port (HEALTH_PORT, answered by a worker thread). */
const PROBES = [
  { name: 'healthz', path: '/healthz', own: false },
  { name: 'readyz', path: '/readyz', own: false },
  { name: 'health_port_healthz', path: '/healthz', own: true },
  { name: 'health_port_readyz', path: '/readyz', own: true },
] as const;
type ProbeName = (typeof PROBES)[number]['name'];

async function flood(url: string, healthUrl: string, rate: number, seconds: number, outstandingCap: number, connections: Connections, questions: readonly string[]): Promise<Flood> {
  // A pool keeps every socket it opened (node's default keeps only 256 idle ones and closes the rest,
  // which turns a keep-alive flood into a stream of new connections).
  const agent = connections === 'pool' ? new Agent({ keepAlive: true, maxSockets: outstandingCap, maxFreeSockets: outstandingCap }) : false;
  const answers: Answer[] = [];
  const pending = new Set<Promise<unknown>>();
  const probes = Object.fromEntries(PROBES.map((p) => [p.name, [] as number[]])) as Record<ProbeName, number[]>;
  const probing: Array<Promise<unknown>> = [];
  let sent = 0;
  let heldBack = 0;
  const started = performance.now();
  const endAt = started + seconds * 1000;
  let nextProbe = started;
  // Arrivals are due at a fixed rate from the start; each tick sends those due so far.
  while (performance.now() < endAt) {
    const now = performance.now();
    const due = Math.floor(((now - started) / 1000) * rate) - sent - heldBack;
    for (let i = 0; i < due; i += 1) {
      if (pending.size >= outstandingCap) {
        heldBack += 1;
        continue;
      }
      const n = sent;
      sent += 1;
      const body = JSON.stringify({ conversationId: `flood-${n % CONVERSATIONS}`, text: questions[n % questions.length] });
      const p: Promise<unknown> = post(agent, url, body).then((a) => {
        answers.push(a);
        pending.delete(p);
      });
      pending.add(p);
    }
    if (now >= nextProbe) {
      nextProbe += PROBE_EVERY_MS;
      for (const p of PROBES) probing.push(probe(p.own ? healthUrl : url, p.path).then((ms) => probes[p.name].push(ms)));
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  const elapsed = (performance.now() - started) / 1000;
  await Promise.race([Promise.all([...pending, ...probing]), new Promise((r) => setTimeout(r, DRAIN_MS))]);
  if (agent) agent.destroy();
  return { seconds: elapsed, sent, heldBack, answers, probes };
}

export async function benchFlood(): Promise<Record<string, number>> {
  const rate = bounded('BENCH_FLOOD_RATE', 2_000, 5_000);
  const seconds = bounded('BENCH_FLOOD_SECONDS', 10, 60);
  const outstanding = bounded('BENCH_FLOOD_OUTSTANDING', 1_000, 2_000);
  const connections = connectionsMode();
  const questions = loadEvalCases(fileURLToPath(new URL('../test/eval/questions.yaml', import.meta.url))).map((c) => c.q);

  const served = await startServedProcess('pdta-flood-', 120_000, { healthPort: true });
  const { url } = served;
  const healthUrl = served.healthUrl!;
  let result: Flood;
  const overflows = { before: Number.NaN, after: Number.NaN };
  const clientDelay = monitorEventLoopDelay({ resolution: 10 });
  try {
    overflows.before = listenOverflows();
    clientDelay.enable();
    result = await flood(url, healthUrl, rate, seconds, outstanding, connections, questions);
    clientDelay.disable();
    overflows.after = listenOverflows();
  } finally {
    await served.close();
  }

  const answered = result.answers.filter((a) => a.status === 200).map((a) => a.ms);
  const refused = result.answers.filter((a) => a.status === 503);
  const other = result.answers.length - answered.length - refused.length;
  const unfinished = result.sent - result.answers.length;
  const probeFigures = (name: ProbeName): Record<string, number> => {
    const ms = result.probes[name];
    const ok = ms.filter(Number.isFinite);
    return {
      [`flood.${name}_probes`]: ms.length,
      [`flood.${name}_failed`]: ms.length - ok.length,
      [`flood.${name}_p50_ms`]: percentile(ok, 0.5),
      [`flood.${name}_p99_ms`]: percentile(ok, 0.99),
      [`flood.${name}_max_ms`]: ok.length > 0 ? Math.max(...ok) : Number.NaN,
    };
  };
  const figures: Record<string, number> = {
    'flood.rate_per_s': rate,
    'flood.seconds': Math.round(result.seconds * 10) / 10,
    'flood.outstanding_cap': outstanding,
    'flood.fresh_connections': connections === 'fresh' ? 1 : 0,
    'flood.sent': result.sent,
    'flood.held_back_at_cap': result.heldBack,
    'flood.answered': answered.length,
    'flood.answered_per_s': answered.length / result.seconds,
    'flood.answered_p50_ms': percentile(answered, 0.5),
    'flood.answered_p99_ms': percentile(answered, 0.99),
    'flood.refused_503': refused.length,
    'flood.refused_503_share': result.sent > 0 ? refused.length / result.sent : 0,
    'flood.refused_503_with_retry_after_share': refused.length > 0 ? refused.filter((a) => a.retryAfter).length / refused.length : 1,
    'flood.refused_p99_ms': percentile(refused.map((a) => a.ms), 0.99),
    'flood.other_statuses_or_errors': other,
    'flood.unfinished_after_drain': unfinished,
    ...Object.assign({}, ...PROBES.map((p) => probeFigures(p.name))),
    'flood.listen_overflows': overflows.after - overflows.before,
    'flood.client_loop_delay_p99_ms': clientDelay.percentile(99) / 1e6,
  };
  const f = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(1));
  report('flood on /api/chat', figures, [
    `${rate} requests/s for ${seconds} s, at most ${outstanding} outstanding, ${connections === 'pool' ? 'on a pool of kept-alive connections' : 'a new connection each'}, on loopback, against \`pdta serve\` with its defaults: ${result.sent} sent, ${result.heldBack} held back at the cap`,
    `answered ${answered.length} (${f(figures['flood.answered_per_s'])}/s): p50 ${f(figures['flood.answered_p50_ms'])} ms, p99 ${f(figures['flood.answered_p99_ms'])} ms`,
    `refused with 503 ${refused.length} (${(100 * figures['flood.refused_503_share']!).toFixed(1)}% of sent; ${(100 * figures['flood.refused_503_with_retry_after_share']!).toFixed(0)}% with Retry-After), p99 ${f(figures['flood.refused_p99_ms'])} ms; other statuses or errors ${other}; unfinished ${unfinished}`,
    ...PROBES.map(
      ({ name, path, own }) =>
        `fresh ${path} ${own ? 'on HEALTH_PORT' : 'on PORT'} every ${PROBE_EVERY_MS} ms on a new connection: p50 ${f(figures[`flood.${name}_p50_ms`])} ms, p99 ${f(figures[`flood.${name}_p99_ms`])} ms, max ${f(figures[`flood.${name}_max_ms`])} ms, ${figures[`flood.${name}_failed`]} failed of ${figures[`flood.${name}_probes`]} (not 200 or over ${PROBE_TIMEOUT_MS / 1000} s)`,
    ),
    `connections dropped by the kernel with the listen queue full: ${f(figures['flood.listen_overflows'])} (machine-wide); this client's own event-loop delay p99 ${f(figures['flood.client_loop_delay_p99_ms'])} ms`,
  ]);
  return figures;
}
