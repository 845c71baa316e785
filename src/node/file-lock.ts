/**
 * A lock file per target, so that processes sharing one folder (a Hub cache) take turns writing the
 * same file: the lock holds its owner's pid; one whose process has ended is taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { sleep } from '../retry';

/**
 * Holds `<target>.lock` while `work` runs, so that processes sharing a cache do not write one file at
 * once: a lock whose process has ended is taken over; a live one is waited for (its download has
 * timeouts of its own), then `work` runs (and finds the file there).
 */
export async function withFileLock<T>(target: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const lock = `${target}.lock`;
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.write(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await readFile(lock, 'utf8').catch(() => ''));
      if (!processAlive(owner)) await rm(lock, { force: true });
      else await sleep(200, signal);
    }
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
