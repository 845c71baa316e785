/**
 * A lock file per target, so that processes sharing one folder (a Hub cache) take turns writing the
 * same file: the lock holds its owner's pid; one whose process has ended is taken over.
 */
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { sleep } from '../retry';

/**
 * How long a lock may stay empty before it counts as abandoned: its owner creates it, then writes its
 * pid, and a contender that reads it in between must wait rather than judge it dead.
 */
const UNWRITTEN_GRACE_MS = 10_000;
let claims = 0;

/** Creates `lock` and writes this process's pid to it; false when it exists. */
async function tryCreate(lock: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(lock, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.write(String(process.pid));
  } finally {
    await handle.close();
  }
  return true;
}

/** What `lock` holds (its owner's pid, or '' while being written), undefined when it is gone. */
async function ownerOf(lock: string): Promise<string | undefined> {
  try {
    return (await readFile(lock, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Whether `lock`, holding `owner`, is left by a process that has ended, or was never written. */
async function abandoned(lock: string, owner: string): Promise<boolean> {
  if (owner !== '') return !processAlive(Number(owner));
  const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
  return age > UNWRITTEN_GRACE_MS;
}

/**
 * Removes `lock` when it still holds what was judged abandoned (`owner`): it is renamed to a private
 * name first (only one contender can), then read again, and put back when another contender had taken
 * it over in between.
 */
async function takeOver(lock: string, owner: string): Promise<void> {
  const claimed = `${lock}.stale-${process.pid}-${claims++}`;
  try {
    await rename(lock, claimed);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if ((await ownerOf(claimed)) !== owner) await rename(claimed, lock);
  else await rm(claimed, { force: true });
}

/**
 * Holds `<target>.lock` while `work` runs, so that processes sharing a cache do not write one file at
 * once: a lock whose process has ended (or that stayed empty past UNWRITTEN_GRACE_MS) is taken over; a
 * live one is waited for (its download has timeouts of its own), then `work` runs (and finds the file
 * there).
 */
export async function withFileLock<T>(target: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const lock = `${target}.lock`;
  while (!(await tryCreate(lock))) {
    const owner = await ownerOf(lock);
    if (owner === undefined) continue;
    if (await abandoned(lock, owner)) await takeOver(lock, owner);
    else await sleep(200, signal);
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
