/**
 * A file from disk that someone else may have made: only a regular file is read (a FIFO would block for
 * ever, /dev/zero grow without end), no more than its size, and a size this process cannot hold (a sparse
 * file of terabytes) is refused. Each failure is the caller's error (`fail`), with what went wrong in words.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** The caller's error for `path`: `detail` says what went wrong ("cannot be read (…)", "is not a regular file …"). */
export type ReadFailure = (detail: string, cause?: unknown) => Error;

/** What is said of a path that is no regular file; `what` says what such a file should be. */
export const notRegularFile = (what: string) => `is not a regular file (a folder, device or pipe); ${what}`;

/** A regular file's bytes, whole; `what` says what such a file is, for the error a folder, device or pipe gets. */
export async function readRegularFile(path: string, what: string, fail: ReadFailure): Promise<Uint8Array> {
  const cannot = (cause: Error): never => {
    throw fail(`cannot be read (${cause.message})`, cause);
  };
  // O_NONBLOCK: opening a FIFO for reading must not wait for a writer before fstat says what it is.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(cannot);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw fail(notRegularFile(what));
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(info.size);
    } catch (cause) {
      throw fail(`is ${info.size} bytes, more than this process can hold`, cause);
    }
    let done = 0;
    while (done < info.size) {
      const { bytesRead } = await handle.read(bytes, done, info.size - done, done).catch(cannot);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    if (done !== info.size) throw fail(`changed while it was read (${done} of ${info.size} bytes)`);
    return bytes;
  } finally {
    await handle.close();
  }
}
