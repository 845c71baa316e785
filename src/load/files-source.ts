/** A checkpoint from files the user picked (a directory input or drag-and-drop), matched by base name. */
import { CheckpointError } from '../errors';
import type { CheckpointSource } from '../model/source';

export function filesSource(files: Iterable<File>, label = 'picked files'): CheckpointSource {
  const byName = new Map<string, File>();
  for (const file of files) byName.set(file.name, file);
  return {
    label,
    async has(name) {
      return byName.has(name);
    },
    async readBytes(name) {
      const file = byName.get(name);
      if (!file) throw new CheckpointError(name, `file not found among the ${byName.size} picked files`);
      return new Uint8Array(await file.arrayBuffer());
    },
  };
}
