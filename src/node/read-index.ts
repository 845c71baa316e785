/**
 * An index file from disk, checked by the strict reader. Only a regular file is read (a FIFO would block
 * for ever, /dev/zero grow without end), and no more than its size; a file that cannot be read is an
 * IndexFileError naming it.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { IndexFileError } from '../errors';
import { decodeIndex, type IndexData } from '../search/index-file';

export async function readIndexFile(path: string): Promise<IndexData> {
  const cannot = (cause: Error): never => {
    throw new IndexFileError(path, `cannot be read (${cause.message})`, { cause });
  };
  // O_NONBLOCK: opening a FIFO for reading must not wait for a writer before fstat says what it is.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(cannot);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new IndexFileError(path, 'is not a regular file (a folder, device or pipe); an index is a file written by c2llm index');
    const bytes = new Uint8Array(info.size);
    let done = 0;
    while (done < info.size) {
      const { bytesRead } = await handle.read(bytes, done, info.size - done, done).catch(cannot);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    if (done !== info.size) throw new IndexFileError(path, `changed while it was read (${done} of ${info.size} bytes)`);
    return decodeIndex(path, bytes);
  } finally {
    await handle.close();
  }
}
