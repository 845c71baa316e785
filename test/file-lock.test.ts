/**
 * node/file-lock.ts: one holder at a time among many callers; a lock left by a process that has ended,
 * or untouched for STALE_MS whatever pid it holds (this process's own, as after a container restart), is
 * taken over by one caller at a time; an empty lock younger than that is waited for; a held lock is kept
 * fresh. Among processes: hostile-hub.test.ts's three CLI downloads into one cache.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { HEARTBEAT_MS, STALE_MS, withFileLock } from '../src/node/file-lock';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const lockFolder = () => mkdtempSync(join(tmpdir(), 'c2llm-lock-'));
const longAgo = () => new Date(Date.now() - 2 * STALE_MS);

/** Leaves `<target>.lock` holding `owner`, untouched for twice STALE_MS. */
function staleLock(target: string, owner: string) {
  writeFileSync(`${target}.lock`, owner);
  utimesSync(`${target}.lock`, longAgo(), longAgo());
}

/** Runs `callers` holders of one lock at once; returns the most that held it together. */
async function mostAtOnce(target: string, callers: number, holdMs: number): Promise<number> {
  let holding = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: callers }, () =>
      withFileLock(target, async () => {
        holding++;
        most = Math.max(most, holding);
        await sleep(holdMs);
        holding--;
      }),
    ),
  );
  return most;
}

describe('withFileLock', () => {
  test('twelve callers at once hold the lock one at a time, and leave no lock behind', async () => {
    const dir = lockFolder();
    expect(await mostAtOnce(join(dir, 'file'), 12, 5)).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a lock whose process has ended is taken over, by one caller at a time', async () => {
    const dir = lockFolder();
    const ended = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => ended.on('close', resolve));
    writeFileSync(join(dir, 'file.lock'), String(ended.pid));
    expect(await mostAtOnce(join(dir, 'file'), 12, 5)).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('an empty lock is waited for while it is young, and taken over once it is old', async () => {
    const dir = lockFolder();
    const target = join(dir, 'file');
    writeFileSync(`${target}.lock`, '');
    let released = false;
    setTimeout(() => {
      released = true;
      rmSync(`${target}.lock`);
    }, 600);
    let ranBeforeRelease: boolean | undefined;
    await withFileLock(target, async () => void (ranBeforeRelease = !released));
    expect(ranBeforeRelease).toBe(false);
    staleLock(target, '');
    expect(await mostAtOnce(target, 4, 5)).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a lock untouched for longer than STALE_MS is taken over even when its pid is alive (this process)', async () => {
    const dir = lockFolder();
    const target = join(dir, 'file');
    staleLock(target, String(process.pid));
    expect(await mostAtOnce(target, 3, 5)).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('its holder keeps the lock fresh, so a long hold is never judged stale', async () => {
    const dir = lockFolder();
    const target = join(dir, 'file');
    let age = Infinity;
    await withFileLock(target, async () => {
      utimesSync(`${target}.lock`, longAgo(), longAgo());
      await sleep(HEARTBEAT_MS + 500);
      age = Date.now() - statSync(`${target}.lock`).mtimeMs;
    });
    expect(age).toBeLessThan(STALE_MS);
  });
});
