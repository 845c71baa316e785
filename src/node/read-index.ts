/**
 * Index files from disk. Only a regular file is read (a FIFO would block for ever, /dev/zero grow without
 * end), and no more than its size; a file that cannot be read is an IndexFileError naming it. An index
 * file is then checked by the strict reader.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { IndexFileError } from '../errors';
import { decodeIndex, type IndexData } from '../search/index-file';

/** `size` bytes to read a file into, or an IndexFileError where this process cannot hold them (a sparse file of terabytes). */
function allocate(size: number, path: string): Uint8Array {
  try {
    return new Uint8Array(size);
  } catch (cause) {
    throw new IndexFileError(path, `is ${size} bytes, more than this process can hold`, { cause });
  }
}

/** A regular file's bytes, whole; `what` says what such a file is, for the error a folder, device or pipe gets. */
export async function readRegularFile(path: string, what: string): Promise<Uint8Array> {
  const cannot = (cause: Error): never => {
    throw new IndexFileError(path, `cannot be read (${cause.message})`, { cause });
  };
  // O_NONBLOCK: opening a FIFO for reading must not wait for a writer before fstat says what it is.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(cannot);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new IndexFileError(path, `is not a regular file (a folder, device or pipe); ${what}`);
    const bytes = allocate(info.size, path);
    let done = 0;
    while (done < info.size) {
      const { bytesRead } = await handle.read(bytes, done, info.size - done, done).catch(cannot);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    if (done !== info.size) throw new IndexFileError(path, `changed while it was read (${done} of ${info.size} bytes)`);
    return bytes;
  } finally {
    await handle.close();
  }
}

export async function readIndexFile(path: string): Promise<IndexData> {
  return decodeIndex(path, await readRegularFile(path, 'an index is a file written by c2llm index'));
}
