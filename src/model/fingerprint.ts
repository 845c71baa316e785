/**
 * A checkpoint's fingerprint: which weights embedded an index's documents, so that its queries are
 * embedded with the same ones. It is the SHA-256 of the lines `<file> <sha256 of the file>\n`, sorted by
 * file name, over config.json, the tokenizer files and the weight files (model.safetensors, or the shard
 * index and its shards): per-file digests, so that Node can stream each file and a browser can digest each file it
 * has read, and both arrive at the same string.
 */
import { sha256Hex } from '../hash';
import type { CheckpointSource } from './source';

/** Files a fingerprint covers: the config, the tokenizer and whatever holds the weights. */
export function fingerprintedFile(file: string): boolean {
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors.index.json'].includes(file) || file.endsWith('.safetensors');
}

/** The fingerprint of per-file SHA-256 digests (hex), by file name. */
export async function combineFileDigests(digests: ReadonlyMap<string, string>): Promise<string> {
  const lines = [...digests].filter(([file]) => fingerprintedFile(file)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `sha256:${await sha256Hex(lines.map(([file, hex]) => `${file} ${hex}\n`).join(''))}`;
}

/** Wraps a source so that every fingerprinted file it reads is digested; `fingerprint()` after loading. */
export function fingerprintingSource(source: CheckpointSource): { source: CheckpointSource; fingerprint(): Promise<string> } {
  const digests = new Map<string, Promise<string>>();
  return {
    source: {
      label: source.label,
      has: (file) => source.has(file),
      async readBytes(file) {
        const bytes = await source.readBytes(file);
        if (fingerprintedFile(file) && !digests.has(file)) digests.set(file, sha256Hex(bytes));
        return bytes;
      },
    },
    async fingerprint() {
      const resolved = new Map<string, string>();
      for (const [file, digest] of digests) resolved.set(file, await digest);
      return combineFileDigests(resolved);
    },
  };
}
