/**
 * One process at a time on a PGlite data directory. PGlite is a single-user PostgreSQL without a
 * postmaster to notice a second one: two processes on the same directory (a `pdta chat` started
 * beside a running `pdta serve`) each run happily and the last to close overwrites the other's
 * writes. Measured here: two processes wrote 20 rows each, a third found 20 of the 40.
 *
 * A lock file holding the owner's pid: created atomically, taken over only when that pid is no
 * longer alive (the owner crashed without closing). Processes on one machine only, which is
 * what an on-disk PGlite is.
 */
import { randomUUID } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { StoreError } from './errors.js';

/** Takes the lock at `lockPath`; the returned function lets it go. */
export async function lockDataDir(lockPath: string, dataDir: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (await createWithPid(lockPath)) return () => releaseLock(lockPath);
    const owner = await readOwner(lockPath);
    if (owner !== undefined && isAlive(owner)) {
      throw new StoreError(
        'DATA_DIR_IN_USE',
        `${dataDir} is in use by process ${owner}${owner === process.pid ? ' (this one: the store is already open)' : ''}; ` +
          `stop it first, or set DATABASE_URL so that several processes share one PostgreSQL ` +
          `(if no such process runs, delete ${lockPath})`,
      );
    }
    // The owner died without closing: the lock is stale. (Two processes taking over the same
    // stale lock in the same instant could both succeed; that needs a crash and a double start.)
    await unlink(lockPath).catch((error: unknown) => {
      if (!isErrorCode(error, 'ENOENT')) throw error;
    });
  }
  throw new StoreError('DATA_DIR_IN_USE', `could not take ${lockPath}: other processes keep taking it`);
}

/**
 * Writes the pid to a private file, then links it into place: the link either fails because the
 * lock exists or creates it already holding the pid, so no one ever reads an empty lock file.
 */
async function createWithPid(lockPath: string): Promise<boolean> {
  const draft = `${lockPath}.${randomUUID()}`;
  await writeFile(draft, `${process.pid}\n`);
  try {
    await link(draft, lockPath);
    return true;
  } catch (error) {
    if (isErrorCode(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await unlink(draft);
  }
}

async function releaseLock(lockPath: string): Promise<void> {
  // Only our own lock: had it been taken over as stale, it now belongs to someone else.
  if ((await readOwner(lockPath)) === process.pid) await unlink(lockPath);
}

async function readOwner(lockPath: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(lockPath, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user, so it is alive all the same.
    return isErrorCode(error, 'EPERM');
  }
}

function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
