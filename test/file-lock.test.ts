/**
 * node/file-lock.ts: one holder at a time among many callers (a lock is never judged dead while its
 * owner is still writing its pid), and a lock left by a process that has ended is taken over by one
 * caller at a time. Among processes: hostile-hub.test.ts's three CLI downloads into one cache.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { withFileLock } from '../src/node/file-lock';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    const dir = mkdtempSync(join(tmpdir(), 'c2llm-lock-'));
    expect(await mostAtOnce(join(dir, 'file'), 12, 5)).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a lock whose process has ended is taken over, by one caller at a time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'c2llm-lock-'));
    const ended = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => ended.on('close', resolve));
    writeFileSync(join(dir, 'file.lock'), String(ended.pid));
    expect(await mostAtOnce(join(dir, 'file'), 6, 5)).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });
});
