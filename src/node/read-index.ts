/** An index file from disk, read as node/regular-file.ts reads files and checked by the strict reader; a file that cannot be read is an IndexFileError naming it. */
import { IndexFileError } from '../errors';
import { decodeIndex, type IndexData } from '../search/index-file';
import { readRegularFile } from './regular-file';

export async function readIndexFile(path: string): Promise<IndexData> {
  return decodeIndex(path, await readRegularFile(path, 'an index is a file written by c2llm index', (detail, cause) => new IndexFileError(path, detail, { cause })));
}
