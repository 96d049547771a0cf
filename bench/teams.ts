/**
 * Teams channel throughput: Teams activities through the whole path (our HTTP server, the
 * CloudAdapter, the retried-delivery check and conversation reference in the store, a turn through
 * the conversation service with the real assistant, Adaptive Card rendering, the reply POSTed to
 * the Bot Connector) against a bare botbuilder CloudAdapter echo bot on a plain node:http server,
 * replying to the same loopback stand-in connector, measured in the same run with the same load.
 * botbuilder answers the HTTP request only once the turn (and so every reply POST) is done, so an
 * activity counts when its HTTP response arrives; every reply must then be at the connector.
 *
 * Teams' side (the load generator and the stand-in connector) runs in a child process: on
 * Microsoft's servers it costs the bot nothing, so it must not share the bot's thread here, and the
 * bot process's CPU time then measures the bots alone. Besides activities per second (wall clock),
 * activities per CPU second are reported: on a shared machine, other processes' load moves the
 * first a lot and the second little.
 * Loopback only, bounded: 2,000 activities, 32 in flight, 5 rounds. Each round runs both bots back to
 * back (alternating which goes first) and the ratio reported is the median of the rounds' ratios:
 * on a shared machine the load from elsewhere drifts, and a pair measured a few seconds apart sees
 * the same load.
 */
import { createServer, Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { fork, type ChildProcess } from 'node:child_process';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Response as BotResponse } from 'botbuilder';
import { pino } from 'pino';
import { composeTeamsChannel, routerFor } from '../src/app/compose.js';
import { loadConfig } from '../src/config.js';
import { loadEvalCases } from '../src/engine/evaluation.js';
import { openAssistant } from '../src/engine/openAssistant.js';
import type { ConversationService } from '../src/core/turn.js';
import { StatelessConversationService } from '../src/server/statelessConversationService.js';
import { startHttpServer } from '../src/server/httpServer.js';
import { openStore } from '../src/store/database.js';
import { median, percentile, report } from './stats.js';

const ACTIVITIES = 2_000;
const CONCURRENCY = 32;
const ROUNDS = 5;
const CHANNEL_ONLY_ROUNDS = 2;
const CONVERSATIONS = 64;
const SIDE_ROLE = 'teams-side';

interface RunCommand {
  id: number;
  url: string;
  bodies: string[];
}

interface RunResult {
  id: number;
  seconds: number;
  failed: number;
  /** Activities the stand-in connector received during the run. */
  replies: number;
  latenciesMs: number[];
}

// ---------------------------------------------------------------------------------------------
// Teams' side, in a child process: the Bot Connector stand-in and the load generator.

async function teamsSide(): Promise<void> {
  const send = (m: unknown): void => void process.send!(m);
  let replies = 0;
  const connector = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      replies += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"id":"${replies}"}`);
    });
  });
  connector.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', () => resolve()));
  const connectorUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

  function post(url: string, body: string): Promise<number> {
    return new Promise((resolve) => {
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
      req.end(body);
    });
  }

  process.on('message', async (message: RunCommand | 'exit') => {
    if (message === 'exit') {
      agent.destroy();
      connector.closeAllConnections();
      connector.close(() => process.exit(0));
      return;
    }
    const { id, url, bodies } = message;
    const before = replies;
    const latenciesMs: number[] = [];
    let failed = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < bodies.length) {
          const body = bodies[next]!;
          next += 1;
          const t = performance.now();
          if ((await post(url, body)) !== 200) failed += 1;
          latenciesMs.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const result: RunResult = { id, seconds, failed, replies: replies - before, latenciesMs };
    send(result);
  });
  send({ connectorUrl });
}

if (process.env['PDTA_BENCH_ROLE'] === SIDE_ROLE && process.send) void teamsSide();

class TeamsSide {
  private readonly pending = new Map<number, (r: RunResult) => void>();
  private nextId = 0;

  private constructor(
    private readonly child: ChildProcess,
    readonly connectorUrl: string,
  ) {
    child.on('message', (m: RunResult) => {
      this.pending.get(m.id)?.(m);
      this.pending.delete(m.id);
    });
  }

  static async start(): Promise<TeamsSide> {
    // A process of its own, so that the bot process's CPU time (process.cpuUsage) is the bots' alone.
    const child = fork(fileURLToPath(import.meta.url), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, PDTA_BENCH_ROLE: SIDE_ROLE },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const connectorUrl = await new Promise<string>((resolve, reject) => {
      child.once('message', (m: { connectorUrl: string }) => resolve(m.connectorUrl));
      child.once('error', reject);
    });
    return new TeamsSide(child, connectorUrl);
  }

  /** Runs the activities against a bot; also returns the bot process's CPU seconds meanwhile. */
  async run(url: string, bodies: string[]): Promise<RunResult & { cpuSeconds: number }> {
    this.nextId += 1;
    const id = this.nextId;
    const cpu = process.cpuUsage();
    const result = await new Promise<RunResult>((resolve) => {
      this.pending.set(id, resolve);
      const command: RunCommand = { id, url, bodies };
      this.child.send(command);
    });
    const used = process.cpuUsage(cpu);
    return { ...result, cpuSeconds: (used.user + used.system) / 1e6 };
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send('exit');
    await exited;
  }
}

// ---------------------------------------------------------------------------------------------
// The bots, in the main thread.

/** The baseline: botbuilder's CloudAdapter behind the least a node:http server needs, echoing. */
async function startEchoBot(): Promise<{ url: string; close(): Promise<void> }> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      let status = 200;
      const shim: BotResponse = {
        socket: res.socket,
        status: (code: number) => {
          status = code;
          return shim;
        },
        header: () => shim,
        send: () => shim,
        end: () => res.writeHead(status).end(),
      };
      void adapter.process({ body, headers: req.headers, method: req.method ?? 'POST' }, shim, async (context) => {
        await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let round = 0;

/** Personal-chat messages as Teams posts them, the evaluation questions in turn, fresh ids each round. */
function activities(questions: readonly string[], serviceUrl: string): string[] {
  round += 1;
  return Array.from({ length: ACTIVITIES }, (_, i) =>
    JSON.stringify({
      type: 'message',
      id: `${round}-${i}`,
      timestamp: new Date().toISOString(),
      serviceUrl,
      channelId: 'msteams',
      from: { id: `29:bench-user-${i % CONVERSATIONS}`, name: 'Bench', aadObjectId: `00000000-0000-4000-8000-${String(i % CONVERSATIONS).padStart(12, '0')}` },
      conversation: { conversationType: 'personal', tenantId: 'bench-tenant', id: `a:1bench-conversation-${i % CONVERSATIONS}` },
      recipient: { id: '28:bench-bot', name: 'PDTA' },
      textFormat: 'plain',
      locale: 'it-IT',
      text: questions[i % questions.length],
      channelData: { tenant: { id: 'bench-tenant' } },
    }),
  );
}

interface Paired {
  oursPerS: number[];
  echoPerS: number[];
  ratios: number[];
  cpuRatios: number[];
  oursPerCpuS: number[];
  echoPerCpuS: number[];
  oursLatencyMs: number[];
  echoLatencyMs: number[];
  failed: number;
  missingReplies: number;
}

/** Rounds of both bots back to back, alternating which goes first. */
async function pairedRounds(side: TeamsSide, echoUrl: string, oursUrl: string, questions: readonly string[], rounds: number): Promise<Paired> {
  const p: Paired = { oursPerS: [], echoPerS: [], ratios: [], cpuRatios: [], oursPerCpuS: [], echoPerCpuS: [], oursLatencyMs: [], echoLatencyMs: [], failed: 0, missingReplies: 0 };
  for (let r = 0; r < rounds; r += 1) {
    const runEcho = () => side.run(echoUrl, activities(questions, side.connectorUrl));
    const runOurs = () => side.run(oursUrl, activities(questions, side.connectorUrl));
    let e: RunResult & { cpuSeconds: number };
    let o: RunResult & { cpuSeconds: number };
    if (r % 2 === 0) {
      e = await runEcho();
      o = await runOurs();
    } else {
      o = await runOurs();
      e = await runEcho();
    }
    p.echoPerS.push(ACTIVITIES / e.seconds);
    p.oursPerS.push(ACTIVITIES / o.seconds);
    p.ratios.push(e.seconds / o.seconds);
    p.cpuRatios.push(e.cpuSeconds / o.cpuSeconds);
    p.oursPerCpuS.push(ACTIVITIES / o.cpuSeconds);
    p.echoPerCpuS.push(ACTIVITIES / e.cpuSeconds);
    p.echoLatencyMs.push(...e.latenciesMs);
    p.oursLatencyMs.push(...o.latenciesMs);
    p.failed += e.failed + o.failed;
    // Every activity is answered with at least one card (a long answer may take several).
    p.missingReplies += Math.max(0, ACTIVITIES - e.replies) + Math.max(0, ACTIVITIES - o.replies);
  }
  return p;
}

export async function benchTeams(): Promise<Record<string, number>> {
  const questions = loadEvalCases(fileURLToPath(new URL('../test/eval/questions.yaml', import.meta.url))).map((c) => c.q);
  const side = await TeamsSide.start();
  const echo = await startEchoBot();

  const logger = pino({ level: 'silent' });
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const assistant = await openAssistant();
  const store = await openStore({ memory: true });
  const channel = await composeTeamsChannel({ config, logger, assistant, store, router: routerFor(new StatelessConversationService(assistant)) });
  // The same channel with the assistant's replies computed beforehand: what the channel itself
  // costs, without the engine's turn (understanding and answering).
  const precomputed = new Map(questions.map((q) => [q, assistant.ask(q)]));
  const service: ConversationService = {
    handle: async (request) => ['text' in request.input ? (precomputed.get(request.input.text) ?? assistant.ask(request.input.text)) : assistant.ask(request.input.action)],
  };
  const channelOnly = await composeTeamsChannel({ config, logger, assistant, store, router: routerFor(service) });
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, routes: () => channel.routes, onError: () => undefined });
  const serverChannelOnly = await startHttpServer({ host: '127.0.0.1', port: 0, routes: () => channelOnly.routes, onError: () => undefined });

  let whole: Paired;
  let only: Paired;
  try {
    // Warm-up: JIT, connection pools, the store's first writes.
    for (const url of [echo.url, `${server.url}/api/messages`, `${serverChannelOnly.url}/api/messages`]) {
      await side.run(url, activities(questions, side.connectorUrl).slice(0, 300));
    }
    whole = await pairedRounds(side, echo.url, `${server.url}/api/messages`, questions, ROUNDS);
    only = await pairedRounds(side, echo.url, `${serverChannelOnly.url}/api/messages`, questions, CHANNEL_ONLY_ROUNDS);
  } finally {
    await server.close();
    await serverChannelOnly.close();
    await echo.close();
    await store.close();
    await side.stop();
  }

  const figures = {
    'teams.activities_per_s': median(whole.oursPerS),
    'teams.echo_baseline_activities_per_s': median(whole.echoPerS),
    'teams.ratio_to_echo': median(whole.ratios),
    'teams.ratio_to_echo_min': Math.min(...whole.ratios),
    'teams.activities_per_cpu_s': median(whole.oursPerCpuS),
    'teams.echo_baseline_activities_per_cpu_s': median(whole.echoPerCpuS),
    'teams.cpu_ratio_to_echo': median(whole.cpuRatios),
    'teams.channel_only_cpu_ratio_to_echo': median(only.cpuRatios),
    'teams.latency_p50_ms': percentile(whole.oursLatencyMs, 0.5),
    'teams.latency_p99_ms': percentile(whole.oursLatencyMs, 0.99),
    'teams.echo_latency_p50_ms': percentile(whole.echoLatencyMs, 0.5),
    'teams.failed_requests': whole.failed + only.failed,
    'teams.missing_replies': whole.missingReplies + only.missingReplies,
  };
  const pct = (x: number): string => `${(100 * x).toFixed(0)}%`;
  report('Teams channel', figures, [
    `whole path ${figures['teams.activities_per_s'].toFixed(0)} activities/s vs ${figures['teams.echo_baseline_activities_per_s'].toFixed(0)}/s for a bare botbuilder echo bot: ratio ${pct(figures['teams.ratio_to_echo'])} (median of ${ROUNDS} paired rounds: ${whole.ratios.map((x) => x.toFixed(2)).join(', ')}; target ≥ 50%)`,
    `per CPU second: ${figures['teams.activities_per_cpu_s'].toFixed(0)} vs ${figures['teams.echo_baseline_activities_per_cpu_s'].toFixed(0)}, ratio ${pct(figures['teams.cpu_ratio_to_echo'])} (steadier on a busy machine)`,
    `the channel alone (replies computed beforehand): ${pct(figures['teams.channel_only_cpu_ratio_to_echo'])} of the echo bot per CPU second; the rest of the gap is the engine's turn`,
    `${ACTIVITIES} activities per round, ${CONCURRENCY} in flight; ${figures['teams.failed_requests']} failed requests, ${figures['teams.missing_replies']} missing replies`,
  ]);
  return figures;
}
