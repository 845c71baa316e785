/**
 * Output written whole or not at all (node/atomic-write.ts) when the disk misbehaves: short writes are
 * continued, a write that takes nothing and a disk that fills mid-way are errors naming the path, and
 * then the old file is untouched and no temporary file is left.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { InputError } from '../src/errors';
import { writeAll, writeFileAtomic } from '../src/node/atomic-write';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A file handle whose disk takes at most `perWrite` bytes a call and `capacity` in all (then 0 bytes a call). */
function fakeDisk(perWrite: number, capacity: number): { handle: FileHandle; written: number[] } {
  const written: number[] = [];
  const handle = {
    async write(bytes: Uint8Array, offset: number, length: number) {
      const n = Math.max(0, Math.min(length, perWrite, capacity - written.length));
      written.push(...bytes.subarray(offset, offset + n));
      return { bytesWritten: n, buffer: bytes };
    },
  } as unknown as FileHandle;
  return { handle, written };
}

describe('writing whole or not at all', () => {
  test('short writes are continued until every byte is on disk, in order', async () => {
    const disk = fakeDisk(7, 1000);
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
    await writeAll(disk.handle, bytes);
    expect(disk.written).toEqual(Array.from(bytes));
  });

  test('a disk that stops taking bytes is an error, not a silent short file', async () => {
    const disk = fakeDisk(7, 50);
    await expect(writeAll(disk.handle, new Uint8Array(100))).rejects.toThrow(/the disk took no more bytes/);
  });

  test('a disk full mid-way: one-line InputError naming the path, the old file as it was, no temporary left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'c2llm-atomic-'));
    dirs.push(dir);
    const target = join(dir, 'out.json');
    writeFileSync(target, 'the old output');
    function* pieces(): Generator<string> {
      yield '{"vectors": [';
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    const failure = await writeFileAtomic(target, pieces()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InputError);
    expect((failure as Error).message).toBe(`${target}: cannot be written (ENOSPC: no space left on device, write)`);
    expect(readFileSync(target, 'utf8')).toBe('the old output');
    expect(readdirSync(dir)).toEqual(['out.json']);
  });
});
