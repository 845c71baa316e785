/** An index file from disk, checked by the strict reader; a file that cannot be read is an IndexFileError naming it. */
import { readFile } from 'node:fs/promises';
import { IndexFileError } from '../errors';
import { decodeIndex, type IndexData } from '../search/index-file';

export async function readIndexFile(path: string): Promise<IndexData> {
  const bytes = await readFile(path).catch((cause: Error) => {
    throw new IndexFileError(path, `cannot be read (${cause.message})`, { cause });
  });
  return decodeIndex(path, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
