/**
 * `pdta serve` as an operator runs it, for the benchmarks that load it from outside (playground,
 * flood): the built CLI in a child process on a free loopback port, production log level, a data
 * directory of its own, the playground on; stopped with SIGTERM and its directory removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/server/serverHarness.js';

const bin = fileURLToPath(new URL('../bin/pdta.js', import.meta.url));

export async function waitUntilReady(url: string, path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(url + path).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url}${path} not ready after ${timeoutMs} ms`);
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export interface ServedProcess {
  url: string;
  /** The probes' own port (HEALTH_PORT), when asked for. */
  healthUrl: string | undefined;
  /** SIGTERM, wait for the exit, remove the data directory. */
  close(): Promise<void>;
}

/**
 * Resolves once /readyz answers 200 (within `readyTimeoutMs`); the child's stderr is this process's.
 * With `healthPort`, the child also answers its probes on a port of their own (HEALTH_PORT).
 */
export async function startServedProcess(dataDirPrefix: string, readyTimeoutMs: number, options: { healthPort?: boolean } = {}): Promise<ServedProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), dataDirPrefix));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const healthPort = options.healthPort ? await freePort() : undefined;
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      PLAYGROUND: 'on',
      ...(healthPort !== undefined ? { HEALTH_PORT: String(healthPort) } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const close = async (): Promise<void> => {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, '/readyz', readyTimeoutMs);
  } catch (error) {
    await close();
    throw error;
  }
  return { url, healthUrl: healthPort !== undefined ? `http://127.0.0.1:${healthPort}` : undefined, close };
}
