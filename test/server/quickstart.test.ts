/**
 * The README's Quick start, as a newcomer runs it: `npm start` in a fresh clone (dist/ built, as
 * `npm ci` and `npm test` do), nothing configured. The server must answer /healthz within 10 s
 * and the playground must answer a question; a wrong setting must stop it with exit code 2 and a
 * message naming the variable, whether it came from the environment or from .env.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/reply/model.js';
import { bin, builtCliExists, cleanEnv, freePort, postChat, root, run, signalGroup, tempDir, waitFor, type RunningProcess } from './serverHarness.js';

beforeAll(() => {
  if (!builtCliExists()) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
});

describe('npm start from a clean state', () => {
  let proc: RunningProcess | undefined;
  const dir = tempDir('quickstart');
  afterAll(async () => {
    if (proc) {
      signalGroup(proc, 'SIGTERM');
      const timer = setTimeout(() => proc && signalGroup(proc, 'SIGKILL'), 10_000);
      await proc.exited;
      clearTimeout(timer);
    }
    dir.remove();
  });

  it('serves /healthz within 10 seconds, then the playground answers, and SIGTERM stops it', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const started = Date.now();
    proc = run('npm', ['start', '--silent'], { cwd: root, env: cleanEnv({ PORT: String(port), DATA_DIR: join(dir.path, 'data'), LOG_LEVEL: 'warn' }) });
    const p = proc;
    await waitFor('/healthz', async () => ((await fetch(`${url}/healthz`)).status === 200 ? true : undefined), 10_000);
    expect(Date.now() - started).toBeLessThan(10_000);

    // The page a newcomer opens.
    await waitFor('readiness', async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined), 45_000);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form id="composer"');
    const { status, json } = await postChat(url, { conversationId: 'quickstart', text: 'neridronato bambino 18 kg' });
    expect(status).toBe(200);
    expect(JSON.stringify((json['replies'] as Reply[])[0]?.blocks)).toContain('36 mg');
    // The URL is printed for the newcomer to open.
    await waitFor('the URL on stdout', async () => (p.stdout().includes(`listening on ${url}`) ? true : undefined), 5_000);

    signalGroup(p, 'SIGTERM');
    const exit = await p.exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    proc = undefined;
  }, 120_000);
});

describe('configuration errors', () => {
  const serve = (env: Record<string, string>, cwd = root) => {
    const p = run(process.execPath, [bin, 'serve'], { cwd, env: cleanEnv(env) });
    return p.exited.then((exit) => ({ ...exit, stderr: p.stderr(), stdout: p.stdout() }));
  };

  it('PORT=abc exits 2 with a line naming PORT', async () => {
    const r = await serve({ PORT: 'abc' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pdta: invalid configuration: PORT: must be a whole number from 0 to 65535 \(got "abc"\)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names each wrong variable, and never echoes a secret', async () => {
    const r = await serve({ LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://user:hunter2@db/pdta', SHUTDOWN_TIMEOUT_SECONDS: '-1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")');
    expect(r.stderr).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(r.stderr).toContain('SHUTDOWN_TIMEOUT_SECONDS');
    expect(r.stderr).not.toContain('hunter2');
  });

  it('reads .env from the working directory, and the environment wins over it', async () => {
    const dir = tempDir('dotenv');
    try {
      writeFileSync(join(dir.path, '.env'), 'PORT=abc\nPLAYGROUND=sometimes\n');
      const fromFile = await serve({}, dir.path);
      expect(fromFile.code).toBe(2);
      expect(fromFile.stderr).toContain('PORT: must be a whole number');
      // PORT from the environment overrides the file's; the file's PLAYGROUND is still read.
      const overridden = await serve({ PORT: '0' }, dir.path);
      expect(overridden.code).toBe(2);
      expect(overridden.stderr).not.toContain('PORT');
      expect(overridden.stderr).toContain('PLAYGROUND: must be one of auto, on, off (got "sometimes")');
    } finally {
      dir.remove();
    }
  });

  it('a port already in use exits 2 naming PORT', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const r = await serve({ PORT: String(port) });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`PORT: ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});
