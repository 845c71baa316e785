/**
 * A lock file per target, so that processes sharing one folder (a Hub cache) take turns writing the
 * same file: the lock holds its owner's pid; one whose process has ended is taken over.
 */
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { sleep } from '../retry';

/** A name beside `lock` that no other caller uses at the same time. */
let unique = 0;
const privateName = (lock: string, what: string) => `${lock}.${what}-${process.pid}-${unique++}`;

/**
 * Creates `lock` holding this process's pid, whole or not at all: the pid is written to a private file
 * first and then hard-linked to the lock's name, which fails when the lock exists. (Creating the lock
 * and then writing the pid would let a contender read it empty and judge it dead.)
 */
async function tryCreate(lock: string): Promise<boolean> {
  const mine = privateName(lock, 'new');
  await writeFile(mine, String(process.pid));
  try {
    await link(mine, lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    await rm(mine, { force: true });
  }
}

const ownerOf = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).trim();

/**
 * Removes `lock` when it still holds `deadOwner`: it is first renamed to a private name (only one
 * contender can), then read again; a lock that another contender had already taken over in between
 * is put back.
 */
async function takeOver(lock: string, deadOwner: string): Promise<void> {
  const claimed = privateName(lock, 'stale');
  try {
    await rename(lock, claimed);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if ((await ownerOf(claimed)) !== deadOwner) await link(claimed, lock).catch(() => undefined);
  await rm(claimed, { force: true });
}

/**
 * Holds `<target>.lock` while `work` runs, so that processes sharing a cache do not write one file at
 * once: a lock whose process has ended is taken over; a live one is waited for (its download has
 * timeouts of its own), then `work` runs (and finds the file there).
 */
export async function withFileLock<T>(target: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const lock = `${target}.lock`;
  while (!(await tryCreate(lock))) {
    const owner = await ownerOf(lock);
    if (!processAlive(Number(owner))) await takeOver(lock, owner);
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
