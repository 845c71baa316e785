/**
 * A lock file per target, so that processes sharing one folder (a Hub cache) take turns writing the
 * same file: the lock holds its owner's pid and is touched by its owner while held; one whose process
 * has ended, or that nobody has touched for STALE_MS, is taken over.
 */
import { open, readFile, rm, stat, utimes } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { sleep } from '../retry';

/**
 * A lock untouched for this long is abandoned whatever pid it holds: one left by a process that was
 * killed, whose pid now names another process (in a container, often this very one), or one left empty
 * by a process killed between creating it and writing its pid. Its owner touches it every HEARTBEAT_MS.
 */
export const STALE_MS = 30_000;
export const HEARTBEAT_MS = 2_000;

/** Creates `file` holding this process's pid; false when it exists. */
async function tryCreate(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx');
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

const untouchedFor = (file: string) => stat(file).then((s) => Date.now() - s.mtimeMs, () => 0);

/**
 * Whether `lock`, holding `owner`, is abandoned: untouched for STALE_MS, or holding the pid of a process
 * that has ended. An empty lock younger than that is being written by its owner.
 */
async function abandoned(lock: string, owner: string): Promise<boolean> {
  return (await untouchedFor(lock)) > STALE_MS || (owner !== '' && !processAlive(Number(owner)));
}

/**
 * Removes `lock` if it is abandoned, one contender at a time: under `<lock>.takeover`, the lock is judged
 * again and removed. (Judged and removed without it, a contender that judged the old lock could remove
 * the lock another had just created in its place.) A takeover lock is held for milliseconds, so one
 * older than STALE_MS was left by a killed process and is removed.
 */
async function takeOver(lock: string, signal?: AbortSignal): Promise<void> {
  const guard = `${lock}.takeover`;
  if (!(await tryCreate(guard))) {
    if ((await untouchedFor(guard)) > STALE_MS) await rm(guard, { force: true });
    else await sleep(20, signal);
    return;
  }
  try {
    const owner = await ownerOf(lock);
    if (owner !== undefined && (await abandoned(lock, owner))) await rm(lock, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}

/**
 * Holds `<target>.lock` while `work` runs, touching it every HEARTBEAT_MS, so that processes sharing a
 * cache do not write one file at once: an abandoned lock is taken over; a live one is waited for (its
 * download has timeouts of its own), then `work` runs (and finds the file there).
 */
export async function withFileLock<T>(target: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const lock = `${target}.lock`;
  while (!(await tryCreate(lock))) {
    const owner = await ownerOf(lock);
    if (owner === undefined) continue;
    if (await abandoned(lock, owner)) await takeOver(lock, signal);
    else await sleep(200, signal);
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lock, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
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
