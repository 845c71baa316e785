/**
 * A checkpoint's fingerprint: SHA-256 over config.json and the weight files (model.safetensors, or the
 * shard index and every shard it names, in name order), streamed from disk. An index file records it,
 * so that a search embeds its queries with the very weights its documents were embedded with.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../errors';

async function hashFile(hash: ReturnType<typeof createHash>, path: string): Promise<void> {
  hash.update(`${path.slice(path.lastIndexOf('/') + 1)}\0`);
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (cause) {
    throw new CheckpointError(path, `cannot be read (${(cause as Error).message})`, { cause });
  }
}

export async function modelFingerprint(dir: string): Promise<string> {
  const hash = createHash('sha256');
  await hashFile(hash, join(dir, 'config.json'));
  const index = join(dir, 'model.safetensors.index.json');
  if (existsSync(index)) {
    await hashFile(hash, index);
    const map = (JSON.parse(readFileSync(index, 'utf8')) as { weight_map?: Record<string, string> }).weight_map ?? {};
    for (const shard of [...new Set(Object.values(map))].sort()) await hashFile(hash, join(dir, shard));
  } else {
    await hashFile(hash, join(dir, 'model.safetensors'));
  }
  return `sha256:${hash.digest('hex')}`;
}
