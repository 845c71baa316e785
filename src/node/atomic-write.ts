/**
 * Output written whole or not at all: the bytes go to a temporary file in the target's folder, are
 * flushed to disk, and only then renamed over the target. A failure (a full disk, a missing folder)
 * removes the temporary file, leaves any old target as it was, and is an InputError naming the path.
 */
import { writeSync } from 'node:fs';
import { access, constants, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors';

/** Fails now, before any work, when `path` is a folder, or its folder does not exist, is a file, or cannot be written. */
export async function checkWritable(path: string): Promise<void> {
  if ((await stat(path).catch(() => undefined))?.isDirectory()) throw new InputError(`${path}: cannot be written (it is a folder; name a file)`);
  const folder = dirname(path);
  try {
    await access(folder, constants.W_OK);
  } catch (cause) {
    throw new InputError(`${path}: cannot be written (its folder ${folder} ${(cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not writable'})`, { cause });
  }
  if (!(await stat(folder)).isDirectory()) throw new InputError(`${path}: cannot be written (${folder} is a file, not a folder)`);
}

/** Writes all of `bytes` to `file` (a short write is retried from where it stopped; no progress is an error). */
export async function writeAll(file: FileHandle, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) {
    const { bytesWritten } = await file.write(bytes, written, bytes.byteLength - written);
    if (bytesWritten === 0) throw new Error('the disk took no more bytes');
    written += bytesWritten;
  }
}

/** writeAll for a synchronous writer: a file descriptor and `writeSync` (or a stand-in, to test a full disk). */
export function writeAllSync(fd: number, bytes: Uint8Array, write: typeof writeSync = writeSync): void {
  for (let done = 0; done < bytes.byteLength; ) {
    const n = write(fd, bytes, done, bytes.byteLength - done);
    if (n <= 0) throw new Error('the disk took no more bytes');
    done += n;
  }
}

/** Writes `content` (bytes, or pieces of text or bytes, so that large output never becomes one string). */
export async function writeFileAtomic(path: string, content: Uint8Array | Iterable<string | Uint8Array>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  const encoder = new TextEncoder();
  try {
    const file = await open(temporary, 'w');
    try {
      for (const piece of content instanceof Uint8Array ? [content] : content) await writeAll(file, typeof piece === 'string' ? encoder.encode(piece) : piece);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (cause) {
    await rm(temporary, { force: true });
    throw new InputError(`${path}: cannot be written (${(cause as Error).message})`, { cause });
  }
}
