/**
 * What the server tests share: a server started in-process on a loopback port with its own data
 * directory, a pino logger whose lines the test can read, the built CLI as a process, and small
 * readers of Prometheus text.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { Logger } from '../../src/logging.js';
import { ConfigSchema } from '../../src/config.js';
import { serve, type ServeOptions, type Served } from '../../src/server/serve.js';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const bin = join(root, 'bin', 'pdta.js');

export function builtCliExists(): boolean {
  return existsSync(join(root, 'dist', 'src', 'cli.js'));
}

export function tempDir(label: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `pdta-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The environment without any variable the server reads, so the developer's own settings cannot leak in. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(ConfigSchema.shape)) delete env[name];
  delete env['PDTA_KNOWLEDGE'];
  return { ...env, ...extra };
}

export interface LogCapture {
  logger: Logger;
  lines(): Array<Record<string, unknown>>;
  text(): string;
}

export function captureLogs(level = 'info'): LogCapture {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  // The same redaction as the production logger (src/logging.ts), writing where the test can read.
  const logger = pino(
    { level, base: { service: 'pdta-assistant' }, redact: { paths: ['text', 'message', 'patientCode', '*.text', '*.message', '*.patientCode'], censor: '[redacted]' } },
    stream,
  );
  const text = () => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

export interface TestServer {
  served: Served;
  url: string;
  logs: LogCapture;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startTestServer(
  label: string,
  options: { env?: Record<string, string>; decorateService?: ServeOptions['decorateService']; eventLoop?: ServeOptions['eventLoop'] } = {},
): Promise<TestServer> {
  const dir = tempDir(label);
  const logs = captureLogs();
  const served = await serve({
    env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir.path, LOG_LEVEL: 'info', ...options.env },
    logger: logs.logger,
    ...(options.decorateService ? { decorateService: options.decorateService } : {}),
    ...(options.eventLoop ? { eventLoop: options.eventLoop } : {}),
  });
  return {
    served,
    url: served.url,
    logs,
    dataDir: dir.path,
    stop: async () => {
      await served.close();
      dir.remove();
    },
  };
}

export async function postChat(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** The value of one Prometheus sample, e.g. sample(text, 'pdta_turns_total{channel="web",kind="dose"}'); 0 when absent. */
export function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns a process in its own process group, so that the test can stop it and whatever it started (npm's child). */
export function run(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): RunningProcess {
  const child = spawn(command, args, { cwd: options.cwd ?? root, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Sends a signal to the process group a run() started; ignores one that has already ended. */
export function signalGroup(p: RunningProcess, signal: NodeJS.Signals): void {
  if (p.child.pid === undefined || p.child.exitCode !== null) return;
  try {
    process.kill(-p.child.pid, signal);
  } catch {
    // Already gone.
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
