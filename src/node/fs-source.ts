/** A checkpoint directory on the local disk (Node). */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '../errors';
import type { CheckpointSource } from '../model/source';

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
      try {
        const buffer = await readFile(join(dir, file));
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'file not found' : `cannot be read (${(cause as Error).message})`;
        throw new CheckpointError(join(dir, file), why, { cause });
      }
    },
  };
}
