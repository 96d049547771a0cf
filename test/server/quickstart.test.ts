/**
 * The README's Quick start, as a newcomer runs it: `npm start` in a fresh clone (dist/ built, as
 * `npm ci` and `npm test` do), nothing configured. The server must answer /healthz within 10 s
 * and the playground must answer a question; a wrong setting must stop it with exit code 2 and a
 * message naming the variable, whether it came from the environment or from .env.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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

  it('HOST that is no address of this machine exits 2 naming HOST', async () => {
    const r = await serve({ HOST: 'nonsense', PORT: '0' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pdta: HOST: cannot listen on "nonsense"/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('Slack without its bot token exits 2 naming SLACK_BOT_TOKEN before listening or opening the store', async () => {
    const dir = tempDir('slack-no-token');
    try {
      const r = await serve({ SLACK_SIGNING_SECRET: 'a-signing-secret', PORT: '0', DATA_DIR: dir.path, LOG_LEVEL: 'info' });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set');
      expect(r.stderr).not.toContain('a-signing-secret');
      // Nothing was started: no log line at all, no database created.
      expect(r.stdout).toBe('');
      expect(existsSync(join(dir.path, 'pglite'))).toBe(false);
    } finally {
      dir.remove();
    }
  });

  it('a data directory another process holds exits 2 with the line saying which, for serve and for followup', async () => {
    const dir = tempDir('data-in-use');
    try {
      // This test's own process holds the lock, as a running pdta serve would.
      mkdirSync(join(dir.path, 'pglite'), { recursive: true });
      writeFileSync(join(dir.path, 'pglite.lock'), `${process.pid}\n`);
      const served = await serve({ PORT: '0', DATA_DIR: dir.path, LOG_LEVEL: 'silent' });
      expect(served.code).toBe(2);
      expect(served.stderr).toContain(`pglite is in use by process ${process.pid}`);
      expect(served.stderr).toContain('DATABASE_URL');
      expect(served.stderr).not.toContain('internal error');
      const p = run(process.execPath, [bin, 'followup', 'list'], { cwd: root, env: cleanEnv({ DATA_DIR: dir.path }) });
      const listed = await p.exited;
      expect(listed.code).toBe(2);
      expect(p.stderr()).toContain(`in use by process ${process.pid}`);
      expect(p.stderr()).toContain('With pdta serve running on PGlite, enrol and update in chat instead');
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
