/**
 * A checkpoint directory on the local disk (Node). Besides whole files it reads ranges, so that a
 * single-file checkpoint is read tensor by tensor (model/shard-reader.ts's RangeReader).
 */
import { access, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '../errors';
import type { CheckpointSource } from '../model/source';
import { readRegularFile } from './regular-file';

/** A checkpoint file that could not be read, as one line: a missing file says so plainly. */
export function unreadable(path: string, cause: unknown): CheckpointError {
  const code = (cause as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'file not found' : `cannot be read (${(cause as Error).message})`;
  return new CheckpointError(path, why, { cause });
}

/** What a checkpoint's files must be, said where one is not. */
export const CHECKPOINT_FILES = 'a checkpoint is a folder of regular files';

export function directorySource(dir: string): CheckpointSource {
  return {
    label: dir,
    async has(file) {
      return access(join(dir, file)).then(
        () => true,
        () => false,
      );
    },
    async readBytes(file) {
      const path = join(dir, file);
      // A missing file is named as unreadable names it; anything else as the reader says.
      return readRegularFile(path, CHECKPOINT_FILES, (detail, cause) => ((cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' ? unreadable(path, cause) : new CheckpointError(path, detail, { cause })));
    },
    ranges: {
      async size(file) {
        try {
          return (await stat(join(dir, file))).size;
        } catch (cause) {
          throw unreadable(join(dir, file), cause);
        }
      },
      async read(file, start, end) {
        const path = join(dir, file);
        const bytes = new Uint8Array(end - start);
        try {
          const handle = await open(path, 'r');
          try {
            for (let done = 0; done < bytes.byteLength; ) {
              const { bytesRead } = await handle.read(bytes, done, bytes.byteLength - done, start + done);
              if (bytesRead === 0) throw new Error(`the file ended at byte ${start + done}, before ${end}`);
              done += bytesRead;
            }
          } finally {
            await handle.close();
          }
        } catch (cause) {
          throw unreadable(path, cause);
        }
        return bytes;
      },
    },
  };
}
