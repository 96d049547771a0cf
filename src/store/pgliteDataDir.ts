/**
 * A new PGlite data directory is created in a worker thread, and the worker ends with it. PGlite's
 * initdb grows its WebAssembly memory to about 600 MB, and WebAssembly memory never shrinks: created
 * on the server's own thread, an idle `pdta serve` kept about 750 MB resident after its first start,
 * against about 300 MB on every later start, which opens an existing directory (docs/serve.md,
 * "Memory"). Ended with its worker, that memory goes back to the system.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** What PostgreSQL writes last into a directory initdb has created. */
const INITIALISED_MARK = 'PG_VERSION';

/**
 * The worker's source: evaluated as a script (node's require), so that it runs the same from dist/
 * and from src/ under tsx or vitest; PGlite is loaded from the path this module resolves.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
PGlite.create(workerData.dir, { postgresqlconf: workerData.postgresqlconf })
  .then((db) => db.close())
  .then(() => parentPort.postMessage({ ok: true }), (error) => parentPort.postMessage({ ok: false, message: String(error && error.message || error) }));
`;

export function isInitialised(dir: string): boolean {
  return existsSync(join(dir, INITIALISED_MARK));
}

/** Creates the data directory `dir` unless it already holds a database; resolves once it is closed and the worker gone. */
export async function createPgliteDataDir(dir: string, postgresqlconf: string[]): Promise<void> {
  if (isInitialised(dir)) return;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { dir, postgresqlconf, pglite: createRequire(import.meta.url).resolve('@electric-sql/pglite') },
  });
  const outcome = await new Promise<{ ok: boolean; message?: string }>((resolve) => {
    worker.once('message', resolve);
    worker.once('error', (error) => resolve({ ok: false, message: error.message }));
    worker.once('exit', (code) => resolve({ ok: false, message: `the worker creating it exited with code ${code}` }));
  });
  await worker.terminate();
  if (!outcome.ok) throw new Error(`could not create the PGlite data directory ${dir}: ${outcome.message}`);
}
